package forms

import (
	"fmt"

	"codeberg.org/go-pdf/fpdf"
)

// Code 128 (ISO/IEC 15417), code set B only: every printable ASCII character
// is one symbol, which is what postal tracking numbers need.

// code128Patterns holds the widths, in modules, of the bars and spaces of
// each symbol value, bar first: six elements of 11 modules in all, except
// the stop symbol (106) with seven elements of 13 modules.
var code128Patterns = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

const (
	code128StartB = 104
	code128Stop   = 106
	code128Quiet  = 10 // modules of blank margin required on either side
)

// printableASCII reports whether s is non-empty and only has characters
// 0x20–0x7E, the ones code set B encodes.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// code128B returns the symbol values encoding s in code set B: start B, one
// value per character, the modulo-103 checksum and stop.
func code128B(s string) ([]int, error) {
	if !printableASCII(s) {
		return nil, fmt.Errorf("code 128 set B needs printable ASCII, got %q", s)
	}
	vals := make([]int, 0, len(s)+3)
	vals = append(vals, code128StartB)
	sum := code128StartB
	for i := 0; i < len(s); i++ {
		v := int(s[i]) - 0x20
		vals = append(vals, v)
		sum += (i + 1) * v
	}
	return append(vals, sum%103, code128Stop), nil
}

// code128Widths returns the bar and space widths, in modules, of the Code
// 128 symbol for s, starting with a bar and ending with the stop's final bar.
func code128Widths(s string) ([]int, error) {
	vals, err := code128B(s)
	if err != nil {
		return nil, err
	}
	widths := make([]int, 0, 6*len(vals)+1)
	for _, v := range vals {
		for _, c := range code128Patterns[v] {
			widths = append(widths, int(c-'0'))
		}
	}
	return widths, nil
}

// drawCode128 draws the barcode of s centred in the box (x, y, w, h), quiet
// zones included, with modules as wide as fit but no wider than maxModule
// millimetres. It returns the module width used, 0 when s cannot be
// encoded (callers validate s first).
func drawCode128(pdf *fpdf.Fpdf, s string, x, y, w, h, maxModule float64) float64 {
	widths, err := code128Widths(s)
	if err != nil {
		return 0
	}
	modules := 2 * code128Quiet
	for _, m := range widths {
		modules += m
	}
	module := min(w/float64(modules), maxModule)
	cx := x + (w-float64(modules)*module)/2 + code128Quiet*module
	pdf.SetFillColor(0, 0, 0)
	for i, m := range widths {
		bw := float64(m) * module
		if i%2 == 0 {
			pdf.Rect(cx, y, bw, h, "F")
		}
		cx += bw
	}
	return module
}
