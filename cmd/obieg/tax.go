package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/tax"
)

// decisionKey loads the key decisions are signed with: the authority's
// qualified certificate (OBIEG_SIGN_CERT, PKCS#12 or PEM), else — for a
// demonstration — a development key kept at OBIEG_SIGN_DEV_KEY, made on
// first use. Without either, decisions cannot be issued and the step
// raises an incident saying so.
func decisionKey(cfg *config) (*sign.Key, error) {
	if cfg.SignCert != "" {
		k, err := loadKey(cfg.SignCert, cfg.SignCertPassword)
		if err != nil {
			return nil, fmt.Errorf("OBIEG_SIGN_CERT %s: %w", cfg.SignCert, err)
		}
		return k, nil
	}
	if cfg.SignDevKey == "" {
		return nil, nil
	}
	if data, err := os.ReadFile(cfg.SignDevKey); err == nil {
		return sign.LoadPEM(data, data)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := sign.DevelopmentKey("Obieg — klucz demonstracyjny (nie kwalifikowany)", "Obieg demo", time.Now())
	if err != nil {
		return nil, err
	}
	certPEM, keyPEM, err := sign.EncodePEM(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.SignDevKey), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfg.SignDevKey, append(certPEM, keyPEM...), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// taxSetup wires property tax with the decision key.
func (a *app) taxSetup() error {
	key, err := decisionKey(a.cfg)
	if err != nil {
		return err
	}
	var signer tax.Signer
	if key != nil {
		name := key.Certificate.Subject.CommonName
		signer = func(ctx context.Context, pdf []byte) ([]byte, error) {
			return sign.SignPDF(ctx, pdf, key, sign.PDFOptions{Name: name, Reason: "Decyzja podatkowa", Time: time.Now()})
		}
	} else {
		a.noDecisionKey = true
	}
	a.tax = tax.New(a.reg, a.flow, a.blobs, tax.Options{Logger: a.logger, Sign: signer, Settings: tax.Settings{
		Unit: a.cfg.TaxUnit, ApproverUnit: a.cfg.TaxApproverUnit, BankRouting: a.cfg.TaxBankRouting}})
	return nil
}

// seedTax enters the demo council's rates for the current year, below the
// Minister of Finance's maxima (domain-rules §5).
func seedTax(ctx context.Context, t *tax.Service, admin *registry.Actor, year int) error {
	rates := map[string]string{"land_business": "1.38", "land_water": "7.00", "land_other": "0.70",
		"building_residential": "1.15", "building_business": "33.00", "building_seed_trade": "16.00",
		"building_health": "7.00", "building_other": "11.00", "structure": "2"}
	to := calendar.NewDate(year, 12, 31)
	for cat, v := range rates {
		if _, err := t.SetEntry(ctx, admin, tax.Entry{Kind: tax.KindRate, Key: cat, Value: v, ValidFrom: calendar.NewDate(year, 1, 1), ValidTo: &to,
			LegalBasis: fmt.Sprintf("Uchwała nr XV/120/%d Rady Gminy Przykładowo w sprawie stawek podatku od nieruchomości", year-1)}); err != nil {
			if engine.FieldOf(err) == "validFrom" {
				// No maxima announced for that year yet: the administrator
				// enters the rates when the council adopts them.
				return nil
			}
			return fmt.Errorf("tax rate %s: %w", cat, err)
		}
	}
	return nil
}
