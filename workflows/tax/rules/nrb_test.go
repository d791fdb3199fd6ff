package rules

import (
	"testing"

	"obieg.dev/obieg/engine"
)

func TestValidNRB(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		// The example account of ISO 13616 registries and of Polish banks'
		// documentation: PL61 1090 1014 0000 0712 1981 2874. By hand:
		// "1090101400000712198128742521" + "61" mod 97 = 1.
		{"61 1090 1014 0000 0712 1981 2874", true},
		{"PL61109010140000071219812874", true},
		{"PL27 1140 2004 0000 3002 0135 5387", true}, // IBAN registry example for Poland
		{"pl 61 1090 1014 0000 0712 1981 2874", true},
		{"61109010140000071219812875", false}, // last digit changed
		{"16109010140000071219812874", false}, // check digits swapped
		{"6110901014000007121981287", false},  // 25 digits
		{"61 1090 1014 0000 0712 1981 287A", false},
		{"", false},
	} {
		if got := ValidNRB(tc.s); got != tc.want {
			t.Errorf("ValidNRB(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestVirtualAccount(t *testing.T) {
	// Rebuilding the known-valid example from its parts must give its check
	// digits back: routing 1090 1014 (check digit: 1·3+0·9+9·7+0·1+1·3+0·9+1·7
	// = 76, 76 + 4 = 80 ≡ 0 mod 10), prefix 00000, payer 71219812874.
	got, err := VirtualAccount("10901014", "00000", 71219812874)
	if err != nil || got != "61109010140000071219812874" {
		t.Errorf("VirtualAccount = %q, %v", got, err)
	}
	if got, err := VirtualAccount("11402004", "0000", 300201355387); err != nil || got != "27114020040000300201355387" {
		t.Errorf("VirtualAccount = %q, %v", got, err)
	}
	if f := FormatNRB("PL61109010140000071219812874"); f != "61 1090 1014 0000 0712 1981 2874" {
		t.Errorf("FormatNRB = %q", f)
	}
	// An office with prefix "1234" at bank 1020 1026: payer 42 → 12 digits
	// "000000000042"; check digits computed, then verified independently.
	got, err = VirtualAccount("10201026", "1234", 42)
	if err != nil || len(got) != 26 || got[2:] != "102010261234000000000042" || !ValidNRB(got) {
		t.Errorf("VirtualAccount = %q, %v", got, err)
	}
	for id := int64(0); id < 5000; id += 7 {
		n, err := VirtualAccount("10901014", "77", id)
		if err != nil || !ValidNRB(n) {
			t.Fatalf("VirtualAccount(%d) = %q, %v", id, n, err)
		}
	}
	for _, tc := range []struct {
		routing, prefix string
		id              int64
		field           string
	}{
		{"10901015", "00", 1, "bank_routing"}, // wrong routing check digit
		{"1090101", "00", 1, "bank_routing"},
		{"10901014", "0x", 1, "office_prefix"},
		{"10901014", "1234567890123456", 1, "office_prefix"},
		{"10901014", "123456", 12345678901, "payer_id"}, // 11 digits in 10
		{"10901014", "1", -5, "payer_id"},
	} {
		_, err := VirtualAccount(tc.routing, tc.prefix, tc.id)
		if !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != tc.field {
			t.Errorf("VirtualAccount(%q, %q, %d) = %v, want invalid %s", tc.routing, tc.prefix, tc.id, err, tc.field)
		}
	}
}
