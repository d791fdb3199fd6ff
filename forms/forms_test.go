package forms

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

// The tests read the PDFs back with poppler's tools, as a person's viewer
// would: they fail, not skip, where poppler-utils is missing.

func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not on PATH: install poppler-utils (apt-get install poppler-utils; the Makefile's test target installs it)", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(need(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// outDir is where generated files go: $FORMS_OUT when set, to keep the
// PDFs and their pictures for a person to look at, else a temporary folder.
func outDir(t *testing.T) string {
	if dir := os.Getenv("FORMS_OUT"); dir != "" {
		return dir
	}
	return t.TempDir()
}

// save writes a generated PDF and returns its path.
func save(t *testing.T, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF: %.20q", name, buf.Bytes())
	}
	path := filepath.Join(outDir(t), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// text is the layout text of one page, or of all when page is 0.
func text(t *testing.T, path string, page int) string {
	t.Helper()
	args := []string{"-layout", "-enc", "UTF-8"}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	return run(t, "pdftotext", append(args, path, "-")...)
}

func pages(t *testing.T, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q; text:\n%s", what, w, got)
		}
	}
}

// png renders one page of a PDF at the given resolution beside it and
// returns the picture's path.
func png(t *testing.T, pdf string, page, dpi int) string {
	t.Helper()
	base := strings.TrimSuffix(pdf, ".pdf")
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", pdf, base)
	fi, err := os.Stat(base + ".png")
	if err != nil || fi.Size() == 0 {
		t.Fatalf("pdftoppm made no picture of %s page %d: %v", pdf, page, err)
	}
	return base + ".png"
}

var generated = time.Date(2025, 3, 14, 10, 30, 0, 0, time.FixedZone("CET", 3600))

func register(n int) Table {
	t := Table{
		Title:    "Rejestr przesyłek wpływających",
		Subtitle: "Urząd Gminy Zażółć · marzec 2025",
		Columns: []Column{
			{Header: "Lp.", Width: 10, Align: "R"},
			{Header: "Data wpływu", Width: 22, Align: "C"},
			{Header: "Nadawca"},
			{Header: "Dotyczy"},
			{Header: "Znak sprawy", Width: 38},
			{Header: "Uwagi", Width: 40},
		},
		Footer: fmt.Sprintf("Razem: %d przesyłek", n),
	}
	for i := 1; i <= n; i++ {
		about := fmt.Sprintf("Wniosek o wydanie zaświadczenia nr %d", i)
		if i%7 == 0 { // a long cell wraps to several lines
			about += " wraz z załącznikami: kopia aktu notarialnego, wypis z rejestru gruntów, mapa ewidencyjna i pełnomocnictwo"
		}
		t.Rows = append(t.Rows, []string{
			fmt.Sprintf("%d.", i), "2025-03-14", fmt.Sprintf("Jan Kowalski %d, Łódź", i), about,
			fmt.Sprintf("OR.152.%d.2025", i), "",
		})
	}
	t.Rows[0][3] = "Zażółć gęślą jaźń"
	t.Rows[0][5] = "ŻÓŁĆ"
	return t
}

func TestTablePDF(t *testing.T) {
	tbl := register(120)
	path := save(t, "rejestr.pdf", func(b *bytes.Buffer) error { return WriteTablePDF(b, tbl, generated) })
	n := pages(t, path)
	if n < 3 {
		t.Fatalf("120 rows on %d pages, want at least 3", n)
	}
	all := text(t, path, 0)
	contains(t, "register", all, "Rejestr przesyłek wpływających", "Zażółć gęślą jaźń", "Łódź", "ŻÓŁĆ",
		"Urząd Gminy Zażółć · marzec 2025", "OR.152.120.2025", "Razem: 120 przesyłek",
		"Wygenerowano 2025-03-14 10:30", fmt.Sprintf("strona 2 z %d", n), fmt.Sprintf("strona %d z %d", n, n))
	if c := strings.Count(all, "Urząd Gminy Zażółć"); c != 1 {
		t.Errorf("the subtitle is printed %d times, want once (first page)", c)
	}
	for p := 2; p <= n; p++ {
		contains(t, fmt.Sprintf("page %d", p), text(t, path, p), "Lp.", "Data wpływu", "Nadawca", "Dotyczy", "Znak sprawy", "Uwagi")
	}
	for i := 1; i <= 120; i++ {
		if !strings.Contains(all, fmt.Sprintf("OR.152.%d.2025", i)) {
			t.Errorf("row %d is missing", i)
		}
	}
}

