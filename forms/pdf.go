package forms

import (
	_ "embed"
	"io"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"obieg.dev/obieg/engine"
)

// The DejaVu fonts (see fonts/LICENSE) cover every Polish letter; they are
// embedded so a server without fonts prints the same documents.
var (
	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBoldTTF []byte
	//go:embed fonts/DejaVuSansCondensed.ttf
	condTTF []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	condBoldTTF []byte
)

// Font families registered in every document; the style "B" is bold.
const (
	fontSans = "dejavu"     // DejaVu Sans: forms and labels
	fontCond = "dejavucond" // DejaVu Sans Condensed: register tables
)

// ptToMM converts a font size in points to millimetres.
const ptToMM = 25.4 / 72

// newPDF starts an A4 document in the given orientation ("P" or "L") with the
// given fonts registered. Page breaks are the caller's business: every
// layout here places its content itself.
func newPDF(orientation string, created time.Time, families ...string) *fpdf.Fpdf {
	pdf := fpdf.New(orientation, "mm", "A4", "")
	for _, f := range families {
		switch f {
		case fontSans:
			pdf.AddUTF8FontFromBytes(fontSans, "", sansTTF)
			pdf.AddUTF8FontFromBytes(fontSans, "B", sansBoldTTF)
		case fontCond:
			pdf.AddUTF8FontFromBytes(fontCond, "", condTTF)
			pdf.AddUTF8FontFromBytes(fontCond, "B", condBoldTTF)
		}
	}
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreator("Obieg", true)
	pdf.SetProducer("Obieg", true)
	if !created.IsZero() {
		pdf.SetCreationDate(created)
		pdf.SetModificationDate(created)
	}
	return pdf
}

// output writes the finished document; fpdf keeps the first error it met.
func output(pdf *fpdf.Fpdf, w io.Writer, op string) error {
	if err := pdf.Output(w); err != nil {
		return engine.E(op, "cannot write the PDF", err)
	}
	return nil
}

// clean makes caller text safe to print: valid UTF-8, "\n" as the only line
// break, tabs as spaces and no other control characters.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// wrap splits s into lines no wider than w millimetres in the current font.
// Empty text is one empty line.
func wrap(pdf *fpdf.Fpdf, s string, w float64) []string {
	lines := pdf.SplitText(strings.TrimRight(clean(s), "\n "), w)
	if len(lines) == 0 {
		return []string{""}
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return lines
}

// fit shortens lines to at most n, ending the last one kept with "…" when
// some were dropped.
func fit(pdf *fpdf.Fpdf, lines []string, n int, w float64) []string {
	if len(lines) <= n {
		return lines
	}
	if n <= 0 {
		return nil
	}
	lines = append([]string(nil), lines[:n]...)
	last := []rune(lines[n-1])
	for len(last) > 0 && pdf.GetStringWidth(string(last)+"…") > w-2*pdf.GetCellMargin() {
		last = last[:len(last)-1]
	}
	lines[n-1] = strings.TrimSpace(string(last)) + "…"
	return lines
}

// textLines prints lines one under another from (x, y), each h high.
func textLines(pdf *fpdf.Fpdf, x, y, w, h float64, lines []string, align string) {
	for i, l := range lines {
		pdf.SetXY(x, y+float64(i)*h)
		pdf.CellFormat(w, h, l, "", 0, align, false, 0, "")
	}
}

// addressLines is an address as printed: the name wrapped in bold and the
// other lines wrapped in the regular face. bold reports which lines are the
// name's.
func addressLines(pdf *fpdf.Fpdf, family string, size float64, a Address, w float64) (lines []string, bold int) {
	pdf.SetFont(family, "B", size)
	lines = wrap(pdf, a.Name, w)
	bold = len(lines)
	pdf.SetFont(family, "", size)
	for _, l := range a.Lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lines = append(lines, wrap(pdf, l, w)...)
	}
	return lines, bold
}

// printAddress prints an address in the box (x, y, w, h), shrinking the font
// from size down to 7 pt until it fits and cutting what still does not.
func printAddress(pdf *fpdf.Fpdf, family string, size float64, a Address, x, y, w, h float64, center bool) {
	var lines []string
	var bold int
	var lh float64
	for ; ; size -= 0.5 {
		lh = size * ptToMM * 1.25
		lines, bold = addressLines(pdf, family, size, a, w)
		if float64(len(lines))*lh <= h || size <= 7 {
			break
		}
	}
	n := int(h / lh)
	if len(lines) > n {
		pdf.SetFont(family, "", size)
		lines = fit(pdf, lines, n, w)
		bold = min(bold, n)
	}
	if center {
		y += (h - float64(len(lines))*lh) / 2
	}
	pdf.SetFont(family, "B", size)
	textLines(pdf, x, y, w, lh, lines[:bold], "L")
	pdf.SetFont(family, "", size)
	textLines(pdf, x, y+float64(bold)*lh, w, lh, lines[bold:], "L")
}

// blank reports whether s has nothing printable.
func blank(s string) bool { return strings.TrimSpace(s) == "" }
