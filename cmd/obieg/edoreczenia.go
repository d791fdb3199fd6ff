package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	edorsim "obieg.dev/obieg/adapters/edoreczenia/sim"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/workflows/correspondence"
)

// Demo e-Doręczenia addresses (valid check digits): the office's general
// address and the tax unit's, and a citizen's box to try deliveries with.
const (
	demoADEOffice = "AE:PL-10000-20000-PRZYK-28"
	demoADETax    = "AE:PL-10000-20001-PODAT-24"
	demoADEJan    = "AE:PL-30000-40000-NOWAK-28"
)

// edoreczeniaSetup builds the e-Doręczenia inbox (a periodic pull, plus a
// callback handler) and the sender from the configuration; nil when no
// service is configured. The office's addresses are the registry's
// (edelivery_addresses); letters go from the address of the case's unit.
func edoreczeniaSetup(cfg *config, reg *registry.Service, blobs blob.Store, corr func() *correspondence.Workflows, logger *slog.Logger) ([]flow.Periodic, *edoreczenia.Sender, *edoreczenia.Directory, http.Handler, error) {
	if cfg.EdorURL == "" {
		return nil, nil, nil, nil, nil
	}
	base := strings.TrimSuffix(cfg.EdorURL, "/")
	tokenURL := cfg.EdorTokenURL
	if tokenURL == "" {
		tokenURL = base + "/oauth2/token"
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	auth := &edoreczenia.Auth{TokenURL: tokenURL, ClientID: cfg.EdorClientID, ClientSecret: cfg.EdorClientSecret, HTTP: hc}
	if cfg.EdorCert != "" {
		key, err := loadKey(cfg.EdorCert, cfg.EdorCertPassword)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("OBIEG_EDOR_CERT: %w", err)
		}
		var roots *x509.CertPool
		if cfg.EdorCA != "" {
			pem, err := os.ReadFile(cfg.EdorCA)
			if err != nil {
				return nil, nil, nil, nil, fmt.Errorf("OBIEG_EDOR_CA: %w", err)
			}
			roots = x509.NewCertPool()
			roots.AppendCertsFromPEM(pem)
		}
		// Mutual TLS, and a signed JWT instead of the secret (RFC 7523).
		if hc, err = edoreczenia.HTTPClient(key, roots, 60*time.Second); err != nil {
			return nil, nil, nil, nil, err
		}
		auth.HTTP, auth.Key = hc, key
		if cfg.EdorClientSecret == "" {
			auth.ClientSecret = ""
		}
	}
	client := &edoreczenia.Client{BaseURL: base + "/api/v1", Auth: auth, HTTP: hc}
	actor := func(ctx context.Context) (*registry.Actor, error) { return reg.ActorByLogin(ctx, cfg.EdorUser) }
	sender := &edoreczenia.Sender{Client: client, Logger: logger, SenderAddress: func(ctx context.Context, caseSignature string) (string, error) {
		a, err := actor(ctx)
		if err != nil {
			return "", err
		}
		unit, _, _ := strings.Cut(caseSignature, ".")
		return reg.EDeliverySender(ctx, a.OfficeID, unit)
	}}
	inbox := &edoreczenia.Inbox{Client: client, Registry: reg, Blobs: blobs, Logger: logger, Actor: actor}
	inbox.OnEvidence = func(ctx context.Context, a *registry.Actor, ev *edoreczenia.Evidence, raw []byte) error {
		kind, at := ev.DeliveryFact()
		if at.IsZero() {
			at = ev.EventTime
		}
		f, err := registry.StageFile(ctx, blobs, "dowod-"+strings.ReplaceAll(ev.Code, ".", "")+".xml", "application/xml", raw, int64(len(raw))+1)
		if err != nil {
			return err
		}
		return corr().EDeliveryEvidence(ctx, a, correspondence.WhoOf(a), correspondence.Evidence{Reference: ev.Reference, MessageID: ev.MessageID,
			Code: ev.Code, Kind: kind, At: at}, f)
	}
	// The addresses to read are the office's, as the administrator keeps
	// them; read before each run. mu keeps a pull and a callback from
	// changing them under each other.
	var mu sync.Mutex
	addresses := func(ctx context.Context) error {
		a, err := actor(ctx)
		if engine.Is(engine.KindNotFound, err) {
			inbox.Addresses = nil // no integrator account yet: nothing to read
			return nil
		}
		if err != nil {
			return err
		}
		if inbox.State == nil {
			inbox.State = &edoreczenia.RegistryState{Registry: reg, OfficeID: a.OfficeID}
		}
		as, err := reg.EDeliveryAddresses(ctx, a)
		if err != nil {
			return err
		}
		inbox.Addresses = inbox.Addresses[:0]
		for _, e := range as {
			inbox.Addresses = append(inbox.Addresses, e.Address)
		}
		return nil
	}
	pull := flow.Periodic{Name: "edoreczenia.pull", Schedule: cfg.EdorPullSchedule, Run: func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if err := addresses(ctx); err != nil {
			return err
		}
		if len(inbox.Addresses) == 0 {
			return nil
		}
		got, err := inbox.Pull(ctx)
		if got.Registered+got.Repeated+got.Evidences+got.Bad > 0 || err != nil {
			logger.Info("e-Doręczenia pull", slog.Int("registered", got.Registered), slog.Int("repeated", got.Repeated),
				slog.Int("evidences", got.Evidences), slog.Int("bad", got.Bad), slog.Any("error", err))
		}
		return err
	}}
	if cfg.EdorCallbackURL != "" {
		// Callbacks first, polling as the fallback: subscribe each address.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			mu.Lock()
			defer mu.Unlock()
			if err := addresses(ctx); err != nil {
				logger.Warn("e-Doręczenia: no subscription", slog.Any("error", err))
				return
			}
			for _, addr := range inbox.Addresses {
				if _, err := client.Subscribe(ctx, addr, edoreczenia.SubscriptionCreate{InboxCallbackURL: cfg.EdorCallbackURL, EvidenceCallbackURL: cfg.EdorCallbackURL}); err != nil {
					logger.Warn("e-Doręczenia: subscription failed; polling only", slog.String("address", addr), slog.Any("error", err))
				}
			}
		}()
	}
	callbacks := inbox.CallbackHandler()
	callback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if err := addresses(r.Context()); err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable) // the service sends it again
			return
		}
		callbacks.ServeHTTP(w, r)
	})
	var dir *edoreczenia.Directory
	if cfg.EdorSearchURL != "" {
		dir = &edoreczenia.Directory{URL: cfg.EdorSearchURL, Auth: auth, HTTP: hc}
	}
	return []flow.Periodic{pull}, sender, dir, callback, nil
}

