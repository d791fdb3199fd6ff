package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
	"obieg.dev/obieg/forms/in1"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

// The annual tax batch: n taxpayers registered from IN-1 data (without
// assessment), then one batch assesses, signs (PAdES) and queues their
// decisions for delivery. The baseline, measured in the same run, is the
// work no batch can avoid: rendering and signing one decision PDF, with no
// database. Peak memory is sampled (Go heap) during the batch and read
// from the kernel (max RSS of the process) after it.

func taxPesel(n int) string {
	s := fmt.Sprintf("%02d%02d%02d%04d", 50+n/100000%40, 1+n/10000%12, 1+n/400%28, n%10000)
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * w[i]
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

func runTaxSuite(ctx context.Context, admin string, n, c int) error {
	fmt.Printf("\nannual tax batch: %d taxpayers, %d workers, one PostgreSQL; decisions rendered, PAdES-signed, registered, delivery queued\n\n", n, c)
	name := fmt.Sprintf("obieg_bench_tax_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	url, err := postgres.WithDatabase(admin, name)
	if err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	db, err := postgres.Open(ctx, url, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "obieg-bench-tax-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	blobs, err := blob.Open(ctx, "file://"+dir)
	if err != nil {
		return err
	}
	defer blobs.Close()
	reg := registry.New(db, blobs, registry.Options{Logger: logger})
	fe, err := flow.New(db, flow.Options{Logger: logger})
	if err != nil {
		return err
	}
	o, err := reg.CreateOffice(ctx, "Urząd Gminy Bench", "bench")
	if err != nil {
		return err
	}
	if err := reg.SetOfficeAddress(ctx, o.ID, "ul. Rynek 1\n00-001 Bench"); err != nil {
		return err
	}
	u, err := reg.CreateUser(ctx, nil, o.ID, registry.NewUser{Login: "admin", Name: "Admin", Roles: []registry.Role{registry.RoleAdmin}})
	if err != nil {
		return err
	}
	adm, err := reg.Actor(ctx, o.ID, u.ID)
	if err != nil {
		return err
	}
	for _, un := range [][3]string{{"OR-K", "Kancelaria", ""}, {"FN", "Referat Finansowy", ""}, {"FN-P", "Podatki", "FN"}} {
		if _, err := reg.CreateUnit(ctx, adm, un[0], un[1], un[2]); err != nil {
			return err
		}
	}
	jrwa, err := os.ReadFile("../cmd/obieg/demo/jrwa-gmina.csv")
	if err != nil {
		return err
	}
	if _, err := reg.ImportJRWA(ctx, adm, "JRWA", calendar.NewDate(2012, 1, 1), nil, strings.NewReader(string(jrwa))); err != nil {
		return err
	}
	key, err := sign.DevelopmentKey("Wójt Gminy Bench", "Urząd Gminy Bench", time.Now())
	if err != nil {
		return err
	}
	signer := func(ctx context.Context, pdf []byte) ([]byte, error) {
		return sign.SignPDF(ctx, pdf, key, sign.PDFOptions{Name: "Wójt Gminy Bench", Time: time.Now()})
	}
	corr := correspondence.New(reg, fe)
	t := tax.New(reg, fe, blobs, tax.Options{Logger: logger, Sign: signer})
	who := correspondence.WhoOf(adm)
	if _, err := corr.Deploy(ctx, who); err != nil {
		return err
	}
	if _, err := t.Deploy(ctx, who); err != nil {
		return err
	}
	to := calendar.NewDate(2026, 12, 31)
	for cat, v := range map[string]string{"land_other": "0.70", "building_residential": "1.20", "land_business": "1.40", "structure": "2"} {
		if _, err := t.SetEntry(ctx, adm, tax.Entry{Kind: tax.KindRate, Key: cat, Value: v, ValidFrom: calendar.NewDate(2026, 1, 1), ValidTo: &to}); err != nil {
			return err
		}
	}

	// Taxpayers, registered as officers would (IN-1 PDF and XML, case).
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, c)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				d := benchDeclaration(i)
				if _, err := t.RegisterDeclaration(ctx, adm, d, nil, tax.DeclarationOptions{NoAssessment: true}); err != nil {
					errc <- fmt.Errorf("taxpayer %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	seed := result{name: "IN-1 registration (PDF+XML, case, periods)", ops: n, took: time.Since(start)}

	// Baseline: render and sign one decision, no database, same workers.
	base := int(min(n, 2000))
	start = time.Now()
	next.Store(0)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(base) {
				pdf, err := renderDecision()
				if err == nil {
					_, err = signer(ctx, pdf)
				}
				if err != nil {
					panic(err)
				}
			}
		}()
	}
	wg.Wait()
	signOnly := result{name: "baseline: render + PAdES-sign (no DB)", ops: base, took: time.Since(start)}

	runtime.GC()
	var peakHeap atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start = time.Now()
	b, err := t.RunBatch(ctx, adm, 2026, tax.BatchOptions{Workers: c})
	took := time.Since(start)
	close(stop)
	if err != nil {
		return err
	}
	batch := result{name: "annual batch: assess, render, sign, register, queue", ops: b.Issued, took: took, errors: int64(b.Failed)}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	printTable([]result{seed, signOnly, batch}, "per second")
	fmt.Printf("\n%-44s %d (want %d), failed %d, batch %s\n", "decisions issued", b.Issued, n, b.Failed, b.Status)
	fmt.Printf("%-44s %.1f MiB\n", "peak Go heap in use during the batch", float64(peakHeap.Load())/(1<<20))
	fmt.Printf("%-44s %.1f MiB\n", "peak RSS of the benchmark process", float64(ru.Maxrss)/1024)
	fmt.Printf("%-44s %6.2f\n", "batch ÷ sign-only baseline", batch.rate()/signOnly.rate())
	if b.Issued != n {
		return fmt.Errorf("issued %d decisions for %d taxpayers", b.Issued, n)
	}
	return nil
}

func benchDeclaration(i int) *in1.Declaration {
	return &in1.Declaration{
		Authority: "Wójt Gminy Bench",
		Filer: in1.Filer{PESEL: taxPesel(i), Surname: fmt.Sprintf("Podatnik-%d", i), FirstName: "Łucja", BirthDate: calendar.NewDate(1950+i/100000%40, time.Month(1+i/10000%12), 1+i/400%28),
			Address: in1.Address{Country: "Polska", Street: "ul. Lipowa", House: fmt.Sprint(1 + i%200), City: "Bench", PostalCode: "00-002"}},
		Circumstances: in1.Circumstances{Kind: in1.KindFirst, Event: in1.EventArose, Date: calendar.NewDate(2024, 5, 10)},
		Taxed: in1.Subjects{
			Land:      []in1.Subject{{Category: in1.LandOther, Location: "Bench", Parcel: fmt.Sprintf("0001 %d/1", i), Share: in1.Whole, Area: int64(40000 + i%9000)}},
			Buildings: []in1.Subject{{Category: in1.BuildingResidential, Location: "Bench", Parcel: fmt.Sprintf("0001 %d/1", i), Share: in1.Whole, Area: int64(9000 + i%5000), AreaFull: int64(9000 + i%5000)}},
		},
	}
}

// renderDecision renders a decision like the batch's (two lines, four
// instalments): the baseline renders and signs one per operation.
func renderDecision() ([]byte, error) {
	var buf bytes.Buffer
	err := forms.WriteDecisionPDF(&buf, forms.Decision{OfficeName: "Wójt Gminy Bench", OfficeAddress: "ul. Rynek 1\n00-001 Bench", Place: "Bench",
		Date: calendar.NewDate(2026, 2, 20), CaseSignature: "FN-P.3120.1.2026", Year: 2026,
		Addressee:  forms.Address{Name: "Łucja Podatnik", Lines: []string{"ul. Lipowa 5", "00-002 Bench"}},
		LegalBasis: []string{"art. 21 § 1 pkt 2 i art. 207 Ordynacji podatkowej", "art. 1a–6 ustawy o podatkach i opłatach lokalnych"},
		Lines: []forms.DecisionLine{{Label: "grunty pozostałe", Base: "400,00 m²", Rate: "0,70 zł/m²", Months: 12, Amount: "280,00 zł"},
			{Label: "budynki mieszkalne", Base: "90,00 m²", Rate: "1,20 zł/m²", Months: 12, Amount: "108,00 zł"}},
		Total: "388 zł", TotalWords: forms.ZlotyWords(388), Account: "61109010140000071219812874",
		Instalments: []forms.Instalment{{No: 1, Due: calendar.NewDate(2026, 3, 16), Amount: "97 zł"}, {No: 2, Due: calendar.NewDate(2026, 5, 15), Amount: "97 zł"},
			{No: 3, Due: calendar.NewDate(2026, 9, 15), Amount: "97 zł"}, {No: 4, Due: calendar.NewDate(2026, 11, 16), Amount: "97 zł"}},
		Justification: "Uzasadnienie.", Signatory: forms.Signatory{Name: "Jan Wójtowski", Position: "Wójt"}})
	return buf.Bytes(), err
}
