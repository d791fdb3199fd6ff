package forms

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"obieg.dev/obieg/engine"
)

// Column is one column of a Table.
type Column struct {
	Header string
	// Width in millimetres; 0 shares out equally what the fixed columns
	// leave of the 277 mm between the margins of a landscape A4 page.
	Width float64
	// Align is "L" (the default when empty), "R" or "C".
	Align string
}

// Table is a register printout (a rejestr przesyłek, a spis spraw …): a
// title and subtitle on the first page, then the rows under column headers
// that repeat on every page. Cells wrap, so a row may be several lines high.
type Table struct {
	Title    string
	Subtitle string // optional, e.g. "Okres: 01.03.2025 – 31.03.2025"
	Columns  []Column
	Rows     [][]string // each with exactly len(Columns) cells
	Footer   string     // optional, printed after the last row, e.g. "Razem: 120"
}

// Layout of a register page (landscape A4, millimetres and points).
const (
	tableMargin   = 10.0
	tableBottom   = 210 - 14.0 // the footer lives below
	tableFontSize = 8.0
	tableLineH    = 3.6
	tablePadY     = 0.9
	minColumn     = 8.0 // narrowest column the layout accepts
)

// WriteTablePDF writes t as a landscape A4 PDF to w. Every page has the
// footer "strona N z M" and the time it was generated, printed in the
// location of generated.
func WriteTablePDF(w io.Writer, t Table, generated time.Time) error {
	const op = "forms.WriteTablePDF"
	widths, err := t.widths(op)
	if err != nil {
		return err
	}
	pdf := newPDF("L", generated, fontCond)
	pdf.AliasNbPages("{nb}")
	stamp := "Wygenerowano " + generated.Format("2006-01-02 15:04")
	pdf.SetFooterFunc(func() {
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.2)
		pdf.Line(tableMargin, 210-11, 297-tableMargin, 210-11)
		pdf.SetFont(fontCond, "", 7.5)
		left, right := (297-2*tableMargin)*0.75, (297-2*tableMargin)*0.25
		pdf.SetXY(tableMargin, 210-10)
		pdf.CellFormat(left, 4, fit(pdf, wrap(pdf, t.Title+" · "+stamp, left), 1, left)[0], "", 0, "L", false, 0, "")
		pdf.SetXY(tableMargin+left, 210-10)
		pdf.CellFormat(right, 4, fmt.Sprintf("strona %d z {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})

	l := &tableLayout{pdf: pdf, t: t, widths: widths}
	pdf.AddPage()
	pdf.SetXY(tableMargin, tableMargin)
	pdf.SetFont(fontCond, "B", 14)
	pdf.MultiCell(297-2*tableMargin, 6.5, clean(t.Title), "", "L", false)
	if !blank(t.Subtitle) {
		pdf.SetX(tableMargin)
		pdf.SetFont(fontCond, "", 10)
		pdf.MultiCell(297-2*tableMargin, 4.8, clean(t.Subtitle), "", "L", false)
	}
	pdf.SetY(pdf.GetY() + 3)
	l.header()
	if len(t.Rows) == 0 {
		pdf.SetFont(fontCond, "", tableFontSize)
		l.row([]string{"Brak pozycji."}, []float64{l.total()}, []string{"L"}, false)
	}
	for i, r := range t.Rows {
		pdf.SetFont(fontCond, "", tableFontSize)
		l.row(r, widths, nil, i%2 == 1)
	}
	if !blank(t.Footer) {
		pdf.SetFont(fontCond, "B", 9)
		lines := wrap(pdf, t.Footer, l.total())
		if pdf.GetY()+2+float64(len(lines))*4.5 > tableBottom {
			pdf.AddPage()
			pdf.SetY(tableMargin - 2)
		}
		textLines(pdf, tableMargin, pdf.GetY()+2, l.total(), 4.5, lines, "L")
	}
	return output(pdf, w, op)
}

// widths validates t and returns the width of each column.
func (t Table) widths(op string) ([]float64, error) {
	if blank(t.Title) {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("title"), "the table has no title")
	}
	if len(t.Columns) == 0 {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("columns"), "the table has no columns")
	}
	fixed, shared := 0.0, 0
	for i, c := range t.Columns {
		switch c.Align {
		case "", "L", "R", "C":
		default:
			return nil, engine.Invalid(op, fmt.Sprintf("columns[%d].align", i), "align must be L, R or C, not %q", c.Align)
		}
		switch {
		case c.Width < 0:
			return nil, engine.Invalid(op, fmt.Sprintf("columns[%d].width", i), "width must not be negative")
		case c.Width == 0:
			shared++
		default:
			fixed += c.Width
		}
	}
	room := 297 - 2*tableMargin
	rest := room - fixed
	if fixed > room+0.01 || (shared > 0 && rest/float64(shared) < minColumn) {
		return nil, engine.Invalid(op, "columns", "the columns need %.0f mm, the page has %.0f mm", fixed+float64(shared)*minColumn, room)
	}
	for i, r := range t.Rows {
		if len(r) != len(t.Columns) {
			return nil, engine.Invalid(op, fmt.Sprintf("rows[%d]", i), "row %d has %d cells, the table has %d columns", i+1, len(r), len(t.Columns))
		}
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = c.Width
		if c.Width == 0 {
			widths[i] = rest / float64(shared)
		}
	}
	return widths, nil
}

// tableLayout places rows on pages, starting a page with the column headers
// whenever the next row does not fit.
type tableLayout struct {
	pdf    *fpdf.Fpdf
	t      Table
	widths []float64
}

func (l *tableLayout) total() float64 {
	sum := 0.0
	for _, w := range l.widths {
		sum += w
	}
	return sum
}

func (l *tableLayout) aligns() []string {
	a := make([]string, len(l.t.Columns))
	for i, c := range l.t.Columns {
		a[i] = c.Align
	}
	return a
}

// header draws the column headers at the current position.
func (l *tableLayout) header() {
	h := make([]string, len(l.t.Columns))
	for i, c := range l.t.Columns {
		h[i] = c.Header
	}
	l.pdf.SetFont(fontCond, "B", tableFontSize)
	l.pdf.SetFillColor(220, 220, 220)
	l.draw(l.split(h, l.widths), l.widths, l.aligns(), true)
}

// newPage continues the table on a new page, headers first.
func (l *tableLayout) newPage() {
	l.pdf.AddPage()
	l.pdf.SetY(tableMargin)
	l.header()
	l.pdf.SetFont(fontCond, "", tableFontSize)
}

// split wraps each cell to its column.
func (l *tableLayout) split(cells []string, widths []float64) [][]string {
	lines := make([][]string, len(cells))
	for i, c := range cells {
		lines[i] = wrap(l.pdf, c, widths[i])
	}
	return lines
}

// row prints one row in the current font, over as many pages as it needs.
func (l *tableLayout) row(cells []string, widths []float64, aligns []string, shade bool) {
	if aligns == nil {
		aligns = l.aligns()
	}
	lines := l.split(cells, widths)
	body := tableBottom - tableMargin - 12 // less room for headers
	perPage := int((body - 2*tablePadY) / tableLineH)
	for {
		n := 0
		for _, c := range lines {
			n = max(n, len(c))
		}
		if n == 0 {
			return
		}
		room := int((tableBottom - l.pdf.GetY() - 2*tablePadY) / tableLineH)
		if room < n && (n <= perPage || room < 2) {
			l.newPage()
			continue
		}
		k := min(n, room)
		chunk := make([][]string, len(lines))
		for i, c := range lines {
			chunk[i] = c[:min(k, len(c))]
			lines[i] = c[min(k, len(c)):]
		}
		l.pdf.SetFillColor(245, 245, 245)
		l.draw(chunk, widths, aligns, shade)
	}
}

// draw prints already wrapped cells side by side as one framed row.
func (l *tableLayout) draw(cells [][]string, widths []float64, aligns []string, fill bool) {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	h := float64(n)*tableLineH + 2*tablePadY
	x, y := tableMargin, l.pdf.GetY()
	l.pdf.SetDrawColor(120, 120, 120)
	l.pdf.SetLineWidth(0.15)
	for i, c := range cells {
		style := "D"
		if fill {
			style = "FD"
		}
		l.pdf.Rect(x, y, widths[i], h, style)
		textLines(l.pdf, x, y+tablePadY, widths[i], tableLineH, c, aligns[i])
		x += widths[i]
	}
	l.pdf.SetXY(tableMargin, y+h)
}
