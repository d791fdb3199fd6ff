package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax"
)

// app holds the wired parts for one command.
type app struct {
	cfg    *config
	logger *slog.Logger
	db     *postgres.DB
	blobs  blob.Store
	reg    *registry.Service
	flow   *flow.Engine
	corr   *correspondence.Workflows
	tax    *tax.Service
	// noDecisionKey: neither OBIEG_SIGN_CERT nor OBIEG_SIGN_DEV_KEY.
	noDecisionKey bool
	// edorCallbacks takes the e-Doręczenia notifications (nil: not configured).
	edorCallbacks http.Handler
}

// open wires the database, blob store and registry.
func open(ctx context.Context) (*app, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	logger := newLogger(cfg)
	db, err := postgres.Open(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return nil, fmt.Errorf("%w (is the database running? `make run` starts one)", err)
	}
	blobs, err := blob.Open(ctx, cfg.BlobURL)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("blob store %s: %w", cfg.BlobURL, err)
	}
	reg := registry.New(db, blobs, registry.Options{Logger: logger})
	a := &app{cfg: cfg, logger: logger, db: db, blobs: blobs, reg: reg}
	// The pull needs the workflows, which need the engine: a late reference.
	periodic, sender, err := epuapSetup(cfg, reg, blobs, func() *correspondence.Workflows { return a.corr }, logger)
	if err != nil {
		db.Close()
		blobs.Close()
		return nil, err
	}
	edorPeriodic, edorSender, edorSearch, edorCallbacks, err := edoreczeniaSetup(cfg, reg, blobs, func() *correspondence.Workflows { return a.corr }, logger)
	if err != nil {
		db.Close()
		blobs.Close()
		return nil, err
	}
	a.edorCallbacks = edorCallbacks
	fe, err := flow.New(db, flow.Options{Logger: logger, Workers: cfg.Workers, Periodic: append(periodic, edorPeriodic...)})
	if err != nil {
		db.Close()
		blobs.Close()
		return nil, err
	}
	a.flow, a.corr = fe, correspondence.New(reg, fe)
	router := correspondence.Router{}
	if sender != nil {
		router["epuap"] = sender
	}
	if edorSender != nil {
		router["edoreczenia"] = edorSender
	}
	if len(router) > 0 {
		a.corr.Electronic = router
	}
	if edorSearch != nil {
		a.corr.Search = edorSearch
	}
	if err := a.taxSetup(); err != nil {
		db.Close()
		blobs.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) Close() {
	a.blobs.Close()
	a.db.Close()
}

// deployWorkflows deploys the workflows shipped in workflows/ for every
// office; a definition whose XML did not change keeps its version.
func (a *app) deployWorkflows(ctx context.Context) error {
	offices, err := a.reg.Offices(ctx)
	if err != nil {
		return err
	}
	for _, o := range offices {
		admin, err := a.reg.OfficeAdmin(ctx, o.ID, "")
		if err != nil {
			a.logger.Warn("office has no administrator: workflows not deployed", "office", o.ShortName)
			continue
		}
		who := flow.Who{UserID: admin.UserID, OfficeID: o.ID, Admin: true}
		if _, err := a.corr.Deploy(ctx, who); err != nil {
			return err
		}
		if _, err := a.tax.Deploy(ctx, who); err != nil {
			return err
		}
	}
	return nil
}
