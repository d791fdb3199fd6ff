package forms

import (
	"io"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Letter is an ordinary letter of the office in a case (pismo): a summons
// to supply what an application lacks, a notice that a matter will take
// longer, a reply. The text is the officer's, as edited; the layout gives
// it the elements the instrukcja kancelaryjna (§ 21) expects of a letter:
// the office, place and date, the case signature, the addressee, the
// subject, the text, the signatory's name and position and the recipients.
type Letter struct {
	OfficeName    string // e.g. "Urząd Gminy Przykładowo"
	OfficeAddress string // lines separated by "\n"
	Place         string // e.g. "Przykładowo"
	Date          calendar.Date
	CaseSignature string // znak sprawy, e.g. "FN.3120.15.2026"
	Addressee     Address
	// Title is printed centred in bold above the text, e.g. "WEZWANIE"; "\n"
	// breaks lines. Empty: none.
	Title string
	// Subject is the "Dotyczy:" line under the signature. Empty: none.
	Subject string
	// Body is the text; "\n" separates paragraphs, an empty line leaves a
	// gap.
	Body      string
	Signatory Signatory
	// Recipients are listed under "Otrzymują:", numbered; they default to
	// the addressee and the file copy ("a/a").
	Recipients []string
}

// WriteLetterPDF writes l as a portrait A4 PDF to w: the header with the
// office, place and date, case signature, subject and addressee; the title
// and the text, over as many pages as it takes; the signature block and
// the recipients. Every page has a footer with the case signature and
// "strona N z M".
func WriteLetterPDF(w io.Writer, l Letter) error {
	const op = "forms.WriteLetterPDF"
	if err := l.validate(op); err != nil {
		return err
	}
	pdf := newPDF("P", l.Date.Start(), fontSans)
	title := strings.ReplaceAll(strings.TrimSpace(l.Title), "\n", " ")
	if title == "" {
		title = "Pismo " + l.CaseSignature
	}
	pdf.SetTitle(clean(title), true)
	pdf.SetSubject(clean(l.CaseSignature), true)
	caseFooter(pdf, l.CaseSignature)
	d := &docLayout{pdf: pdf}
	pdf.AddPage()
	d.letterHeader(l)
	if t := strings.TrimSpace(l.Title); t != "" {
		for _, line := range strings.Split(t, "\n") {
			d.text(line, "B", 12, "C", 12*ptToMM*1.3)
		}
		d.space(decGap)
	}
	d.text(strings.TrimSpace(l.Body), "", decSize+0.5, "L", decLineH+0.3)
	d.space(10)
	d.letterSignature(l.Signatory)
	d.space(8)
	rs := l.Recipients
	if len(rs) == 0 {
		rs = []string{"Adresat", "a/a"}
	}
	d.recipients(rs)
	return output(pdf, w, op)
}

func (l Letter) validate(op string) error {
	switch {
	case blank(l.OfficeName):
		return engine.Invalid(op, "officeName", "the office's name is required")
	case blank(l.Place):
		return engine.Invalid(op, "place", "the place of the letter is required")
	case l.Date.IsZero() || !l.Date.IsValid():
		return engine.Invalid(op, "date", "the date of the letter is required")
	case blank(l.CaseSignature):
		return engine.Invalid(op, "caseSignature", "the case signature is required")
	case blank(l.Addressee.Name):
		return engine.Invalid(op, "addressee.name", "the addressee is required")
	case blank(l.Body):
		return engine.Invalid(op, "body", "the letter has no text")
	case blank(l.Signatory.Name):
		return engine.Invalid(op, "signatory", "the signatory's name is required")
	}
	return nil
}

// letterHeader prints the office and its address (left), place and date
// (right), the case signature and subject (left) and the addressee
// (right).
func (d *docLayout) letterHeader(l Letter) {
	pdf := d.pdf
	pdf.SetY(decTop)
	d.textAt(decLeft, 85, l.OfficeName, "B", decSize, "L", decLineH)
	d.lines(decLeft, 85, l.OfficeAddress, "", 9, "L", 4.2)
	left := pdf.GetY()
	pdf.SetY(decTop)
	d.textAt(decRight, decRightW, l.Place+", dnia "+DateLong(l.Date), "", decSize, "R", decLineH)
	pdf.SetY(max(left, pdf.GetY()) + 6)
	top := pdf.GetY()
	d.textAt(decLeft, 80, "Znak sprawy: "+l.CaseSignature, "", decSize, "L", decLineH)
	if !blank(l.Subject) {
		pdf.SetY(pdf.GetY() + 2)
		d.textAt(decLeft, 80, "Dotyczy: "+l.Subject, "", 9, "L", 4.2)
	}
	below := pdf.GetY()
	lines, bold := addressLines(pdf, fontSans, 11, l.Addressee, decRightW)
	pdf.SetFont(fontSans, "B", 11)
	textLines(pdf, decRight, top, decRightW, 5, lines[:bold], "L")
	pdf.SetFont(fontSans, "", 11)
	textLines(pdf, decRight, top+float64(bold)*5, decRightW, 5, lines[bold:], "L")
	pdf.SetY(max(below, top+float64(len(lines))*5) + 10)
}

// letterSignature prints the signatory at the right, on one page: the
// letter is signed after approval, by hand or electronically.
func (d *docLayout) letterSignature(s Signatory) {
	pos := strings.Split(clean(s.Position), "\n")
	d.need(decLineH * float64(1+len(pos)))
	d.textAt(decRight, decRightW, s.Name, "B", decSize, "C", decLineH)
	if !blank(s.Position) {
		d.lines(decRight, decRightW, s.Position, "", 9, "C", 4.2)
	}
}
