package tax

import (
	"context"
	"fmt"
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
)

// pesel makes a valid PESEL of a person born 1.01.1980 with serial n.
func pesel(n int) string {
	s := fmt.Sprintf("800101%04d", n)
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * w[i]
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

func (b *bundle) taxpayers(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		d := declaration()
		d.Filer.PESEL, d.Filer.FirstName = pesel(i+1), fmt.Sprintf("Podatnik%d", i+1)
		d.Filer.BirthDate = calendar.NewDate(1980, 1, 1)
		d.Taxed.Land[0].Area = int64(50000 + 100*i) // 500,00 m² + i m²
		if _, err := b.tax.RegisterDeclaration(b.ctx, b.officer, d, nil, DeclarationOptions{NoAssessment: true}); err != nil {
			t.Fatalf("taxpayer %d: %v", i, err)
		}
	}
}

// The annual batch is interrupted half-way and run again: every taxpayer
// gets exactly one decision, one signed document and one delivery.
func TestBatchResumesWithoutDuplicates(t *testing.T) {
	b := setup(t)
	const n = 30
	b.taxpayers(t, n)
	if _, err := b.tax.RunBatch(b.ctx, b.officer, 2026, BatchOptions{}); err == nil {
		t.Fatal("an officer ran the annual batch")
	}
	ctx, cancel := context.WithCancel(b.ctx)
	go func() {
		for {
			b.signedMu.Lock()
			c := b.signedCount
			b.signedMu.Unlock()
			if c >= n/2 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	first, err := b.tax.RunBatch(ctx, b.head, 2026, BatchOptions{Workers: 4})
	if err == nil || first == nil || first.Status != "running" || first.Issued >= n {
		t.Fatalf("interrupted batch: %+v, %v", first, err)
	}
	t.Logf("interrupted after %d decisions (%d signatures made)", first.Issued, b.signedCount)
	second, err := b.tax.RunBatch(b.ctx, b.head, 2026, BatchOptions{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || second.Status != "done" || second.Issued != n || second.Failed != 0 {
		t.Fatalf("resumed batch: %+v (first issued %d)", second, first.Issued)
	}
	ds, err := b.tax.Decisions(b.ctx, b.officer, nil, 2026)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, d := range ds {
		if d.Status == "signed" || d.Status == "delivered" {
			per[d.TaxpayerID.String()]++
		}
		if d.DocumentID == nil || d.BatchID == nil || *d.BatchID != first.ID {
			t.Errorf("decision %+v", d)
		}
	}
	if len(per) != n || len(ds) != n {
		t.Fatalf("%d decisions for %d taxpayers, want %d each once", len(ds), len(per), n)
	}
	// One delivery workflow per decision, each waiting at the post.
	ins, _, err := b.fe.Instances(b.ctx, b.adminW, flow.InstanceFilter{Key: ProcessDelivery, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != n {
		t.Fatalf("%d delivery instances, want %d", len(ins), n)
	}
	// A third run finds nothing to do.
	third, err := b.tax.RunBatch(b.ctx, b.head, 2026, BatchOptions{})
	if err != nil || third.ID == first.ID || third.Issued != 0 {
		t.Fatalf("third run: %+v %v", third, err)
	}
}
