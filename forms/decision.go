package forms

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Decision is a tax decision of a municipality fixing a natural person's
// property tax for a year (decyzja ustalająca wysokość podatku od
// nieruchomości, ustawa o podatkach i opłatach lokalnych art. 6 ust. 6,
// Ordynacja podatkowa art. 21 §1 pkt 2). It holds every element art. 210
// §1 of the Ordynacja requires of a decision: the authority, the date, the
// party, the legal basis, the ruling, the justification, the appeal
// instruction and the signatory's name and position.
//
// Amounts come formatted by the caller, who computed and rounded them
// (Ordynacja art. 63 §1: the tax to whole złoty); ZlotyWords writes the
// total in words.
type Decision struct {
	OfficeName    string // the authority, e.g. "Wójt Gminy Przykładowo"
	OfficeAddress string // lines separated by "\n"
	Place         string // e.g. "Przykładowo"
	Date          calendar.Date
	CaseSignature string // znak sprawy, e.g. "FN.3120.15.2026"
	Addressee     Address
	Year          int // the tax year
	// Title defaults to "DECYZJA\nw sprawie ustalenia wysokości podatku od
	// nieruchomości na <Year> rok"; "\n" breaks lines, the first is larger.
	Title      string
	LegalBasis []string // e.g. "art. 21 § 1 pkt 2 i art. 207 ustawy z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa (…)"
	// Ruling is what "ustala się" introduces; it defaults to "wysokość
	// podatku od nieruchomości na <Year> rok w kwocie <Total> (słownie:
	// <TotalWords>), obliczoną według poniższego zestawienia:".
	Ruling      string
	Lines       []DecisionLine
	Total       string // e.g. "1 235 zł"
	TotalWords  string // e.g. "jeden tysiąc dwieście trzydzieści pięć złotych" (ZlotyWords)
	Instalments []Instalment
	// Account is the NRB to pay to (26 digits, spaces allowed, "PL" too);
	// it is printed in groups of four.
	Account       string
	Justification string // uzasadnienie faktyczne i prawne; "\n" separates paragraphs
	// AppealInstruction defaults to DefaultAppealInstruction.
	AppealInstruction string
	Signatory         Signatory
	// Recipients are listed under "Otrzymują:", numbered; they default to
	// the addressee and the file copy ("a/a").
	Recipients []string
}

// DecisionLine is one subject of taxation in the calculation.
type DecisionLine struct {
	Label  string // e.g. "Budynki mieszkalne – ul. Polna 5"
	Base   string // e.g. "120,50 m²"
	Rate   string // e.g. "1,25 zł/m²"
	Months int    // months of the year the obligation lasts, 1–12
	Amount string // e.g. "150,63 zł"
}

// Instalment is one instalment (rata) of the tax: for natural persons due
// by 15 March, 15 May, 15 September and 15 November (ustawa o podatkach i
// opłatach lokalnych art. 6 ust. 7), moved by Ordynacja art. 12 §5 off
// Saturdays and holidays; the caller computes the dates.
type Instalment struct {
	No     int
	Due    calendar.Date
	Amount string
}

// Signatory is the person authorised to sign the decision.
type Signatory struct {
	Name     string
	Position string // "\n" breaks lines, e.g. "z up. Wójta\nKierownik Referatu Finansowego"
}

// DefaultAppealInstruction is the pouczenie printed when the caller gives
// none (Ordynacja podatkowa art. 210 §1 pkt 7): the appeal goes to the
// Samorządowe Kolegium Odwoławcze (art. 13 §1 pkt 1 lit. a) through the
// authority that issued the decision, within 14 days of its delivery (art.
// 223 §1 and §2 pkt 1), with the content art. 222 requires.
const DefaultAppealInstruction = "Od niniejszej decyzji służy stronie odwołanie do Samorządowego Kolegium Odwoławczego " +
	"za pośrednictwem organu podatkowego, który wydał decyzję, w terminie 14 dni od dnia jej doręczenia " +
	"(art. 220 § 1 i art. 223 § 1 i § 2 pkt 1 ustawy – Ordynacja podatkowa). " +
	"Odwołanie powinno zawierać zarzuty przeciw decyzji, określać istotę i zakres żądania będącego przedmiotem odwołania " +
	"oraz wskazywać dowody uzasadniające to żądanie (art. 222 Ordynacji podatkowej).\n" +
	"Wniesienie odwołania nie wstrzymuje wykonania decyzji (art. 224 § 1 Ordynacji podatkowej)."

