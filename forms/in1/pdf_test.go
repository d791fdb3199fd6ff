package in1

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPDFText reads the printed sample back with poppler's pdftotext, as a
// viewer would: the identifiers, the names with their Polish letters and
// the areas are there.
func TestPDFText(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not on PATH: install poppler-utils")
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", buf.Bytes())
	}
	dir := t.TempDir()
	if out := os.Getenv("FORMS_OUT"); out != "" {
		dir = out
	}
	path := filepath.Join(dir, "in1.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"85071402348", "Łucja Żółtowska-Ćwik", "gnieźnieński", "Józef", "82030512351",
		"812,50 m²", "0,1250 ha", "142,30 m²", "22,20 m²", "48000,00 zł",
		"WA1M/00012345/1", "0001 123/4", "udział 1/2",
		"informacja składana po raz pierwszy", "2025-03-14",
		"art. 7 ust. 1 pkt 6", "ZIN-1 – 5, ZIN-2 – 1, ZIN-3 – 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q; text:\n%s", want, text)
		}
	}
}

func TestPDFNil(t *testing.T) {
	if err := WritePDF(&bytes.Buffer{}, nil); err == nil {
		t.Error("a nil declaration printed")
	}
}
