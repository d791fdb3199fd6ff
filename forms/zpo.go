package forms

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"obieg.dev/obieg/engine"
)

// Basis is the law under which a letter is served, printed on its return
// receipt so the postal operator applies the right rules.
type Basis string

const (
	BasisKPA Basis = "kpa" // Kodeks postępowania administracyjnego, art. 39
	BasisOP  Basis = "op"  // Ordynacja podatkowa, art. 144
)

// ZPO is the return receipt (zwrotne potwierdzenie odbioru) of one
// registered letter served in administrative or tax proceedings.
type ZPO struct {
	Sender         Address // the office; the receipt goes back to it
	Recipient      Address
	CaseSignature  string // znak sprawy, e.g. "OR.6220.12.2025"
	Document       string // optional: what is served, e.g. "Decyzja nr 15/2025 z 3.03.2025"
	TrackingNumber string // numer nadawczy: printable ASCII, at most 30 characters
	Basis          Basis
}

// maxTracking keeps the barcode's modules at least 0.22 mm wide.
const maxTracking = 30

// WriteZPOPDF writes one A4 page per receipt: the upper A5 half carries the
// sender, the addressee, the case signature and the tracking number as text
// and as a Code 128 barcode; the lower half the fields the postal operator
// fills in (delivery date, signature, name, relation to the addressee,
// notices and return after 14 days).
func WriteZPOPDF(w io.Writer, zpos []ZPO) error {
	const op = "forms.WriteZPOPDF"
	if len(zpos) == 0 {
		return engine.E(op, engine.KindInvalid, engine.Field("zpos"), "no receipts to print")
	}
	for i, z := range zpos {
		if err := z.validate(op, fmt.Sprintf("zpos[%d].", i)); err != nil {
			return err
		}
	}
	pdf := newPDF("P", time.Time{}, fontSans)
	for _, z := range zpos {
		pdf.AddPage()
		zpoFront(pdf, z)
		cutLine(pdf, 297.0/2)
		zpoBack(pdf, z)
	}
	return output(pdf, w, op)
}

func (z ZPO) validate(op, at string) error {
	switch {
	case blank(z.Sender.Name):
		return engine.Invalid(op, at+"sender.name", "the sender has no name")
	case blank(z.Recipient.Name):
		return engine.Invalid(op, at+"recipient.name", "the recipient has no name")
	case blank(z.CaseSignature):
		return engine.Invalid(op, at+"caseSignature", "the case signature (znak sprawy) is missing")
	case !printableASCII(z.TrackingNumber) || blank(z.TrackingNumber):
		return engine.Invalid(op, at+"trackingNumber", "the tracking number must be printable ASCII, not %q", z.TrackingNumber)
	case len(z.TrackingNumber) > maxTracking:
		return engine.Invalid(op, at+"trackingNumber", "the tracking number has %d characters, at most %d fit the barcode", len(z.TrackingNumber), maxTracking)
	case z.Basis != BasisKPA && z.Basis != BasisOP:
		return engine.Invalid(op, at+"basis", "the basis must be %q or %q, not %q", BasisKPA, BasisOP, z.Basis)
	}
	return nil
}

// line is the mark the postal operator goes by.
func (b Basis) line() string {
	if b == BasisOP {
		return "Przesyłka z zastosowaniem art. 144 Ordynacji podatkowej"
	}
	return "Przesyłka z zastosowaniem art. 39 KPA"
}

// rules names the provisions on substitute service and notices.
func (b Basis) rules() string {
	if b == BasisOP {
		return "Doręczenie według art. 149 i 150 Ordynacji podatkowej: przesyłkę niepodjętą awizuje się dwukrotnie " +
			"(drugi raz po 7 dniach) i zwraca nadawcy po upływie 14 dni od pierwszego awizo."
	}
	return "Doręczenie według art. 43 i 44 KPA: przesyłkę niepodjętą awizuje się dwukrotnie " +
		"(drugi raz po 7 dniach) i zwraca nadawcy po upływie 14 dni od pierwszego awizo."
}

func (b Basis) household() string {
	if b == BasisOP {
		return "dorosły domownik"
	}
	return "pełnoletni domownik"
}

const zpoMargin = 12.0

// zpoFront draws the address half: what the office knows of the letter.
func zpoFront(pdf *fpdf.Fpdf, z ZPO) {
	left, right := zpoMargin, 210-zpoMargin
	pdf.SetFont(fontSans, "B", 15)
	pdf.SetXY(left, 10)
	pdf.CellFormat(right-left, 7, "POTWIERDZENIE ODBIORU", "", 0, "L", false, 0, "")
	pdf.SetFont(fontSans, "", 8)
	pdf.SetXY(left, 10)
	pdf.CellFormat(right-left, 7, "przesyłka polecona za zwrotnym potwierdzeniem odbioru", "", 0, "R", false, 0, "")

	pdf.SetFillColor(235, 235, 235)
	pdf.SetFont(fontSans, "B", 11)
	pdf.SetXY(left, 19)
	pdf.CellFormat(right-left, 8, z.Basis.line(), "1", 0, "C", true, 0, "")

	mid := 106.0
	box(pdf, "Nadawca (adres zwrotny)", left, 32, mid-4-left, 40)
	printAddress(pdf, fontSans, 10, z.Sender, left+1, 37, mid-6-left, 33, false)

	box(pdf, "Numer nadawczy", mid, 32, right-mid, 40)
	drawCode128(pdf, z.TrackingNumber, mid+2, 38, right-mid-4, 22, 0.4)
	pdf.SetFont(fontSans, "B", 11)
	pdf.SetXY(mid, 62)
	pdf.CellFormat(right-mid, 6, z.TrackingNumber, "", 0, "C", false, 0, "")

	box(pdf, "Znak sprawy i dokument", left, 77, mid-4-left, 46)
	pdf.SetFont(fontSans, "B", 11)
	sig := fit(pdf, wrap(pdf, z.CaseSignature, mid-6-left), 2, mid-6-left)
	textLines(pdf, left+1, 82, mid-6-left, 5, sig, "L")
	if !blank(z.Document) {
		pdf.SetFont(fontSans, "", 9)
		doc := fit(pdf, wrap(pdf, z.Document, mid-6-left), 7, mid-6-left)
		textLines(pdf, left+1, 83+5*float64(len(sig)), mid-6-left, 4.2, doc, "L")
	}

	box(pdf, "Adresat", mid, 77, right-mid, 46)
	printAddress(pdf, fontSans, 11, z.Recipient, mid+1, 82, right-mid-2, 39, false)

	pdf.SetFont(fontSans, "", 7)
	textLines(pdf, left, 127, right-left, 3.3, wrap(pdf, z.Basis.rules(), right-left), "L")
}