// The decision page: portrait A4, millimetres and points.
const (
	decLeft    = 20.0
	decWidth   = 210 - 2*decLeft
	decTop     = 15.0
	decBottom  = 297 - 20.0 // the footer lives below
	decSize    = 10.0
	decLineH   = 4.6
	decGap     = 3.0 // between paragraphs
	decRight   = 110.0
	decRightW  = 210 - decLeft - decRight
	decTabSize = 8.5
	decTabLine = 3.8
)

// WriteDecisionPDF writes d as a portrait A4 PDF to w: the header with the
// authority, place and date, case signature and addressee; the title, the
// legal basis and the ruling; the calculation table with the total in
// figures and in words; the instalments; the account to pay to; the
// justification; the appeal instruction; the signature block (the
// decision is signed with a qualified electronic signature, see
// adapters/sign.SignPDF) and the recipients. Every page has a footer with
// the case signature and "strona N z M"; long lists continue on the next
// page with the table headers repeated.
func WriteDecisionPDF(w io.Writer, d Decision) error {
	const op = "forms.WriteDecisionPDF"
	account, err := d.validate(op)
	if err != nil {
		return err
	}
	pdf := newPDF("P", d.Date.Start(), fontSans, fontCond)
	pdf.SetTitle(clean(strings.ReplaceAll(d.title(), "\n", " ")), true)
	pdf.SetSubject(clean(d.CaseSignature), true)
	caseFooter(pdf, d.CaseSignature)
	l := &docLayout{pdf: pdf}
	pdf.AddPage()
	l.header(d)

	for i, line := range strings.Split(d.title(), "\n") {
		size := 11.0
		if i == 0 {
			size = 14
		}
		l.text(line, "B", size, "C", size*ptToMM*1.3)
	}
	l.space(decGap)
	l.text("Na podstawie "+joinPolish(d.LegalBasis), "", decSize, "L", decLineH)
	l.space(decGap)
	l.text("ustala się", "B", 11, "C", 5.5)
	l.space(1)
	l.text(d.ruling(), "", decSize, "L", decLineH)
	l.space(decGap)

	l.table([]decColumn{
		{"Lp.", 9, "R"}, {"Przedmiot opodatkowania", 0, "L"}, {"Podstawa opodatkowania", 28, "R"},
		{"Stawka", 24, "R"}, {"Liczba miesięcy", 17, "C"}, {"Kwota podatku", 26, "R"},
	}, d.lineRows(), []string{"Razem", d.Total})
	l.space(decGap)
	l.text("Łączna kwota podatku: "+d.Total, "B", decSize, "L", decLineH)
	l.text("słownie: "+d.TotalWords, "", decSize, "L", decLineH)
	l.space(decGap)

	if len(d.Instalments) == 1 {
		l.text("Podatek należy zapłacić jednorazowo w terminie:", "", decSize, "L", decLineH)
	} else {
		l.text("Podatek należy zapłacić w ratach w następujących terminach:", "", decSize, "L", decLineH)
	}
	l.space(1)
	rows := make([][]string, len(d.Instalments))
	for i, in := range d.Instalments {
		rows[i] = []string{strconv.Itoa(in.No), DateShort(in.Due), in.Amount}
	}
	l.table([]decColumn{{"Rata", 16, "C"}, {"Termin płatności", 40, "C"}, {"Kwota", 36, "R"}}, rows, nil)
	l.space(decGap)
	l.text("Wpłaty należy dokonywać na rachunek bankowy nr:", "", decSize, "L", decLineH)
	l.text(account, "B", 11, "L", 5.5)
	l.space(decGap + 1)

	l.heading("Uzasadnienie")
	l.text(d.Justification, "", decSize, "L", decLineH)
	l.space(decGap + 1)
	l.heading("Pouczenie")
	l.text(d.appeal(), "", 9, "L", 4.2)
	l.space(8)
	l.signature(d.Signatory)
	l.space(6)
	l.recipients(d.recipients())
	return output(pdf, w, op)
}

func (d Decision) title() string {
	if !blank(d.Title) {
		return strings.TrimSpace(d.Title)
	}
	return fmt.Sprintf("DECYZJA\nw sprawie ustalenia wysokości podatku od nieruchomości na %d rok", d.Year)
}

func (d Decision) ruling() string {
	if !blank(d.Ruling) {
		return d.Ruling
	}
	return fmt.Sprintf("wysokość podatku od nieruchomości na %d rok w kwocie %s (słownie: %s), obliczoną według poniższego zestawienia:",
		d.Year, strings.TrimSpace(d.Total), strings.TrimSpace(d.TotalWords))
}

