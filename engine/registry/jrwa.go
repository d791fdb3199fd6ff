package registry

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// JRWAClass is one class of the uniform list of files (jednolity rzeczowy
// wykaz akt). Only leaf classes hold cases.
type JRWAClass struct {
	Symbol        string         `json:"symbol"`
	Title         string         `json:"title"`
	CategoryOwn   string         `json:"categoryOwn,omitempty"`   // archival category in the unit in charge
	CategoryOther string         `json:"categoryOther,omitempty"` // in other units
	Leaf          bool           `json:"leaf"`
	ValidFrom     *calendar.Date `json:"validFrom,omitempty"`
	ValidTo       *calendar.Date `json:"validTo,omitempty"`
	Version       string         `json:"version,omitempty"`
}

// JRWAVersion is one imported version of the list. JRWA versions change by
// regulation; a case keeps the class of the version it was opened under.
type JRWAVersion struct {
	ID        uuid.UUID      `json:"id"`
	Name      string         `json:"name"`
	ValidFrom calendar.Date  `json:"validFrom"`
	ValidTo   *calendar.Date `json:"validTo,omitempty"`
	Classes   int            `json:"classes"`
}

var (
	jrwaSymbolRe = regexp.MustCompile(`^[0-9]{1,4}$`)
	// Archival categories (instrukcja kancelaryjna, załącznik 6; ustawa o
	// narodowym zasobie archiwalnym art. 5): A, B<n>, BE<n>, Bc.
	categoryRe = regexp.MustCompile(`^(A|Bc|B[0-9]{1,3}|BE[0-9]{1,3})$`)
)

// csvColumns maps accepted header names (English and Polish) to fields.
var csvColumns = map[string]string{
	"symbol": "symbol", "title": "title", "haslo": "title", "hasło": "title", "nazwa": "title",
	"category_own": "own", "kategoria": "own", "kategoria_merytoryczna": "own",
	"category_other": "other", "kategoria_inne": "other",
	"valid_from": "from", "obowiazuje_od": "from", "valid_to": "to", "obowiazuje_do": "to",
}

// ParseJRWA reads a JRWA list from CSV (comma or semicolon separated, with a
// header row naming at least symbol and title), checks it and marks leaves.
// Errors name the line.
func ParseJRWA(r io.Reader) ([]JRWAClass, error) {
	const op = "registry.ParseJRWA"
	data, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, err)
	}
	if !utf8.Valid(data) {
		return nil, engine.Invalid(op, "file", "the file is not UTF-8")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, engine.Invalid(op, "file", "no header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		if f, ok := csvColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			col[f] = i
		}
	}
	if _, ok := col["symbol"]; !ok {
		return nil, engine.Invalid(op, "file", "header must name a 'symbol' column")
	}
	if _, ok := col["title"]; !ok {
		return nil, engine.Invalid(op, "file", "header must name a 'title' column")
	}
	get := func(rec []string, f string) string {
		if i, ok := col[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []JRWAClass
	bySymbol := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, engine.Invalid(op, "file", "line %d: %v", line, err)
		}
		c := JRWAClass{Symbol: get(rec, "symbol"), Title: get(rec, "title"), CategoryOwn: get(rec, "own"), CategoryOther: get(rec, "other")}
		if c.Symbol == "" && c.Title == "" {
			continue
		}
		fail := func(format string, args ...any) error {
			return engine.Invalid(op, "file", "line %d (%s): %s", line, c.Symbol, fmt.Sprintf(format, args...))
		}
		if !jrwaSymbolRe.MatchString(c.Symbol) {
			return nil, fail("symbol must be 1 to 4 digits")
		}
		if c.Title == "" {
			return nil, fail("title is empty")
		}
		if _, dup := bySymbol[c.Symbol]; dup {
			return nil, fail("symbol appears twice")
		}
		if len(c.Symbol) > 1 {
			if _, ok := bySymbol[c.Symbol[:len(c.Symbol)-1]]; !ok {
				return nil, fail("parent class %s must come before it", c.Symbol[:len(c.Symbol)-1])
			}
		}
		for _, f := range []struct {
			name string
			p    **calendar.Date
		}{{"from", &c.ValidFrom}, {"to", &c.ValidTo}} {
			if v := get(rec, f.name); v != "" {
				d, err := calendar.ParseDate(v)
				if err != nil {
					return nil, fail("valid_%s %q is not a date YYYY-MM-DD", f.name, v)
				}
				*f.p = &d
			}
		}
		bySymbol[c.Symbol] = len(out)
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, engine.Invalid(op, "file", "no classes in the file")
	}
	for i := range out {
		out[i].Leaf = true
	}
	for _, c := range out {
		if len(c.Symbol) > 1 {
			out[bySymbol[c.Symbol[:len(c.Symbol)-1]]].Leaf = false
		}
	}
	for i := range out {
		c := &out[i]
		if !c.Leaf {
			continue
		}
		// Leaves hold cases, so they need categories; other units keep
		// copies for current use (Bc) unless the list says otherwise.
		if c.CategoryOther == "" {
			c.CategoryOther = "Bc"
		}
		if !categoryRe.MatchString(c.CategoryOwn) {
			return nil, engine.Invalid(op, "file", "class %s: archival category %q is not A, B<n>, BE<n> or Bc", c.Symbol, c.CategoryOwn)
		}
		if !categoryRe.MatchString(c.CategoryOther) {
			return nil, engine.Invalid(op, "file", "class %s: archival category for other units %q is not A, B<n>, BE<n> or Bc", c.Symbol, c.CategoryOther)
		}
	}
	return out, nil
}