// zpoBack draws the receipt half: empty fields for the postal operator.
func zpoBack(pdf *fpdf.Fpdf, z ZPO) {
	left, right := zpoMargin, 210-zpoMargin
	top := 297.0/2 + 6
	pdf.SetFont(fontSans, "B", 12)
	pdf.SetXY(left, top)
	pdf.CellFormat(100, 6, "Potwierdzenie odbioru przesyłki", "", 0, "L", false, 0, "")
	pdf.SetFont(fontSans, "", 8)
	pdf.SetXY(left, top+6)
	pdf.CellFormat(100, 4, fit(pdf, wrap(pdf, "Znak sprawy: "+z.CaseSignature, 100), 1, 100)[0], "", 0, "L", false, 0, "")
	pdf.SetXY(left, top+10)
	pdf.CellFormat(100, 4, z.Basis.line(), "", 0, "L", false, 0, "")
	drawCode128(pdf, z.TrackingNumber, 118, top, right-118, 10, 0.3)
	pdf.SetFont(fontSans, "", 8)
	pdf.SetXY(118, top+10.5)
	pdf.CellFormat(right-118, 4, z.TrackingNumber, "", 0, "C", false, 0, "")

	y := top + 18
	pdf.SetFont(fontSans, "B", 9)
	pdf.SetXY(left, y)
	pdf.CellFormat(right-left, 5, "Przesyłkę otrzymałem(-am):", "", 0, "L", false, 0, "")
	y += 6
	box(pdf, "Data doręczenia (dzień, miesiąc, rok)", left, y, 62, 15)
	box(pdf, "Podpis odbierającego", left+66, y, right-left-66, 15)
	y += 18
	box(pdf, "Czytelne imię i nazwisko odbierającego", left, y, right-left, 12)
	y += 15

	pdf.SetFont(fontSans, "B", 8)
	pdf.SetXY(left, y)
	pdf.CellFormat(right-left, 4, "Stosunek do adresata (zaznaczyć X):", "", 0, "L", false, 0, "")
	y += 5.5
	opts := []string{"adresat", z.Basis.household(), "sąsiad", "dozorca domu", "osoba upoważniona do odbioru korespondencji"}
	x := left
	pdf.SetFont(fontSans, "", 8)
	for _, o := range opts {
		w := 5 + pdf.GetStringWidth(o) + 4
		if x+w > right {
			x, y = left, y+5.5
		}
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.25)
		pdf.Rect(x, y, 3.2, 3.2, "D")
		pdf.SetXY(x+4, y-0.4)
		pdf.CellFormat(w-4, 4, o, "", 0, "L", false, 0, "")
		x += w
	}
	y += 9

	rows := []struct{ label, date string }{
		{"Pierwsze awizo: przesyłkę pozostawiono w placówce, zawiadomienie w skrzynce / na drzwiach", "Data pierwszego awizo"},
		{"Drugie awizo (powtórne zawiadomienie po 7 dniach)", "Data drugiego awizo"},
		{"Zwrot po 14 dniach: przesyłki nie podjęto, zwrócono ją nadawcy", "Data zwrotu"},
	}
	for _, r := range rows {
		pdf.SetFont(fontSans, "", 8)
		textLines(pdf, left-1, y+0.5, 66, 3.6, fit(pdf, wrap(pdf, r.label, 66), 3, 66), "L")
		box(pdf, r.date, left+66, y, 50, 13)
		box(pdf, "Podpis doręczającego", left+120, y, right-left-120, 13)
		y += 16
	}
}

// box frames a field with its caption in small grey type inside the top
// left corner, leaving the rest for handwriting or text.
func box(pdf *fpdf.Fpdf, caption string, x, y, w, h float64) {
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Rect(x, y, w, h, "D")
	pdf.SetFont(fontSans, "", 6.5)
	pdf.SetTextColor(90, 90, 90)
	pdf.SetXY(x, y+0.3)
	pdf.CellFormat(w, 3, caption, "", 0, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// cutLine marks where a sheet is cut or folded into its A5 halves.
func cutLine(pdf *fpdf.Fpdf, y float64) {
	pdf.SetDrawColor(140, 140, 140)
	pdf.SetLineWidth(0.2)
	pdf.SetDashPattern([]float64{2, 1.5}, 0)
	pdf.Line(5, y, 210-5, y)
	pdf.SetDashPattern(nil, 0)
	pdf.SetFont(fontSans, "", 6)
	pdf.SetTextColor(140, 140, 140)
	pdf.SetXY(5, y-3)
	pdf.CellFormat(200, 3, "linia cięcia", "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}
