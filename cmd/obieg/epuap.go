package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/workflows/correspondence"
)

// epuapSetup builds the ePUAP pull (a periodic task) and the official
// sender from the configuration; both nil when no ePUAP box is configured.
func epuapSetup(cfg *config, reg *registry.Service, blobs blob.Store, corr func() *correspondence.Workflows, logger *slog.Logger) ([]flow.Periodic, *epuap.Sender, error) {
	if cfg.EPUAPEntity == "" || cfg.EPUAPURL == "" {
		return nil, nil, nil
	}
	base := strings.TrimSuffix(cfg.EPUAPURL, "/")
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: base + "/pull", Skrytka: base + "/skrytka", Doreczyciel: base + "/doreczyciel"},
		Entity: cfg.EPUAPEntity, Box: cfg.EPUAPBox, HTTP: &http.Client{Timeout: 60 * time.Second}}
	var trust *x509.CertPool
	if cfg.EPUAPTrust != "" {
		pem, err := os.ReadFile(cfg.EPUAPTrust)
		if err != nil {
			return nil, nil, fmt.Errorf("OBIEG_EPUAP_TRUST: %w", err)
		}
		trust = x509.NewCertPool()
		if !trust.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("OBIEG_EPUAP_TRUST: no certificates in %s", cfg.EPUAPTrust)
		}
	}
	// The integrator account's office is the office the box belongs to.
	actor := func(ctx context.Context) (*registry.Actor, error) { return reg.ActorByLogin(ctx, cfg.EPUAPUser) }
	stage := func(ctx context.Context, name string) func([]byte) (registry.File, error) {
		return func(raw []byte) (registry.File, error) {
			return registry.StageFile(ctx, blobs, name, "application/xml", raw, epuap.MaxDocumentSize)
		}
	}
	// With the office's certificate letters go officially (dorecz, UPD);
	// without one by skrytka nadaj, its UPP recorded as the delivery (see
	// epuap.Sender for the rule).
	sender := &epuap.Sender{Client: client, Trust: trust, Logger: logger}
	if cfg.EPUAPCert != "" {
		key, err := loadKey(cfg.EPUAPCert, cfg.EPUAPCertPassword)
		if err != nil {
			return nil, nil, fmt.Errorf("OBIEG_EPUAP_CERT: %w", err)
		}
		client.Signer = epuap.SignerFunc(func(env []byte) ([]byte, error) { return sign.SignSOAP(env, key, time.Now()) })
		sender.Key = key
	}
	sender.OnUPP = func(ctx context.Context, id string, upp *epuap.Receipt) error {
		a, err := actor(ctx)
		if err != nil {
			return err
		}
		return corr().EPUAPSubmitted(ctx, a, correspondence.WhoOf(a), id, correspondence.UPP{ReceiptID: upp.ReceiptID,
			SubmittedAt: upp.SubmittedAt, DeliveredAt: upp.DeliveredAt, Raw: upp.Raw, Signature: upp.Signature}, stage(ctx, "UPP.xml"))
	}
	inbox := &epuap.Inbox{Client: client, Registry: reg, Blobs: blobs, Logger: logger, Trust: trust, Actor: actor}
	inbox.OnReceipt = func(ctx context.Context, a *registry.Actor, r *epuap.Receipt) error {
		return corr().EPUAPReceipt(ctx, a, correspondence.WhoOf(a), r.Kind, r.DocumentID, r.DeliveredAt, r.Raw, r.Signature, stage(ctx, r.Kind+".xml"))
	}
	pull := flow.Periodic{Name: "epuap.pull", Schedule: cfg.EPUAPPullSchedule, Run: func(ctx context.Context) error {
		got, err := inbox.PullAll(ctx)
		if got.Registered+got.Repeated+got.Receipts > 0 || err != nil {
			logger.Info("ePUAP pull", slog.Int("registered", got.Registered), slog.Int("repeated", got.Repeated),
				slog.Int("receipts", got.Receipts), slog.Any("error", err))
		}
		return err
	}}
	return []flow.Periodic{pull}, sender, nil
}

// loadKey reads a PKCS#12 file, or a PEM file with the certificate and key.
func loadKey(path, password string) (*sign.Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return sign.LoadPEM(data, data)
	}
	return sign.LoadPKCS12(data, password)
}

// cmdEPUAPSim runs the ePUAP simulator until interrupted.
func cmdEPUAPSim(ctx context.Context) error {
	cfg, err := loadSimConfig()
	if err != nil {
		return err
	}
	logger := newLogger(cfg)
	s := sim.New()
	s.Logger = logger
	ln, err := net.Listen("tcp", cfg.EPUAPSimListen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	logger.Info("ePUAP simulator serving", slog.String("addr", ln.Addr().String()),
		slog.String("services", "/pull /skrytka /doreczyciel /filerepo/{id}"), slog.String("api", "/sim/"),
		slog.String("certificate", "/sim/certificate"), slog.String("signer", s.Key.Certificate.Subject.String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
