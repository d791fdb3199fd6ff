package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	web "obieg.dev/obieg/adapters/http"
	"obieg.dev/obieg/adapters/http/ui"
)

func cmdMigrate(ctx context.Context) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	done, err := a.db.Migrate(ctx)
	if err != nil {
		return err
	}
	a.logger.Info("database is up to date", slog.Int("applied", len(done)))
	return nil
}

func cmdServe(ctx context.Context, _ []string) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.db.Migrate(ctx); err != nil {
		return err
	}
	if err := a.deployWorkflows(ctx); err != nil {
		return err
	}
	if a.noDecisionKey {
		a.logger.Warn("no key to sign decisions (OBIEG_SIGN_CERT): tax decisions will wait with an incident")
	}
	if a.cfg.Workers > 0 {
		if err := a.flow.StartWorkers(ctx); err != nil {
			return err
		}
		defer stopWorkers(a)
	}
	var handler http.Handler = web.New(web.Config{Registry: a.reg, Flow: a.flow, Correspondence: a.corr, Tax: a.tax, Blobs: a.blobs, Ready: a.db.Ready, Logger: a.logger,
		MaxUploadSize: a.cfg.MaxUploadSize,
		UI: ui.New(ui.Config{Registry: a.reg, Flow: a.flow, Correspondence: a.corr, Tax: a.tax, Blobs: a.blobs, Logger: a.logger,
			SessionTTL: a.cfg.SessionTTL, Secure: a.cfg.SecureCookies, OIDC: a.cfg.oidc(), MaxUploadSize: a.cfg.MaxUploadSize})})
	if a.edorCallbacks != nil {
		// e-Doręczenia notifications: hints only, everything is read back
		// from the authenticated API.
		mux := http.NewServeMux()
		mux.Handle("POST /callbacks/edoreczenia", a.edorCallbacks)
		mux.Handle("/", handler)
		handler = mux
	}
	srv := &http.Server{
		Addr:              a.cfg.Listen,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return err
	}
	a.logger.Info("serving", slog.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.logger.Info("stopped")
	return nil
}

// stopWorkers lets running jobs finish (up to 20 s); unfinished ones are
// picked up again after a restart.
func stopWorkers(a *app) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.flow.StopWorkers(ctx); err != nil {
		a.logger.Warn("workers did not stop cleanly", slog.String("error", err.Error()))
	}
}

// cmdWorker runs workflow jobs and timers without serving the API.
func cmdWorker(ctx context.Context) error {
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.db.Migrate(ctx); err != nil {
		return err
	}
	if a.cfg.Workers <= 0 {
		return fmt.Errorf("OBIEG_WORKERS must be at least 1 for `obieg worker`")
	}
	if err := a.flow.StartWorkers(ctx); err != nil {
		return err
	}
	a.logger.Info("working jobs", slog.Int("workers", a.cfg.Workers))
	<-ctx.Done()
	stopWorkers(a)
	return nil
}