func TestTableRowTallerThanPage(t *testing.T) {
	long := strings.Repeat("bardzo długi opis sprawy ", 400) + "KONIEC"
	tbl := Table{Title: "Spis spraw", Columns: []Column{{Header: "Lp.", Width: 12}, {Header: "Opis", Width: 60}}, Rows: [][]string{{"1.", long}, {"2.", "krótki"}}}
	path := save(t, "spis.pdf", func(b *bytes.Buffer) error { return WriteTablePDF(b, tbl, generated) })
	if n := pages(t, path); n < 2 {
		t.Fatalf("a row of 10 000 characters in a 60 mm column fits %d page", n)
	}
	contains(t, "long row", text(t, path, 0), "KONIEC", "krótki")
}

func TestTableEmpty(t *testing.T) {
	tbl := Table{Title: "Rejestr pism wychodzących", Columns: []Column{{Header: "Lp."}, {Header: "Adresat"}}}
	path := save(t, "pusty.pdf", func(b *bytes.Buffer) error { return WriteTablePDF(b, tbl, generated) })
	contains(t, "empty register", text(t, path, 0), "Rejestr pism wychodzących", "Adresat", "Brak pozycji.", "strona 1 z 1")
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if !engine.Is(engine.KindInvalid, err) {
		t.Fatalf("err = %v, want KindInvalid", err)
	}
	if got := engine.FieldOf(err); got != field {
		t.Errorf("field = %q, want %q (%v)", got, field, err)
	}
}

func TestTableInvalid(t *testing.T) {
	cols := []Column{{Header: "A"}, {Header: "B"}}
	for _, tc := range []struct {
		field string
		t     Table
	}{
		{"title", Table{Title: "  ", Columns: cols}},
		{"columns", Table{Title: "T"}},
		{"rows[1]", Table{Title: "T", Columns: cols, Rows: [][]string{{"a", "b"}, {"a"}}}},
		{"columns[1].align", Table{Title: "T", Columns: []Column{{}, {Align: "J"}}}},
		{"columns[0].width", Table{Title: "T", Columns: []Column{{Width: -1}}}},
		{"columns", Table{Title: "T", Columns: []Column{{Width: 200}, {Width: 100}}}},
	} {
		wantInvalid(t, WriteTablePDF(&bytes.Buffer{}, tc.t, generated), tc.field)
	}
}

func TestLabelsPDF(t *testing.T) {
	var addrs []Address
	for i := 1; i <= 30; i++ {
		addrs = append(addrs, Address{Name: fmt.Sprintf("Adresat %d", i), Lines: []string{"ul. Piotrkowska 104", "90-926 Łódź"}})
	}
	addrs[0] = Address{Name: "ŻÓŁĆ Sp. z o.o.", Lines: []string{"ul. Zażółć gęślą jaźń 1", "00-950 Warszawa"}}
	addrs[1].Name = "Wojewódzki Inspektorat Ochrony Środowiska w Łodzi, Delegatura w Piotrkowie Trybunalskim, Wydział Inspekcji"
	path := save(t, "etykiety.pdf", func(b *bytes.Buffer) error { return WriteLabelsPDF(b, addrs) })
	if n := pages(t, path); n != 2 {
		t.Errorf("30 labels on %d pages, want 2", n)
	}
	contains(t, "page 1", text(t, path, 1), "ŻÓŁĆ Sp. z o.o.", "Zażółć gęślą jaźń", "00-950 Warszawa", "90-926 Łódź",
		"Wojewódzki", "Trybunalskim", "Adresat 24")
	p2 := text(t, path, 2)
	contains(t, "page 2", p2, "Adresat 25", "Adresat 30")
	if strings.Contains(p2, "Adresat 24") {
		t.Error("label 24 is on page 2; a sheet holds 24")
	}
	png(t, path, 1, 60)

	wantInvalid(t, WriteLabelsPDF(&bytes.Buffer{}, nil), "addresses")
	wantInvalid(t, WriteLabelsPDF(&bytes.Buffer{}, []Address{{Name: "A"}, {Lines: []string{"x"}}}), "addresses[1].name")
}

