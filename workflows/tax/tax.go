package tax

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

//go:embed assessment.bpmn delivery.bpmn
var definitions embed.FS

//go:embed queries.sql
var sqlFS embed.FS

var q = postgres.Queries(sqlFS, "queries.sql")

// Process keys.
const (
	ProcessAssessment = "tax-assessment"
	ProcessDelivery   = "tax-delivery"
)

// Signer signs a decision PDF with the authority's qualified signature
// (PAdES); adapters/sign.SignPDF behind the office's key.
type Signer func(ctx context.Context, pdf []byte) ([]byte, error)

// Settings are the office's choices for property tax.
type Settings struct {
	Unit         string // the unit keeping tax cases (default FN-P)
	ApproverUnit string // the unit whose staff approve decisions (default FN)
	JRWA         string // class of property-tax cases (default 3120)
	Authority    string // the tax authority named on decisions (default "Wójt Gminy")
	Place        string // place on decisions (default: the office's city)
	Signatory    string // name under decisions
	Position     string // position under decisions
	BankRouting  string // 8-digit routing number of the office's bank (virtual accounts)
	AccountBase  string // digits after the routing number before the payer number
	LegalBasis   []string
}

func (s *Settings) defaults() {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&s.Unit, "FN-P")
	def(&s.ApproverUnit, "FN")
	def(&s.JRWA, "3120")
	def(&s.Authority, "Wójt Gminy")
	def(&s.Signatory, "")
	def(&s.Position, "z up. Wójta\nKierownik Referatu Podatków")
	def(&s.BankRouting, "10901014")
	def(&s.AccountBase, "0000")
	if s.LegalBasis == nil {
		s.LegalBasis = []string{
			"art. 21 § 1 pkt 2, art. 207 i art. 210 ustawy z dnia 29 sierpnia 1997 r. – Ordynacja podatkowa (Dz. U. z 2025 r. poz. 111 ze zm.)",
			"art. 1a, art. 2, art. 3, art. 4, art. 5 i art. 6 ustawy z dnia 12 stycznia 1991 r. o podatkach i opłatach lokalnych (Dz. U. z 2025 r. poz. 707 ze zm.)",
			"uchwała Rady Gminy w sprawie określenia wysokości stawek podatku od nieruchomości na dany rok podatkowy",
		}
	}
}

// Options configure a Service.
type Options struct {
	Clock    func() time.Time
	Logger   *slog.Logger
	Settings Settings
	Sign     Signer // nil: decisions cannot be issued (an incident says so)
}

// Service is property tax of natural persons: dictionaries, taxpayers and
// their objects, declarations, decisions and the annual batch.
type Service struct {
	reg   *registry.Service
	flow  *flow.Engine
	blobs blob.Store
	set   Settings
	sign  Signer
	clock func() time.Time
	log   *slog.Logger
}

// New builds the service and registers its workflow handlers on fe.
func New(reg *registry.Service, fe *flow.Engine, blobs blob.Store, opt Options) *Service {
	s := &Service{reg: reg, flow: fe, blobs: blobs, set: opt.Settings, sign: opt.Sign, clock: opt.Clock, log: opt.Logger}
	s.set.defaults()
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	for name, h := range map[string]engine.Handler{
		"tax.assess":          s.assessStep,
		"tax.reject":          s.rejectStep,
		"tax.sign":            s.signStep,
		"tax.prepareDelivery": s.prepareDeliveryStep,
		"tax.instalments":     s.instalmentsStep,
	} {
		fe.Register(name, h)
	}
	return s
}

// Deploy deploys the tax workflows for an office (unchanged ones keep their
// version).
func (s *Service) Deploy(ctx context.Context, who flow.Who) ([]flow.Definition, error) {
	var out []flow.Definition
	for _, name := range []string{"delivery.bpmn", "assessment.bpmn"} {
		xml, err := definitions.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ds, err := s.flow.Deploy(ctx, who, xml)
		if err != nil {
			return nil, engine.E("tax.Deploy", fmt.Sprintf("deploying %s", name), err)
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.clock()) }
func (s *Service) now() time.Time       { return s.clock().UTC().Truncate(time.Microsecond) }

// actor is whom a workflow step acts for: the user whose action ran it,
// else the process's actorId.
func (s *Service) actor(ctx context.Context, c *engine.Call) (*registry.Actor, error) {
	id := c.ActorID
	if id == uuid.Nil {
		id, _ = uuid.Parse(str(c.Vars, "actorId"))
	}
	if id == uuid.Nil {
		return nil, engine.Errorf("tax.actor", engine.KindConflict, "step %s has no user to act for (set actorId)", c.ElementID)
	}
	return s.reg.Actor(ctx, c.OfficeID, id)
}

// decisionStep is what a step on a decision starts from: whom it acts for
// and the decision (the variable decisionId).
func (s *Service) decisionStep(ctx context.Context, c *engine.Call) (*registry.Actor, uuid.UUID, error) {
	a, err := s.actor(ctx, c)
	if err != nil {
		return nil, uuid.Nil, err
	}
	id, err := idVar(c, "decisionId")
	return a, id, err
}

func str(vars map[string]any, name string) string {
	if v, ok := vars[name]; ok && v != nil {
		return strings.TrimSpace(fmt.Sprint(v))
	}
	return ""
}

func idVar(c *engine.Call, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(str(c.Vars, name))
	if err != nil {
		return uuid.Nil, engine.Errorf("tax."+c.ElementID, engine.KindConflict, "variable %s = %q is not an id", name, str(c.Vars, name))
	}
	return id, nil
}

// requireTaxStaff: tax data is under tax secrecy (Ordynacja podatkowa art.
// 293–294): only the staff of the tax unit (heads above it included, their
// scope covers the units below), administrators and integrators.
func (s *Service) requireTaxStaff(ctx context.Context, tx pgx.Tx, op string, a *registry.Actor) error {
	if a == nil {
		return engine.Errorf(op, engine.KindUnauthenticated, "not signed in")
	}
	if a.Has(registry.RoleAdmin) || a.Has(registry.RoleIntegrator) {
		return nil
	}
	var unit uuid.UUID
	if err := tx.QueryRow(ctx, q["UnitID"], s.set.Unit).Scan(&unit); err != nil {
		return postgres.NotFound(op, err, "the office has no tax unit %s", s.set.Unit)
	}
	if slices.Contains(a.Units, unit) {
		return nil
	}
	return engine.Errorf(op, engine.KindForbidden, "tax data is under tax secrecy (Ordynacja podatkowa art. 293): only the staff of %s", s.set.Unit)
}
