package forms

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// decodeCode128B reads a symbol back from its bar and space widths, as a
// scanner does: start B, data, a checksum that must match, stop.
func decodeCode128B(widths []int) (string, error) {
	value := make(map[string]int, len(code128Patterns))
	for v, p := range code128Patterns {
		value[p] = v
	}
	if len(widths) < 6+6+7 || (len(widths)-7)%6 != 0 {
		return "", fmt.Errorf("%d elements is no Code 128 symbol", len(widths))
	}
	var vals []int
	for i := 0; i < len(widths); i += 6 {
		n := 6
		if i == len(widths)-7 {
			n = 7
		}
		var b strings.Builder
		for _, w := range widths[i : i+n] {
			b.WriteByte(byte('0' + w))
		}
		v, ok := value[b.String()]
		if !ok {
			return "", fmt.Errorf("no symbol has widths %s", b.String())
		}
		vals = append(vals, v)
		if n == 7 {
			break
		}
	}
	if vals[0] != code128StartB || vals[len(vals)-1] != code128Stop {
		return "", errors.New("no start B or no stop")
	}
	data := vals[1 : len(vals)-2]
	sum := code128StartB
	var s []byte
	for i, v := range data {
		if v > 94 {
			return "", fmt.Errorf("value %d is no set B character", v)
		}
		sum += (i + 1) * v
		s = append(s, byte(v+0x20))
	}
	if sum%103 != vals[len(vals)-2] {
		return "", fmt.Errorf("checksum %d, want %d", vals[len(vals)-2], sum%103)
	}
	return string(s), nil
}

func TestCode128RoundTrip(t *testing.T) {
	var all []byte
	for c := byte(0x20); c <= 0x7e; c++ {
		all = append(all, c)
	}
	for _, s := range []string{"A", "00659007734210841433", "RR123456785PL", "AB.6740.15.2025", " ~{}|", string(all)} {
		w, err := code128Widths(s)
		if err != nil {
			t.Fatal(err)
		}
		modules := 0
		for _, m := range w {
			if m < 1 || m > 4 {
				t.Fatalf("%q: element of %d modules", s, m)
			}
			modules += m
		}
		if want := 11*(len(s)+2) + 13; modules != want {
			t.Errorf("%q: %d modules, want %d", s, modules, want)
		}
		got, err := decodeCode128B(w)
		if err != nil || got != s {
			t.Errorf("decode(encode(%q)) = %q, %v", s, got, err)
		}
		w[6]++ // a misread element must not decode to the same text
		w[7]--
		if got, err := decodeCode128B(w); err == nil && got == s {
			t.Errorf("%q: a damaged symbol decodes", s)
		}
	}
}

func TestCode128Checksum(t *testing.T) {
	// "A" is value 33: checksum (104 + 1·33) mod 103 = 34.
	got, _ := code128B("A")
	if want := []int{104, 33, 34, 106}; !slices.Equal(got, want) {
		t.Errorf("code128B(A) = %v, want %v", got, want)
	}
	// "PL1": (104 + 1·48 + 2·44 + 3·17) mod 103 = 291 mod 103 = 85.
	got, _ = code128B("PL1")
	if want := []int{104, 48, 44, 17, 85, 106}; !slices.Equal(got, want) {
		t.Errorf("code128B(PL1) = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "Łódź", "a\tb", "\x7f"} {
		if _, err := code128B(bad); err == nil {
			t.Errorf("code128B(%q) encodes", bad)
		}
	}
}

func TestCode128Table(t *testing.T) {
	seen := map[string]int{}
	for v, p := range code128Patterns {
		if u, dup := seen[p]; dup {
			t.Errorf("values %d and %d share %s", u, v, p)
		}
		seen[p] = v
		sum, bars := 0, 0
		for i, c := range p {
			sum += int(c - '0')
			if i%2 == 0 {
				bars += int(c - '0')
			}
		}
		want := 11
		if v == code128Stop {
			want = 13
		}
		if sum != want || bars%2 != 0 {
			t.Errorf("value %d: %s has %d modules and %d of bar", v, p, sum, bars)
		}
	}
	// Anchors from ISO/IEC 15417 table 1: a shifted row would pass the sums.
	for v, p := range map[int]string{0: "212222", 16: "123122", 33: "111323", 65: "121124", 94: "131141", 103: "211412", 104: "211214", 105: "211232", 106: "2331112"} {
		if code128Patterns[v] != p {
			t.Errorf("value %d = %s, want %s", v, code128Patterns[v], p)
		}
	}
}
