package registry

import (
	"context"
	"testing"

	"obieg.dev/obieg/engine"
)

// An office holds several e-Doręczenia addresses: a letter of a unit goes
// from its own address, else its nearest ancestor's, else the default.
func TestEDeliveryAddressesPerUnit(t *testing.T) {
	b := setup(t)
	must(b.svc.CreateUnit(b.ctx, b.admin, "FN-P", "Podatki", "FN"))
	must(b.svc.CreateUnit(b.ctx, b.admin, "FN-P-1", "Podatki rolne", "FN-P"))
	if _, err := b.svc.EDeliverySender(b.ctx, b.office.ID, "FN"); engine.KindOf(err) != engine.KindNotFound {
		t.Fatalf("no addresses yet: %v", err)
	}
	must(b.svc.AddEDeliveryAddress(b.ctx, b.admin, "AE:PL-12345-67890-ABCDE-12", "Urząd (ogólny)", true, nil))
	must(b.svc.AddEDeliveryAddress(b.ctx, b.admin, "AE:PL-22222-33333-FGHIJ-34", "Podatki", false, []string{"FN-P"}))
	for unit, want := range map[string]string{"FN": "AE:PL-12345-67890-ABCDE-12", "OR": "AE:PL-12345-67890-ABCDE-12",
		"FN-P": "AE:PL-22222-33333-FGHIJ-34", "FN-P-1": "AE:PL-22222-33333-FGHIJ-34"} {
		got, err := b.svc.EDeliverySender(b.ctx, b.office.ID, unit)
		if err != nil || got != want {
			t.Errorf("sender of %s = %q, %v; want %s", unit, got, err, want)
		}
	}
	if _, err := b.svc.AddEDeliveryAddress(b.ctx, b.admin, "AE:PL-9-9-X-1", "zły", false, nil); engine.FieldOf(err) != "address" {
		t.Fatalf("bad ADE: %v", err)
	}
	if _, err := b.svc.AddEDeliveryAddress(b.ctx, b.officer, "AE:PL-44444-55555-KLMNO-56", "x", false, nil); engine.KindOf(err) != engine.KindForbidden {
		t.Fatalf("an officer added an address: %v", err)
	}
	if _, err := b.svc.AddEDeliveryAddress(b.ctx, b.admin, "AE:PL-44444-55555-KLMNO-56", "drugi domyślny", true, nil); engine.KindOf(err) != engine.KindConflict {
		t.Fatalf("a second default: %v", err)
	}
	as := must(b.svc.EDeliveryAddresses(b.ctx, b.officer))
	if len(as) != 2 || len(as[1].Units) != 1 || as[1].Units[0] != "FN-P" {
		t.Fatalf("addresses: %+v", as)
	}
	// Another office sees none of them.
	_, admin2 := b.newOffice(t, "inna")
	if as := must(b.svc.EDeliveryAddresses(context.Background(), admin2)); len(as) != 0 {
		t.Fatalf("other office sees %+v", as)
	}
}