// cmdEdorSim runs the e-Doręczenia simulator until interrupted. Its
// clients: OBIEG_EDOR_SIM_CLIENTS, "id:secret:ADE,ADE;id:secret:ADE".
func cmdEdorSim(ctx context.Context) error {
	cfg, err := loadSimConfig()
	if err != nil {
		return err
	}
	logger := newLogger(cfg)
	var clients []edorsim.Client
	for _, c := range strings.Split(cfg.EdorSimClients, ";") {
		parts := strings.SplitN(strings.TrimSpace(c), ":", 3)
		if len(parts) != 3 {
			return fmt.Errorf("OBIEG_EDOR_SIM_CLIENTS: %q is not id:secret:ADE[,ADE]", c)
		}
		clients = append(clients, edorsim.Client{ID: parts[0], Secret: parts[1], Addresses: strings.Split(parts[2], ",")})
	}
	s := edorsim.New(edorsim.Options{Clients: clients, Logger: logger})
	defer s.Close()
	for _, r := range strings.Split(cfg.EdorSimRegister, ";") {
		if id, ade, ok := strings.Cut(strings.TrimSpace(r), "="); ok {
			s.Register(id, ade)
		}
	}
	ln, err := net.Listen("tcp", cfg.EdorSimListen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	logger.Info("e-Doręczenia simulator serving", slog.String("addr", ln.Addr().String()), slog.String("api", "/api/v1/{eDeliveryAddress}/…"),
		slog.String("token", "/oauth2/token"), slog.String("sim", "/sim/"))
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
