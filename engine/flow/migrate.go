package flow

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// MigrateInstances moves waiting instances to another version of their
// process. Each waiting element is mapped to the element of the same id in
// the target version unless mapping names another; the mapped element must
// exist and be of the same type, or the whole migration is refused (nothing
// changes). Tasks, timers, subscriptions and external tasks follow their
// tokens. Returns how many instances moved.
func (e *Engine) MigrateInstances(ctx context.Context, who Who, instances []uuid.UUID, target uuid.UUID, mapping map[string]string) (int, error) {
	const op = "flow.MigrateInstances"
	if !who.Admin {
		return 0, engine.E(op, engine.KindForbidden, "only an administrator may migrate instances")
	}
	if len(instances) == 0 {
		return 0, engine.Invalid(op, "instanceIds", "no instances given")
	}
	n := 0
	err := e.db.Tenant(ctx, who.OfficeID, func(tx pgx.Tx) error {
		proc, def, err := e.model(ctx, tx, target)
		if err != nil {
			return engine.E(op, engine.Field("targetDefinitionId"), err)
		}
		for _, id := range instances {
			r, err := e.load(ctx, tx, who.OfficeID, id, true)
			if err != nil {
				return err
			}
			if r.in.State != StateActive {
				return engine.Errorf(op, engine.KindConflict, "instance %s is %s", id, r.in.State)
			}
			if r.def.Key != def.Key {
				return engine.Errorf(op, engine.KindInvalid, "instance %s runs %q, not %q", id, r.def.Key, def.Key)
			}
			moved := map[string]string{}
			for _, t := range r.in.T.Tokens {
				from, err := r.element(t.Element)
				if err != nil {
					return err
				}
				to := t.Element
				if m, ok := mapping[t.Element]; ok {
					to = m
				}
				el := proc.Element(to)
				if el == nil {
					return engine.Errorf(op, engine.KindInvalid, "instance %s waits at %q, which version %d lacks: map it to an element", id, t.Element, def.Version)
				}
				if el.Type != from.Type {
					return engine.Errorf(op, engine.KindInvalid, "element %q (%s) cannot become %q (%s)", from.ID, from.Type, el.ID, el.Type)
				}
				if to != t.Element {
					moved[t.Element] = to
					t.Element = to
				}
			}
			for from, to := range moved {
				for _, table := range []string{"flow_tasks", "flow_timers", "flow_subscriptions", "flow_external_tasks", "flow_incidents"} {
					if _, err := tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET element_id = $3 WHERE instance_id = $1 AND element_id = $2", table), id, from, to); err != nil {
						return err
					}
				}
			}
			r.history("instance.migrated", "", "", map[string]any{"fromVersion": r.def.Version, "toVersion": def.Version, "mapping": moved})
			r.in.DefinitionID, r.proc, r.def = target, proc, def
			if err := r.save(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, postgres.Err(op, err)
	}
	return n, nil
}
