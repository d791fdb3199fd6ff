package ident

import "testing"

func TestIdentifiers(t *testing.T) {
	for _, c := range []struct {
		check func(string) bool
		s     string
		ok    bool
	}{
		{ValidPESEL, "44051401359", true}, {ValidPESEL, "44051401358", false}, {ValidPESEL, "4405140135", false}, {ValidPESEL, "4405140135a", false},
		{ValidNIP, "5260250274", true}, {ValidNIP, "526-025-02-74", true}, {ValidNIP, "5260250275", false}, {ValidNIP, "52602502x4", false},
		{ValidREGON, "123456785", true}, {ValidREGON, "123456786", false}, {ValidREGON, "12345678512347", true}, {ValidREGON, "1234", false},
	} {
		if got := c.check(c.s); got != c.ok {
			t.Errorf("%q: %v, want %v", c.s, got, c.ok)
		}
	}
}
