package mail

import (
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		`..\..\windows\system32\evil.exe`:    "evil.exe",
		"../../etc/passwd":                   "passwd",
		"C:\\Users\\kowalski\\Pulpit\\a.pdf": "a.pdf",
		".bashrc":                            "bashrc",
		"...":                                "zalacznik-3.bin",
		"":                                   "zalacznik-3.bin",
		"dir/":                               "zalacznik-3.bin",
		"faktura\u202Efdp.exe":               "fakturafdp.exe",
		"a\x00b\r\nc.txt":                    "abc.txt",
		"Wniosek: skan?.pdf":                 "Wniosek_ skan_.pdf",
		"CON.txt":                            "_CON.txt",
		"raport.pdf. . ":                     "raport.pdf",
		"Zażółć gęślą jaźń.odt":              "Zażółć gęślą jaźń.odt",
	} {
		if got := safeName(in, 3); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := safeName(strings.Repeat("ż", 300)+".pdf", 1)
	if len(long) > maxNameBytes || !strings.HasSuffix(long, "ż.pdf") {
		t.Errorf("long name: %d bytes, %q", len(long), long[len(long)-10:])
	}
}

func TestParseMediaType(t *testing.T) {
	for _, c := range []struct{ in, mt, param, want string }{
		{`attachment; filename*=UTF-8''Wniosek%20o%20wydanie%20za%C5%9Bwiadczenia.pdf`, "attachment", "filename", "Wniosek o wydanie zaświadczenia.pdf"},
		{"attachment;\r\n filename*0*=UTF-8''Sprawozdanie%20z%20wykonania%20bud%C5%BC;\r\n filename*1*=etu%202024.xlsx", "attachment", "filename", "Sprawozdanie z wykonania budżetu 2024.xlsx"},
		{`attachment; filename*0="Bardzo dlugi "; filename*1="plik.txt"`, "attachment", "filename", "Bardzo dlugi plik.txt"},
		{`attachment; filename*=iso-8859-2'pl'Skarga%20na%20decyzj%EA.pdf`, "attachment", "filename", "Skarga na decyzję.pdf"},
		{`attachment; filename="old.pdf"; filename*=UTF-8''new.pdf`, "attachment", "filename", "new.pdf"},
		{`Text/HTML; Charset="Windows-1250"`, "text/html", "charset", "Windows-1250"},
		{`multipart/mixed; boundary="a;b\"c"`, "multipart/mixed", "boundary", `a;b"c`},
		{`attachment; filename="..\\..\\evil.exe"`, "attachment", "filename", `..\..\evil.exe`},
		{`attachment; filename=Wniosek o wydanie.pdf`, "attachment", "filename", "Wniosek o wydanie.pdf"},
		{`attachment; filename*=UTF-8''bad%ZZ%`, "attachment", "filename", "bad%ZZ%"},
	} {
		mt, params := parseMediaType(c.in)
		if mt != c.mt || params[c.param] != c.want {
			t.Errorf("parseMediaType(%q) = %q %q, want %q %s=%q", c.in, mt, params, c.mt, c.param, c.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	if len(iso88592) != 0x60 || len(windows1250) != 0x80 {
		t.Fatalf("table sizes %d %d", len(iso88592), len(windows1250))
	}
	polish := "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
	for cs, enc := range map[string]string{
		"ISO-8859-2":   "\xb1\xe6\xea\xb3\xf1\xf3\xb6\xbc\xbf\xa1\xc6\xca\xa3\xd1\xd3\xa6\xac\xaf",
		"windows-1250": "\xb9\xe6\xea\xb3\xf1\xf3\x9c\x9f\xbf\xa5\xc6\xca\xa3\xd1\xd3\x8c\x8f\xaf",
	} {
		if got, warn := decodeText([]byte(enc), cs); got != polish || warn != "" {
			t.Errorf("%s: %q %q", cs, got, warn)
		}
	}
	if got, _ := decodeText([]byte("\x84cytat\x94 \x96 \x80"), "cp1250"); got != "„cytat” – €" {
		t.Errorf("cp1250 punctuation: %q", got)
	}
	if got, warn := decodeText([]byte("zażółć"), "x-unknown"); got != "zażółć" || warn != "" {
		t.Errorf("unknown charset, valid UTF-8: %q %q", got, warn)
	}
	if got, warn := decodeText([]byte("za\xbf\xf3\xb3\xe6"), "x-unknown"); got != "za\uFFFD" || !strings.Contains(warn, "x-unknown") {
		t.Errorf("unknown charset, invalid UTF-8: %q %q", got, warn)
	}
}

func TestUnknownCharsetIsNotedNotFatal(t *testing.T) {
	in := "From: a@example.pl\r\nSubject: =?koi8-r?Q?=C1=C2?=\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\nza\xbf\xf3\xb3\xe6 ok\r\n"
	m, err := Parse(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "za\uFFFD ok" || len(m.Warnings) == 0 {
		t.Errorf("Text %q, Warnings %q", m.Text, m.Warnings)
	}
}

func TestTransferEncodings(t *testing.T) {
	if got := string(decodeQP([]byte("Za=BF=F3=B3=E6 =\r\nG=EA=B6l=B1 =3D 100% =zz  \r\nkoniec="))); got != "Za\xbf\xf3\xb3\xe6 G\xea\xb6l\xb1 = 100% =zz\r\nkoniec" {
		t.Errorf("QP: %q", got)
	}
	for in, want := range map[string]string{
		"WmHFvMOzxYLEhw==":        "Zażółć",
		"WmHF\r\nvMOz xYLE\r\nhw": "Zażółć",
		"WmE=WmE=":                "ZaZa",       // concatenated padded chunks
		"W*m!E":                   "Za",         // garbage skipped
		"WmHFvMOzxYLEhwX":         "Zażółć\x05", // dangling quantum decoded
		"":                        "",
	} {
		if got := string(decodeBase64([]byte(in))); got != want {
			t.Errorf("base64 %q = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>Akapit&nbsp;pierwszy</p><p>drugi<br>wiersz</p>":       "Akapit pierwszy\n\ndrugi\nwiersz",
		"<style>p{x}</style><b>Pogrubione</b>   i\n\tzwykłe":      "Pogrubione i zwykłe",
		"<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr>": "A B\nC",
		`<a href="x>y">link</a> &amp; &#261;&#x105; &bogus;`:      "link & ąą &bogus;",
		"tekst <!-- komentarz --> dalej <niedomknięty":            "tekst dalej",
	} {
		if got := htmlToText(in); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLCharsetFromMeta(t *testing.T) {
	in := "From: a@example.pl\r\nContent-Type: text/html\r\n\r\n<html><head><meta charset=\"iso-8859-2\"></head><body><p>Za\xbf\xf3\xb3\xe6</p></body></html>"
	m, err := Parse(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Zażółć" || !strings.Contains(m.HTML, "<p>Zażółć</p>") {
		t.Errorf("Text %q HTML %q", m.Text, m.HTML)
	}
}

func TestLenientHeaders(t *testing.T) {
	for in, from := range map[string]string{
		"From zazolc@example.pl Mon Mar  3 07:30:00 2025\r\nFrom: a@example.pl\r\n\r\nx": "a@example.pl",
		"From : b@example.pl\r\nSubject: x\r\n\r\nx":                                     "b@example.pl",
	} {
		if m, err := Parse(strings.NewReader(in), Limits{}); err != nil || m.From.Email != from {
			t.Errorf("%q: %v %+v", in, err, m)
		}
	}
	in := "To: Jan Kowalski <jan@example.pl>, Biuro Obsługi <biuro@example.pl, \"Nowak, Anna\" <anna@example.pl>\r\n" +
		"Date: wczoraj\r\nMessage-ID: <a@b> (komentarz)\r\nSubject: =?UTF-8?Q?=C5=BC=?= \xff\r\n\r\nTreść"
	m, err := Parse(strings.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.To) != 3 || m.To[0].Email != "jan@example.pl" || m.To[1] != (Address{"Biuro Obsługi", "biuro@example.pl"}) || m.To[2] != (Address{"Nowak, Anna", "anna@example.pl"}) {
		t.Errorf("To = %q", m.To)
	}
	if !m.Date.IsZero() || m.MessageID != "a@b" || m.Text != "Treść" || m.From != (Address{}) {
		t.Errorf("Date %v, MessageID %q, Text %q, From %q", m.Date, m.MessageID, m.Text, m.From)
	}
	if !strings.HasSuffix(m.Subject, "\uFFFD") || len(m.Warnings) == 0 {
		t.Errorf("Subject %q, Warnings %q", m.Subject, m.Warnings)
	}
}
