package main

import (
	"context"
	"fmt"
	"log/slog"

	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

// app holds the wired parts for one command.
type app struct {
	cfg    *config
	logger *slog.Logger
	db     *postgres.DB
	blobs  blob.Store
	reg    *registry.Service
	flow   *flow.Engine
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
	fe, err := flow.New(db, flow.Options{Logger: logger, Workers: cfg.Workers})
	if err != nil {
		db.Close()
		blobs.Close()
		return nil, err
	}
	return &app{cfg: cfg, logger: logger, db: db, blobs: blobs, flow: fe,
		reg: registry.New(db, blobs, registry.Options{Logger: logger})}, nil
}

func (a *app) Close() {
	a.blobs.Close()
	a.db.Close()
}
