package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/workflows/correspondence"
)

// epuapPull builds the periodic ePUAP pull from the configuration, or nil
// when no ePUAP box is configured.
func epuapPull(cfg *config, reg *registry.Service, blobs blob.Store, corr func() *correspondence.Workflows, logger *slog.Logger) []flow.Periodic {
	if cfg.EPUAPEntity == "" || cfg.EPUAPURL == "" {
		return nil
	}
	base := strings.TrimSuffix(cfg.EPUAPURL, "/")
	client := &epuap.Client{Endpoints: epuap.Endpoints{Pull: base + "/pull", Skrytka: base + "/skrytka", Doreczyciel: base + "/doreczyciel"},
		Entity: cfg.EPUAPEntity, Box: cfg.EPUAPBox, HTTP: &http.Client{Timeout: 60 * time.Second}}
	inbox := &epuap.Inbox{Client: client, Registry: reg, Blobs: blobs, Logger: logger,
		// The integrator account's office is the office the box belongs to.
		Actor: func(ctx context.Context) (*registry.Actor, error) { return reg.ActorByLogin(ctx, cfg.EPUAPUser) }}
	inbox.OnReceipt = func(ctx context.Context, a *registry.Actor, r *epuap.Receipt) error {
		return corr().EPUAPReceipt(ctx, a, correspondence.WhoOf(a), r.Kind, r.DocumentID, r.DeliveredAt, r.Raw, func(raw []byte) (registry.File, error) {
			st, err := blobs.Stage(ctx, bytes.NewReader(raw), epuap.MaxDocumentSize)
			if err != nil {
				return registry.File{}, err
			}
			return registry.File{Name: r.Kind + ".xml", MediaType: "application/xml", Head: raw[:min(len(raw), 512)], Blob: st}, nil
		})
	}
	return []flow.Periodic{{Name: "epuap.pull", Schedule: cfg.EPUAPPullSchedule, Run: func(ctx context.Context) error {
		got, err := inbox.PullAll(ctx)
		if got.Registered+got.Repeated > 0 || err != nil {
			logger.Info("ePUAP pull", slog.Int("registered", got.Registered), slog.Int("repeated", got.Repeated), slog.Any("error", err))
		}
		return err
	}}}
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
		slog.String("services", "/pull /skrytka /doreczyciel"), slog.String("api", "/sim/"))
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