func (d Decision) appeal() string {
	if blank(d.AppealInstruction) {
		return DefaultAppealInstruction
	}
	return d.AppealInstruction
}

func (d Decision) recipients() []string {
	var r []string
	for _, s := range d.Recipients {
		if !blank(s) {
			r = append(r, s)
		}
	}
	if len(r) == 0 {
		r = []string{"Adresat", "a/a"}
	}
	return r
}

func (d Decision) lineRows() [][]string {
	rows := make([][]string, len(d.Lines))
	for i, l := range d.Lines {
		rows[i] = []string{strconv.Itoa(i+1) + ".", l.Label, l.Base, l.Rate, strconv.Itoa(l.Months), l.Amount}
	}
	return rows
}

// validate checks d and returns the account as printed.
func (d Decision) validate(op string) (string, error) {
	switch {
	case blank(d.OfficeName):
		return "", engine.Invalid(op, "officeName", "the authority (organ) is missing")
	case blank(d.Place):
		return "", engine.Invalid(op, "place", "the place of issue is missing")
	case !d.Date.IsValid():
		return "", engine.Invalid(op, "date", "the date of the decision is missing or invalid")
	case blank(d.CaseSignature):
		return "", engine.Invalid(op, "caseSignature", "the case signature (znak sprawy) is missing")
	case blank(d.Addressee.Name):
		return "", engine.Invalid(op, "addressee.name", "the addressee (strona) has no name")
	case d.Year < 1 || d.Year > 9999:
		return "", engine.Invalid(op, "year", "the tax year %d is not a year", d.Year)
	case len(d.LegalBasis) == 0 || blank(strings.Join(d.LegalBasis, "")):
		return "", engine.Invalid(op, "legalBasis", "the legal basis is missing (Ordynacja podatkowa art. 210 § 1 pkt 4)")
	case len(d.Lines) == 0:
		return "", engine.Invalid(op, "lines", "the calculation has no lines")
	case blank(d.Total):
		return "", engine.Invalid(op, "total", "the total is missing")
	case blank(d.TotalWords):
		return "", engine.Invalid(op, "totalWords", "the total in words is missing")
	case len(d.Instalments) == 0:
		return "", engine.Invalid(op, "instalments", "there are no instalments")
	case blank(d.Justification):
		return "", engine.Invalid(op, "justification", "the justification is missing (Ordynacja podatkowa art. 210 § 1 pkt 6)")
	case blank(d.Signatory.Name) || blank(d.Signatory.Position):
		return "", engine.Invalid(op, "signatory", "the signatory's name and position are required (Ordynacja podatkowa art. 210 § 1 pkt 8)")
	}
	for i, l := range d.Lines {
		at := fmt.Sprintf("lines[%d].", i)
		switch {
		case blank(l.Label):
			return "", engine.Invalid(op, at+"label", "line %d has no subject of taxation", i+1)
		case l.Months < 1 || l.Months > 12:
			return "", engine.Invalid(op, at+"months", "line %d: %d months, want 1–12", i+1, l.Months)
		case blank(l.Amount):
			return "", engine.Invalid(op, at+"amount", "line %d has no amount", i+1)
		}
	}
	for i, in := range d.Instalments {
		at := fmt.Sprintf("instalments[%d].", i)
		switch {
		case in.No < 1:
			return "", engine.Invalid(op, at+"no", "instalment %d has no number", i+1)
		case !in.Due.IsValid():
			return "", engine.Invalid(op, at+"due", "instalment %d has no valid due date", i+1)
		case blank(in.Amount):
			return "", engine.Invalid(op, at+"amount", "instalment %d has no amount", i+1)
		}
	}
	account, ok := FormatNRB(d.Account)
	if !ok {
		return "", engine.Invalid(op, "account", "%q is not a valid NRB account number", d.Account)
	}
	return account, nil
}

// FormatNRB checks a Polish account number (NRB: 2 check digits, an
// 8-digit bank routing number and 16 digits; Zarządzenie nr 7/2017 Prezesa
// NBP) and writes it in the usual groups: "61 1090 1014 0000 0712 1981
// 2874". Spaces, dashes and a "PL" prefix are ignored. The check digits
// are those of the IBAN (ISO 13616: "PL" and the check digits moved to the
// end, P=25, L=21, the number mod 97 is 1).
func FormatNRB(s string) (string, bool) {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s))
	s = strings.TrimPrefix(s, "PL")
	if len(s) != 26 {
		return "", false
	}
	rem := 0
	for _, c := range s[2:] + "2521" + s[:2] {
		if c < '0' || c > '9' {
			return "", false
		}
		rem = (rem*10 + int(c-'0')) % 97
	}
	if rem != 1 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(s[:2])
	for i := 2; i < 26; i += 4 {
		b.WriteString(" " + s[i:i+4])
	}
	return b.String(), true
}

