package flow

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow/bpmn"
	"obieg.dev/obieg/storage/postgres"
)

// Definition is one deployed version of a process.
type Definition struct {
	ID         uuid.UUID `json:"id"`
	Key        string    `json:"key"`
	Version    int       `json:"version"`
	Name       string    `json:"name,omitempty"`
	Hash       string    `json:"hash"`
	DeployedAt time.Time `json:"deployedAt"`
	New        bool      `json:"new"` // this deployment created the version
}

// Deploy parses BPMN XML and deploys each executable process in it. A
// process whose XML is unchanged since its latest version keeps that version;
// changed XML makes version n+1. Running instances stay on their version.
// Anything the engine does not support is refused here, naming the element.
func (e *Engine) Deploy(ctx context.Context, who Who, xml []byte) ([]Definition, error) {
	const op = "flow.Deploy"
	if !who.Admin {
		return nil, engine.E(op, engine.KindForbidden, "only an administrator may deploy process definitions")
	}
	defs, err := bpmn.Parse(xml)
	if err != nil {
		return nil, err
	}
	var out []Definition
	err = e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		for _, p := range defs.Executable() {
			d, err := e.deployOne(ctx, tx, who, p, defs.Hash, xml)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return nil
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return out, nil
}

func (e *Engine) deployOne(ctx context.Context, tx pgx.Tx, who Who, p *bpmn.Process, hash string, xml []byte) (*Definition, error) {
	// Serialise deployments of one key so versions stay gapless and unique.
	if _, err := tx.Exec(ctx, q["LockDefinitionKey"], who.OfficeID.String(), p.ID); err != nil {
		return nil, err
	}
	var cur Definition
	err := tx.QueryRow(ctx, q["LatestDefinition"], p.ID).Scan(&cur.ID, &cur.Key, &cur.Version, &cur.Name, &cur.Hash, &cur.DeployedAt)
	switch {
	case err == nil && cur.Hash == hash:
		return &cur, nil
	case err != nil && err != pgx.ErrNoRows:
		return nil, err
	}
	d := &Definition{ID: uuid.Must(uuid.NewV7()), Key: p.ID, Version: cur.Version + 1, Name: p.Name, Hash: hash, DeployedAt: e.now(), New: true}
	var by *uuid.UUID
	if who.UserID != uuid.Nil {
		by = &who.UserID
	}
	if _, err := tx.Exec(ctx, q["InsertDefinition"], d.ID, who.OfficeID, d.Key, d.Version, d.Name, d.Hash, xml, d.DeployedAt, by); err != nil {
		return nil, err
	}
	// Timer start events get their first timer now.
	for _, s := range p.StartEvents {
		if s.Event == bpmn.EventTimer {
			r := &run{e: e, ctx: ctx, tx: tx, office: who.OfficeID, proc: p, def: d, now: e.now()}
			if err := r.scheduleStartTimer(s); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// Definitions lists the latest version of each process.
func (e *Engine) Definitions(ctx context.Context, who Who) ([]Definition, error) {
	var out []Definition
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["LatestDefinitions"])
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Definition, error) {
			var d Definition
			err := r.Scan(&d.ID, &d.Key, &d.Version, &d.Name, &d.Hash, &d.DeployedAt)
			return d, err
		})
		return err
	})
	return out, postgres.Err("flow.Definitions", err)
}

// DefinitionXML returns the deployed XML of a definition, for rendering.
func (e *Engine) DefinitionXML(ctx context.Context, who Who, id uuid.UUID) ([]byte, *Definition, error) {
	var xml []byte
	var d Definition
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, q["DefinitionByID"], id).Scan(&d.ID, &d.Key, &d.Version, &d.Name, &d.Hash, &d.DeployedAt, &xml)
		return postgres.NotFound("flow.DefinitionXML", err, "no definition %s", id)
	})
	if err != nil {
		return nil, nil, postgres.Err("flow.DefinitionXML", err)
	}
	return xml, &d, nil
}
