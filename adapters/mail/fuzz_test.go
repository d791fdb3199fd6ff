package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"obieg.dev/obieg/engine"
)

// FuzzParse checks that Parse never panics (a recovered panic would come back
// as KindOther), fails only with KindInvalid or KindTooLarge, returns valid
// UTF-8, safe names, and attachments whose SHA256 matches their Content.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/related; boundary=b\n\n--b\n\n<p>x</p>\n--b--\n--a--\n"))
	f.Add([]byte("Subject: =?iso-8859-2?B?U2thcmdh?=\nContent-Type: text/html; charset=cp1250\nContent-Transfer-Encoding: quoted-printable\n\n<p>=B9=9C</p><br>&amp;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lim := range []Limits{{}, {MaxBytes: 4096, MaxParts: 8, MaxDepth: 3}} {
			m, err := Parse(bytes.NewReader(data), lim)
			if err != nil {
				if m != nil {
					t.Fatal("message returned with an error")
				}
				if k := engine.KindOf(err); k != engine.KindInvalid && k != engine.KindTooLarge {
					t.Fatalf("error of kind %v: %v", k, err)
				}
				continue
			}
			check(t, "MessageID", m.MessageID)
			check(t, "Subject", m.Subject)
			check(t, "Text", m.Text)
			check(t, "HTML", m.HTML)
			check(t, "From", m.From.Name+m.From.Email)
			for _, a := range append(append([]Address{}, m.To...), m.Cc...) {
				check(t, "address", a.Name+a.Email)
			}
			for _, a := range m.Attachments {
				sum := sha256.Sum256(a.Content)
				if a.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("attachment %q: SHA256 %s does not match its content", a.FileName, a.SHA256)
				}
				check(t, "FileName", a.FileName)
				check(t, "SafeName", a.SafeName)
				s := a.SafeName
				if s == "" || strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, ".") || len(s) > maxNameBytes ||
					strings.IndexFunc(s, unicode.IsControl) >= 0 {
					t.Fatalf("unsafe SafeName %q (from %q)", s, a.FileName)
				}
			}
		}
	})
}

func check(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not valid UTF-8: %q", what, s)
	}
}