// ImportJRWA stores a parsed JRWA list as a new version valid from validFrom.
func (s *Service) ImportJRWA(ctx context.Context, a *Actor, name string, validFrom calendar.Date, validTo *calendar.Date, r io.Reader) (*JRWAVersion, error) {
	const op = "registry.ImportJRWA"
	if err := requireAdmin(op, a); err != nil {
		return nil, err
	}
	if trim(name) == "" {
		return nil, engine.Invalid(op, "name", "version name is required")
	}
	if validTo != nil && validTo.Before(validFrom) {
		return nil, engine.Invalid(op, "validTo", "the version ends before it starts")
	}
	classes, err := ParseJRWA(r)
	if err != nil {
		return nil, err
	}
	v := &JRWAVersion{ID: newID(), Name: trim(name), ValidFrom: validFrom, ValidTo: validTo, Classes: len(classes)}
	err = s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, q["InsertJRWAVersion"], v.ID, a.OfficeID, v.Name, v.ValidFrom, v.ValidTo, s.now()); err != nil {
			if engine.Is(engine.KindConflict, postgres.Err(op, err)) {
				return engine.Invalid(op, "name", "a JRWA version named %q already exists", v.Name)
			}
			return err
		}
		b := &pgx.Batch{}
		for _, c := range classes {
			b.Queue(q["InsertJRWAClass"], newID(), a.OfficeID, v.ID, c.Symbol, c.Title, c.CategoryOwn, c.CategoryOther, c.Leaf, c.ValidFrom, c.ValidTo)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return v, nil
}

// JRWA lists the classes in force today.
func (s *Service) JRWA(ctx context.Context, a *Actor) ([]JRWAClass, error) {
	const op = "registry.JRWA"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []JRWAClass
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListJRWA"], s.today())
		var err error
		seen := map[string]bool{}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (JRWAClass, error) {
			var c JRWAClass
			err := r.Scan(&c.Symbol, &c.Title, &c.CategoryOwn, &c.CategoryOther, &c.Leaf, &c.Version)
			return c, err
		})
		// Newest version first: keep the first occurrence of each symbol.
		kept := out[:0]
		for _, c := range out {
			if !seen[c.Symbol] {
				seen[c.Symbol] = true
				kept = append(kept, c)
			}
		}
		out = kept
		sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
		return err
	})
	return out, postgres.Err(op, err)
}
