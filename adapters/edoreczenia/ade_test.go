package edoreczenia_test

import (
	"testing"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine"
)

// Addresses published by public bodies on their own pages: the check
// digits must agree with ADEChecksum (see its comment for the source).
func TestParseADEPublishedAddresses(t *testing.T) {
	for _, s := range []string{
		"AE:PL-66081-65851-BHGEH-20", // Urząd Gminy Czarnożyły
		"AE:PL-84192-40504-UIWTR-22", // Urząd Gminy Michałowice
		"AE:PL-10609-91337-SAIBG-23", // RDOŚ w Warszawie
		"AE:PL-50419-15057-VDGUG-25",
		"AE:PL-90075-94799-GARAS-26",
		"AE:PL-72422-98772-ATIDW-24",
		"  AE:PL-66081-65851-BHGEH-20 ",
	} {
		a, err := edoreczenia.ParseADE(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if b, _ := edoreczenia.ParseADE(a.String()); b != a {
			t.Errorf("%q does not round-trip", s)
		}
	}
}

func TestParseADERefuses(t *testing.T) {
	for s, field := range map[string]string{
		"":                              "ade",
		"AE:PL-12345-67890-ABCDE-12":    "ade.checksum", // the usual placeholder: its check digits are wrong (25)
		"AE:PL-66081-65851-BHGEH-21":    "ade.checksum",
		"AE:DE-66081-65851-BHGEH-20":    "ade",
		"ae:pl-66081-65851-bhgeh-20":    "ade",
		"AE:PL-6608A-65851-BHGEH-20":    "ade",
		"AE:PL-66081-65851-BHGE1-20":    "ade",
		"AE:PL-66081-65851-BHGEH-2X":    "ade",
		"AE:PL-66081-65851-BHGEH-200":   "ade",
		"AE:PL-66081-65851-BHGĘH-20":    "ade",
		"AE:PL-66081_65851-BHGEH-20":    "ade",
		"/ugtestowo/skrytka":            "ade",
		"AE:PL-66081-65851-BHGEH-20-00": "ade",
	} {
		_, err := edoreczenia.ParseADE(s)
		wantKind(t, err, engine.KindInvalid)
		if got := engine.FieldOf(err); got != field {
			t.Errorf("%q: field %q, want %q (%v)", s, got, field, err)
		}
	}
}

func TestMakeADE(t *testing.T) {
	a, err := edoreczenia.MakeADE("6608165851", "BHGEH")
	if err != nil || a.String() != "AE:PL-66081-65851-BHGEH-20" {
		t.Fatalf("MakeADE = %v, %v", a, err)
	}
	if _, err := edoreczenia.MakeADE("123", "ABCDE"); err == nil {
		t.Error("short digits accepted")
	}
	var b edoreczenia.ADE
	if err := b.UnmarshalText([]byte("AE:PL-84192-40504-UIWTR-22")); err != nil || b.IsZero() {
		t.Errorf("UnmarshalText: %v", err)
	}
}

func FuzzParseADE(f *testing.F) {
	f.Add("AE:PL-66081-65851-BHGEH-20")
	f.Add("AE:PL-12345-67890-ABCDE-12")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := edoreczenia.ParseADE(s)
		if err != nil {
			if engine.KindOf(err) != engine.KindInvalid {
				t.Fatalf("%q: kind %v", s, engine.KindOf(err))
			}
			return
		}
		if b, err := edoreczenia.ParseADE(a.String()); err != nil || b != a {
			t.Fatalf("%q accepted but %q not", s, a)
		}
	})
}