// joinPolish joins legal bases as a sentence does: "a, b oraz c".
func joinPolish(items []string) string {
	var parts []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " oraz " + parts[len(parts)-1]
}

// docLayout prints a letter top to bottom, starting a page whenever the
// next line does not fit above the footer.
type docLayout struct {
	pdf *fpdf.Fpdf
}

// need starts a new page unless h millimetres fit on this one.
func (l *docLayout) need(h float64) {
	if l.pdf.GetY()+h > decBottom {
		l.pdf.AddPage()
		l.pdf.SetY(decTop)
	}
}

func (l *docLayout) space(h float64) {
	if l.pdf.GetY()+h <= decBottom {
		l.pdf.SetY(l.pdf.GetY() + h)
	}
}

// text prints s across the page, wrapped, paragraphs ("\n") apart.
func (l *docLayout) text(s, style string, size float64, align string, lineH float64) {
	l.textAt(decLeft, decWidth, s, style, size, align, lineH)
}

func (l *docLayout) textAt(x, w float64, s, style string, size float64, align string, lineH float64) {
	l.paragraphs(x, w, s, style, size, align, lineH, lineH/2)
}

// lines prints s at x, its lines ("\n") wrapped to w, one under another.
func (l *docLayout) lines(x, w float64, s, style string, size float64, align string, lineH float64) {
	l.paragraphs(x, w, s, style, size, align, lineH, 0)
}

func (l *docLayout) paragraphs(x, w float64, s, style string, size float64, align string, lineH, gap float64) {
	l.pdf.SetFont(fontSans, style, size)
	for i, para := range strings.Split(clean(s), "\n") {
		if i > 0 {
			l.space(gap)
		}
		for _, line := range wrap(l.pdf, para, w) {
			l.need(lineH)
			l.pdf.SetXY(x, l.pdf.GetY())
			l.pdf.CellFormat(w, lineH, line, "", 2, align, false, 0, "")
		}
	}
}

// heading is a centred bold heading kept with the two lines under it.
func (l *docLayout) heading(s string) {
	l.need(6 + 2*decLineH)
	l.text(s, "B", 11, "C", 6)
	l.space(1)
}

// header prints the authority and its address (left), place and date
// (right), the case signature and the addressee (right).
func (l *docLayout) header(d Decision) {
	pdf := l.pdf
	pdf.SetY(decTop)
	l.textAt(decLeft, 85, d.OfficeName, "B", decSize, "L", decLineH)
	l.lines(decLeft, 85, d.OfficeAddress, "", 9, "L", 4.2)
	left := pdf.GetY()
	pdf.SetY(decTop)
	l.textAt(decRight, decRightW, d.Place+", dnia "+DateLong(d.Date), "", decSize, "R", decLineH)
	pdf.SetY(max(left, pdf.GetY()) + 4)
	l.textAt(decLeft, 85, "Znak sprawy: "+d.CaseSignature, "", decSize, "L", decLineH)
	pdf.SetY(pdf.GetY() + 4)
	top := pdf.GetY()
	lines, bold := addressLines(pdf, fontSans, 11, d.Addressee, decRightW)
	pdf.SetFont(fontSans, "B", 11)
	textLines(pdf, decRight, top, decRightW, 5, lines[:bold], "L")
	pdf.SetFont(fontSans, "", 11)
	textLines(pdf, decRight, top+float64(bold)*5, decRightW, 5, lines[bold:], "L")
	pdf.SetY(top + float64(len(lines))*5 + 10)
}

// signature prints the signature block at the right, on one page.
func (l *docLayout) signature(s Signatory) {
	pos := strings.Split(clean(s.Position), "\n")
	l.need(4 + decLineH*float64(1+len(pos)) + 4)
	l.textAt(decRight, decRightW, "/podpisano kwalifikowanym podpisem elektronicznym/", "", 7.5, "C", 3.6)
	l.space(1)
	l.textAt(decRight, decRightW, s.Name, "B", decSize, "C", decLineH)
	l.lines(decRight, decRightW, s.Position, "", 9, "C", 4.2)
}