func zpo(basis Basis) ZPO {
	return ZPO{
		Sender:         Address{Name: "Urząd Miasta Łodzi, Wydział Budownictwa", Lines: []string{"ul. Piotrkowska 104", "90-926 Łódź"}},
		Recipient:      Address{Name: "Józef Żółćkiewicz", Lines: []string{"ul. Gęślą 5 m. 12", "00-950 Warszawa"}},
		CaseSignature:  "AB.6740.15.2025",
		Document:       "Decyzja nr 15/2025 z dnia 3 marca 2025 r. o pozwoleniu na budowę",
		TrackingNumber: "00659007734210841433",
		Basis:          basis,
	}
}

func TestZPOPDF(t *testing.T) {
	path := save(t, "zpo.pdf", func(b *bytes.Buffer) error { return WriteZPOPDF(b, []ZPO{zpo(BasisKPA), zpo(BasisOP)}) })
	if n := pages(t, path); n != 2 {
		t.Fatalf("2 receipts on %d pages, want 2", n)
	}
	p1 := text(t, path, 1)
	contains(t, "KPA receipt", p1, "POTWIERDZENIE ODBIORU", "Przesyłka z zastosowaniem art. 39 KPA",
		"AB.6740.15.2025", "00659007734210841433", "Decyzja nr 15/2025", "Józef Żółćkiewicz", "00-950 Warszawa",
		"Urząd Miasta Łodzi", "90-926 Łódź", "Data doręczenia", "Podpis odbierającego",
		"Czytelne imię i nazwisko odbierającego", "Stosunek do adresata", "pełnoletni domownik",
		"Pierwsze awizo", "Drugie awizo", "Zwrot po 14 dniach")
	contains(t, "tax receipt", text(t, path, 2), "Przesyłka z zastosowaniem art. 144 Ordynacji podatkowej", "dorosły domownik")
	if strings.Contains(text(t, path, 2), "art. 39 KPA") {
		t.Error("the tax receipt names art. 39 KPA")
	}
	png(t, path, 1, 60)
}

func TestZPOBarcodeScans(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg (Debian's zbar-tools) is not installed; TestCode128RoundTrip checks the encoding")
	}
	z := zpo(BasisKPA)
	z.TrackingNumber = "RR123456785PL"
	path := save(t, "skan.pdf", func(b *bytes.Buffer) error { return WriteZPOPDF(b, []ZPO{z}) })
	out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Scode128.enable", png(t, path, 1, 300)).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != z.TrackingNumber {
			t.Errorf("scanned %q, want %q", l, z.TrackingNumber)
		}
	}
}

func TestZPOInvalid(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*ZPO)
	}{
		{"zpos[0].trackingNumber", func(z *ZPO) { z.TrackingNumber = "ŁÓDŹ-123" }},
		{"zpos[0].trackingNumber", func(z *ZPO) { z.TrackingNumber = "" }},
		{"zpos[0].trackingNumber", func(z *ZPO) { z.TrackingNumber = "   " }},
		{"zpos[0].trackingNumber", func(z *ZPO) { z.TrackingNumber = "RR12\t3PL" }},
		{"zpos[0].trackingNumber", func(z *ZPO) { z.TrackingNumber = strings.Repeat("1", 31) }},
		{"zpos[0].basis", func(z *ZPO) { z.Basis = "kpc" }},
		{"zpos[0].basis", func(z *ZPO) { z.Basis = "" }},
		{"zpos[0].caseSignature", func(z *ZPO) { z.CaseSignature = "" }},
		{"zpos[0].recipient.name", func(z *ZPO) { z.Recipient.Name = "" }},
		{"zpos[0].sender.name", func(z *ZPO) { z.Sender.Name = " " }},
	} {
		z := zpo(BasisKPA)
		tc.edit(&z)
		wantInvalid(t, WriteZPOPDF(&bytes.Buffer{}, []ZPO{z}), tc.field)
	}
	wantInvalid(t, WriteZPOPDF(&bytes.Buffer{}, nil), "zpos")
}

func TestRegisterPNG(t *testing.T) {
	path := save(t, "rejestr-strona.pdf", func(b *bytes.Buffer) error { return WriteTablePDF(b, register(40), generated) })
	png(t, path, 1, 60)
}
