package postgres

import (
	"bufio"
	"fmt"
	"io/fs"
	"strings"
)

// Queries loads named SQL statements from a .sql file in fsys. Each
// statement starts with a line "-- name: Name"; the text up to the next such
// line is its SQL. It panics on a malformed file: queries are embedded at
// build time, so a bad file is a programming error found by any test.
func Queries(fsys fs.FS, file string) map[string]string {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		panic(fmt.Sprintf("postgres.Queries: %v", err))
	}
	out := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() {
		if name == "" {
			return
		}
		q := strings.TrimSpace(body.String())
		if q == "" {
			panic(fmt.Sprintf("postgres.Queries: %s: query %q is empty", file, name))
		}
		if _, dup := out[name]; dup {
			panic(fmt.Sprintf("postgres.Queries: %s: query %q defined twice", file, name))
		}
		out[name] = strings.TrimSuffix(q, ";")
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(rest)
			body.Reset()
			continue
		}
		if name != "" {
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	flush()
	return out
}