// recipients prints "Otrzymują:" and the numbered list.
func (l *docLayout) recipients(rs []string) {
	l.need(4.2 * 2)
	l.textAt(decLeft, decWidth, "Otrzymują:", "B", 9, "L", 4.2)
	for i, r := range rs {
		l.textAt(decLeft, decWidth, fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(r)), "", 9, "L", 4.2)
	}
}

type decColumn struct {
	header string
	width  float64 // 0: what the others leave
	align  string
}

// decTable prints rows under column headers that repeat on every page.
type decTable struct {
	pdf    *fpdf.Fpdf
	cols   []decColumn
	widths []float64
}

// table prints rows and, when given, footer as a last row whose first cell
// spans all columns but the last.
func (l *docLayout) table(cols []decColumn, rows [][]string, footer []string) {
	t := &decTable{pdf: l.pdf, cols: cols, widths: make([]float64, len(cols))}
	fixed, flex := 0.0, 0
	for i, c := range cols {
		t.widths[i] = c.width
		fixed += c.width
		if c.width == 0 {
			flex++
		}
	}
	for i := range t.widths {
		if t.widths[i] == 0 {
			t.widths[i] = (decWidth - fixed) / float64(flex)
		}
	}
	l.need(3 * (2*decTabLine + 1.6)) // the headers and a row or two
	t.heads()
	for _, r := range rows {
		t.row(r, t.widths, t.aligns(), "")
	}
	if footer != nil {
		last := len(cols) - 1
		span := 0.0
		for _, w := range t.widths[:last] {
			span += w
		}
		t.row(footer, []float64{span, t.widths[last]}, []string{"R", cols[last].align}, "B")
	}
}

func (t *decTable) aligns() []string {
	a := make([]string, len(t.cols))
	for i, c := range t.cols {
		a[i] = c.align
	}
	return a
}

func (t *decTable) heads() {
	h := make([]string, len(t.cols))
	a := make([]string, len(t.cols))
	for i, c := range t.cols {
		h[i], a[i] = c.header, "C"
	}
	t.draw(t.lines(h, t.widths, "B"), t.widths, a, true)
}

// lines wraps each cell to its column; a row never takes more than a
// third of a page.
func (t *decTable) lines(cells []string, widths []float64, style string) [][]string {
	t.pdf.SetFont(fontCond, style, decTabSize)
	const maxLines = 22 // (decBottom-decTop)/3/decTabLine
	lines := make([][]string, len(cells))
	for i, c := range cells {
		lines[i] = fit(t.pdf, wrap(t.pdf, c, widths[i]), maxLines, widths[i])
	}
	return lines
}

// row prints one row, on a new page under repeated headers when it does
// not fit on this one.
func (t *decTable) row(cells []string, widths []float64, aligns []string, style string) {
	lines := t.lines(cells, widths, style)
	if t.pdf.GetY()+rowHeight(lines) > decBottom {
		t.pdf.AddPage()
		t.pdf.SetY(decTop)
		t.heads()
	}
	t.pdf.SetFont(fontCond, style, decTabSize)
	t.draw(lines, widths, aligns, false)
}

func rowHeight(lines [][]string) float64 {
	n := 1
	for _, c := range lines {
		n = max(n, len(c))
	}
	return float64(n)*decTabLine + 1.6
}

// draw prints wrapped cells side by side as one framed row.
func (t *decTable) draw(lines [][]string, widths []float64, aligns []string, fill bool) {
	pdf := t.pdf
	h := rowHeight(lines)
	x, y := decLeft, pdf.GetY()
	pdf.SetDrawColor(120, 120, 120)
	pdf.SetLineWidth(0.15)
	pdf.SetFillColor(225, 225, 225)
	style := "D"
	if fill {
		style = "FD"
	}
	for i, c := range lines {
		pdf.Rect(x, y, widths[i], h, style)
		textLines(pdf, x, y+0.8, widths[i], decTabLine, c, aligns[i])
		x += widths[i]
	}
	pdf.SetXY(decLeft, y+h)
}

// caseFooter puts on every page of an official letter a rule, the case
// signature and "strona N z M".
func caseFooter(pdf *fpdf.Fpdf, signature string) {
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.2)
		pdf.Line(decLeft, 297-14, 210-decLeft, 297-14)
		pdf.SetFont(fontSans, "", 7.5)
		half := decWidth / 2
		pdf.SetXY(decLeft, 297-13)
		pdf.CellFormat(half, 4, fit(pdf, wrap(pdf, "Znak sprawy: "+signature, half), 1, half)[0], "", 0, "L", false, 0, "")
		pdf.SetXY(decLeft+half, 297-13)
		pdf.CellFormat(half, 4, fmt.Sprintf("strona %d z {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
}
