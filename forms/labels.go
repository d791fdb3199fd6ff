package forms

import (
	"fmt"
	"io"
	"time"

	"obieg.dev/obieg/engine"
)

// Address is a postal address as printed on an envelope or a form.
type Address struct {
	Name  string   // person or institution; wrapped when long
	Lines []string // e.g. "ul. Piotrkowska 104", "90-926 Łódź"
}

// The label sheet: A4 with 3 × 8 labels of 70 × 37 mm and no gaps (a common
// office sheet, e.g. 24 labels per page), the spare half millimetre of
// height split above and below.
const (
	labelCols  = 3
	labelRows  = 8
	labelW     = 70.0
	labelH     = 37.0
	labelTop   = (297 - labelRows*labelH) / 2
	labelPadX  = 5.0
	labelPadY  = 4.0
	labelFont  = 10.0
	labelsPage = labelCols * labelRows
)

// WriteLabelsPDF writes one address label per address on A4 label sheets,
// filled row by row, as many pages as needed.
func WriteLabelsPDF(w io.Writer, addrs []Address) error {
	const op = "forms.WriteLabelsPDF"
	if len(addrs) == 0 {
		return engine.E(op, engine.KindInvalid, engine.Field("addresses"), "no addresses to print")
	}
	for i, a := range addrs {
		if blank(a.Name) {
			return engine.Invalid(op, fmt.Sprintf("addresses[%d].name", i), "address %d has no name", i+1)
		}
	}
	pdf := newPDF("P", time.Time{}, fontSans)
	for i, a := range addrs {
		k := i % labelsPage
		if k == 0 {
			pdf.AddPage()
		}
		x := float64(k%labelCols) * labelW
		y := labelTop + float64(k/labelCols)*labelH
		printAddress(pdf, fontSans, labelFont, a, x+labelPadX, y+labelPadY, labelW-2*labelPadX, labelH-2*labelPadY, true)
	}
	return output(pdf, w, op)
}
