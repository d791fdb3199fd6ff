package registry

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/storage/postgres"
)

// Case statuses.
const (
	StatusOpen      = "open"
	StatusSuspended = "suspended"
	StatusClosed    = "closed"
)

// Case is a sprawa.
type Case struct {
	ID              uuid.UUID      `json:"id"`
	Signature       string         `json:"signature"`
	UnitID          uuid.UUID      `json:"unitId"`
	Unit            string         `json:"unit"`
	JRWA            string         `json:"jrwa"`
	JRWATitle       string         `json:"jrwaTitle"`
	Category        string         `json:"archivalCategory"`
	Year            int            `json:"year"`
	N               int            `json:"n"`
	Title           string         `json:"title"`
	Status          string         `json:"status"`
	OwnerPositionID *uuid.UUID     `json:"ownerPositionId,omitempty"`
	Sender          string         `json:"sender,omitempty"`
	SenderRef       string         `json:"senderRef,omitempty"`
	SenderDate      *calendar.Date `json:"senderDate,omitempty"`
	StartedOn       calendar.Date  `json:"startedOn"`
	ClosedOn        *calendar.Date `json:"closedOn,omitempty"`
	Deadline        *calendar.Date `json:"deadline,omitempty"`
	Notes           string         `json:"notes,omitempty"`
	CreatedBy       uuid.UUID      `json:"createdBy"`
	CreatedAt       time.Time      `json:"createdAt"`
	UpdatedAt       time.Time      `json:"updatedAt"`
	Parties         []CaseParty    `json:"parties,omitempty"`
}

// Party is a strona: a person or organisation.
type Party struct {
	ID           uuid.UUID `json:"id,omitempty"`
	Kind         string    `json:"kind"` // person | organisation
	Name         string    `json:"name"`
	PESEL        string    `json:"pesel,omitempty"`
	NIP          string    `json:"nip,omitempty"`
	REGON        string    `json:"regon,omitempty"`
	Address      string    `json:"address,omitempty"`
	Email        string    `json:"email,omitempty"`
	EPUAPAddress string    `json:"epuapAddress,omitempty"`
	ADE          string    `json:"ade,omitempty"`
	// Postal address in parts, for envelopes, labels and the postal book.
	Street     string `json:"street,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	City       string `json:"city,omitempty"`
	// PreferredChannel: edoreczenia, epuap, post, in_person or email.
	PreferredChannel string `json:"preferredChannel,omitempty"`
}

// CaseParty is a party in a case with its role (strona, pełnomocnik, …).
type CaseParty struct {
	Party
	Role string `json:"role"`
}

// NewCase is what opening a case needs.
type NewCase struct {
	Unit            string // unit symbol
	JRWA            string // leaf class symbol
	Title           string
	OwnerPositionID *uuid.UUID     // position in charge; default none
	Sender          string         // "od kogo wpłynęła" in the spis spraw
	SenderRef       string         // the sender's reference
	SenderDate      *calendar.Date // the date on the sender's letter
	StartedOn       *calendar.Date // default today (KPA art. 61 §3, §3a: the day of receipt)
	Deadline        *calendar.Date // default: one month (KPA art. 35 §3)
	Notes           string
	Parties         []NewCaseParty

	item *IncomingItem // the incoming item that opens the case (OpenCaseForItem)
}

// NewCaseParty names an existing party by ID or describes a new one.
type NewCaseParty struct {
	Party
	Role string `json:"role"`
}

func scanCase(r pgx.Row) (*Case, error) {
	var c Case
	err := r.Scan(&c.ID, &c.UnitID, &c.Unit, &c.JRWA, &c.JRWATitle, &c.Category, &c.Year, &c.N, &c.Signature,
		&c.Title, &c.Status, &c.OwnerPositionID, &c.Sender, &c.SenderRef, &c.SenderDate, &c.StartedOn, &c.ClosedOn,
		&c.Deadline, &c.Notes, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	return &c, err
}

func getCase(ctx context.Context, tx pgx.Tx, query string, id uuid.UUID) (*Case, error) {
	c, err := scanCase(tx.QueryRow(ctx, query, id))
	if err != nil {
		return nil, postgres.NotFound("registry.case", err, "no such case, or not visible to you")
	}
	return c, nil
}

// Signature formats a znak sprawy: UNIT.JRWA.N.YYYY (instrukcja
// kancelaryjna, Dz.U. 2011 nr 14 poz. 67, § 6).
func Signature(unit, jrwa string, n, year int) string {
	return fmt.Sprintf("%s.%s.%d.%d", unit, jrwa, n, year)
}

// CreateCase opens a case. Its number in the spis spraw for (unit, JRWA
// class, year) is taken in the same transaction as the case row and its
// first metryka entry, so numbers have no gaps and no duplicates.
func (s *Service) CreateCase(ctx context.Context, a *Actor, in NewCase) (*Case, error) {
	const op = "registry.CreateCase"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var c *Case
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		c, err = s.createCase(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return c, nil
}

// checkNewCase validates and normalises what a case is opened with.
func checkNewCase(op string, in *NewCase) error {
	in.Unit, in.JRWA, in.Title = trim(in.Unit), trim(in.JRWA), trim(in.Title)
	switch {
	case in.Unit == "":
		return engine.Invalid(op, "unit", "unit is required")
	case in.JRWA == "":
		return engine.Invalid(op, "jrwa", "JRWA class is required")
	case in.Title == "":
		return engine.Invalid(op, "title", "title is required")
	case len(in.Title) > 1000:
		return engine.Invalid(op, "title", "title is longer than 1000 characters")
	}
	for i, p := range in.Parties {
		if p.ID == uuid.Nil {
			if err := validateParty(&in.Parties[i].Party); err != nil {
				return engine.E(op, engine.Field(fmt.Sprintf("parties[%d].%s", i, engine.FieldOf(err))), err)
			}
		}
	}
	return nil
}

// createCase writes a case in tx: the number, the row, the first metryka
// entries and the parties (CreateCase and Tx.CreateCase).
func (s *Service) createCase(ctx context.Context, tx pgx.Tx, a *Actor, in NewCase) (*Case, error) {
	const op = "registry.CreateCase"
	if err := checkNewCase(op, &in); err != nil {
		return nil, err
	}
	started := s.today()
	if in.StartedOn != nil {
		started = *in.StartedOn
	}
	deadline := in.Deadline
	if deadline == nil {
		// KPA art. 35 §3: a matter needing investigation within one month;
		// art. 57 §3–4 for the month arithmetic and the move off holidays.
		d := s.cal.DeadlineMonths(started, 1)
		deadline = &d
	}
	now := s.now()
	c := &Case{ID: newID(), Title: in.Title, Status: StatusOpen, OwnerPositionID: in.OwnerPositionID,
		Sender: trim(in.Sender), SenderRef: trim(in.SenderRef), SenderDate: in.SenderDate, StartedOn: started,
		Deadline: deadline, Notes: trim(in.Notes), CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now, Year: started.Year}
	err := func() error {
		u, err := unitBySymbol(ctx, tx, in.Unit)
		if err != nil {
			return engine.E(op, engine.Field("unit"), err)
		}
		if !a.canCreateCaseIn(u.ID) {
			return forbidden(op, fmt.Sprintf("you may not open cases in unit %s", u.Symbol))
		}
		var classID uuid.UUID
		var leaf bool
		var version string
		err = tx.QueryRow(ctx, q["JRWAClassForDate"], in.JRWA, started).
			Scan(&classID, &c.JRWA, &c.JRWATitle, &c.Category, new(string), &leaf, &version)
		if err != nil {
			return engine.E(op, engine.Field("jrwa"), postgres.NotFound(op, err, "no JRWA class %q in force on %s", in.JRWA, started))
		}
		if !leaf {
			return engine.Invalid(op, "jrwa", "JRWA class %s (%s) is not a leaf class: cases are kept only in leaf classes", c.JRWA, c.JRWATitle)
		}
		if c.OwnerPositionID != nil {
			var unit uuid.UUID
			if err := tx.QueryRow(ctx, "SELECT unit_id FROM positions WHERE id = $1", *c.OwnerPositionID).Scan(&unit); err != nil {
				return engine.E(op, engine.Field("ownerPositionId"), postgres.NotFound(op, err, "no such position"))
			}
		}
		c.UnitID, c.Unit = u.ID, u.Symbol
		// New parties are written before the number is taken: the counter
		// row stays locked until commit, so keep the work after it short.
		type resolved struct {
			id         uuid.UUID
			name, role string
		}
		parties := make([]resolved, len(in.Parties))
		for i, p := range in.Parties {
			id, name, err := s.resolveParty(ctx, tx, a, p)
			if err != nil {
				return engine.E(op, engine.Field(fmt.Sprintf("parties[%d]", i)), err)
			}
			parties[i] = resolved{id, name, p.Role}
		}
		if err := tx.QueryRow(ctx, q["NextCaseNumber"], a.OfficeID, u.ID, c.JRWA, c.Year).Scan(&c.N); err != nil {
			return err
		}
		c.Signature = Signature(c.Unit, c.JRWA, c.N, c.Year)
		if _, err := tx.Exec(ctx, q["InsertCase"], c.ID, a.OfficeID, c.UnitID, classID, c.JRWA, c.Year, c.N, c.Signature,
			c.Title, c.OwnerPositionID, c.Sender, c.SenderRef, c.SenderDate, c.StartedOn, c.Deadline, c.Notes, a.UserID, now); err != nil {
			return err
		}
		if err := s.appendMetryka(ctx, tx, a, c, ActionCaseCreated, nil, map[string]string{
			"signature": c.Signature, "title": c.Title, "jrwaVersion": version,
		}); err != nil {
			return err
		}
		for _, p := range parties {
			if err := s.linkParty(ctx, tx, a, c, p.id, p.name, p.role); err != nil {
				return err
			}
		}
		if in.item != nil {
			return s.attachItem(ctx, tx, a, c, in.item)
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return c, nil
}

func validateParty(p *Party) error {
	const op = "registry.Party"
	p.Name, p.Kind = trim(p.Name), trim(p.Kind)
	if p.Kind == "" {
		p.Kind = "person"
	}
	if p.Kind != "person" && p.Kind != "organisation" {
		return engine.Invalid(op, "kind", "party kind must be person or organisation")
	}
	if p.Name == "" {
		return engine.Invalid(op, "name", "party name is required")
	}
	if p.PESEL != "" && !ValidPESEL(p.PESEL) {
		return engine.Invalid(op, "pesel", "PESEL %q is not valid", p.PESEL)
	}
	if p.NIP != "" && !ValidNIP(p.NIP) {
		return engine.Invalid(op, "nip", "NIP %q is not valid", p.NIP)
	}
	if p.REGON != "" && !ValidREGON(p.REGON) {
		return engine.Invalid(op, "regon", "REGON %q is not valid", p.REGON)
	}
	if p.PostalCode != "" && !postalCodeRe.MatchString(p.PostalCode) {
		return engine.Invalid(op, "postalCode", "postal code %q is not NN-NNN", p.PostalCode)
	}
	switch p.PreferredChannel {
	case "", "edoreczenia", "epuap", "post", "in_person", "email":
	default:
		return engine.Invalid(op, "preferredChannel", "preferred channel must be edoreczenia, epuap, post, in_person or email")
	}
	return nil
}

// resolveParty writes a new party (ID unset) or checks an existing one is
// there (ID set), and returns its ID and name.
func (s *Service) resolveParty(ctx context.Context, tx pgx.Tx, a *Actor, p NewCaseParty) (uuid.UUID, string, error) {
	if p.ID == uuid.Nil {
		id := newID()
		_, err := tx.Exec(ctx, q["InsertParty"], id, a.OfficeID, p.Kind, p.Name, p.PESEL, p.NIP, p.REGON,
			trim(p.Address), trim(p.Email), trim(p.EPUAPAddress), trim(p.ADE), s.now(),
			trim(p.Street), trim(p.PostalCode), trim(p.City), p.PreferredChannel)
		return id, p.Name, err
	}
	var name string
	if err := tx.QueryRow(ctx, q["PartyExists"], p.ID).Scan(&name); err != nil {
		return uuid.Nil, "", postgres.NotFound("registry.resolveParty", err, "no party %s", p.ID)
	}
	return p.ID, name, nil
}

// linkParty makes a party a party to the case, with a metryka entry.
func (s *Service) linkParty(ctx context.Context, tx pgx.Tx, a *Actor, c *Case, id uuid.UUID, name, role string) error {
	if role = trim(role); role == "" {
		role = "strona"
	}
	if _, err := tx.Exec(ctx, q["AddCaseParty"], a.OfficeID, c.ID, id, role); err != nil {
		return err
	}
	return s.appendMetryka(ctx, tx, a, c, ActionPartyAdded, nil, map[string]string{"party": id.String(), "name": name, "role": role})
}

// Case returns a case with its parties.
func (s *Service) Case(ctx context.Context, a *Actor, id uuid.UUID) (*Case, error) {
	const op = "registry.Case"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var c *Case
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		if c, err = getCase(ctx, tx, q["GetCase"], id); err != nil {
			return err
		}
		if !a.canRead(c) {
			return notVisible(op)
		}
		rows, _ := tx.Query(ctx, q["CaseParties"], id)
		c.Parties, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CaseParty, error) {
			var p CaseParty
			err := r.Scan(&p.ID, &p.Kind, &p.Name, &p.PESEL, &p.NIP, &p.REGON, &p.Address, &p.Email, &p.EPUAPAddress, &p.ADE,
				&p.Street, &p.PostalCode, &p.City, &p.PreferredChannel, &p.Role)
			return p, err
		})
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return c, nil
}

// CaseFilter selects cases; zero fields match anything.
type CaseFilter struct {
	Unit   string
	JRWA   string
	Year   int
	Status string
	Party  string // name fragment, PESEL or NIP
	Text   string // fragment of the title, signature or sender
	Cursor string // from the previous page
	Limit  int    // default 50, at most 500
}

// CasePage is one page of cases; Next is empty on the last page.
type CasePage struct {
	Cases []*Case `json:"cases"`
	Next  string  `json:"next,omitempty"`
}

// Cases lists the cases visible to a, newest first.
func (s *Service) Cases(ctx context.Context, a *Actor, f CaseFilter) (*CasePage, error) {
	const op = "registry.Cases"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		return nil, engine.Invalid(op, "limit", "limit is at most 500")
	}
	if f.Status != "" && f.Status != StatusOpen && f.Status != StatusSuspended && f.Status != StatusClosed {
		return nil, engine.Invalid(op, "status", "status must be open, suspended or closed")
	}
	var curAt *time.Time
	var curID *uuid.UUID
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, engine.Invalid(op, "cursor", "cursor is not valid")
		}
		curAt, curID = &at, &id
	}
	opt := func(v string) *string {
		if v = trim(v); v == "" {
			return nil
		}
		return &v
	}
	var year *int
	if f.Year != 0 {
		year = &f.Year
	}
	page := &CasePage{}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["ListCases"], opt(f.Unit), opt(f.JRWA), year, opt(f.Status), opt(f.Party), opt(f.Text),
			curAt, curID, a.seesAll(), a.Units, a.positionIDs(), f.Limit+1)
		var err error
		page.Cases, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Case, error) { return scanCase(r) })
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	if len(page.Cases) > f.Limit {
		page.Cases = page.Cases[:f.Limit]
		last := page.Cases[f.Limit-1]
		page.Next = encodeCursor(last.CreatedAt, last.ID)
	}
	return page, nil
}

func encodeCursor(at time.Time, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "|" + id.String()))
}

func decodeCursor(s string) (time.Time, uuid.UUID, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	ts, idStr, ok := strings.Cut(string(b), "|")
	if !ok {
		return time.Time{}, uuid.Nil, fmt.Errorf("malformed cursor")
	}
	us, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	id, err := uuid.Parse(idStr)
	return time.UnixMicro(us).UTC(), id, err
}

// SuspendCase suspends a case (KPA art. 97–103). The time of suspension does
// not count towards the deadline (KPA art. 35 §5).
func (s *Service) SuspendCase(ctx context.Context, a *Actor, id uuid.UUID, reason string) (*Case, error) {
	return s.changeStatus(ctx, a, id, "registry.SuspendCase", StatusOpen, StatusSuspended, ActionCaseSuspended, reason)
}

// ResumeCase resumes a suspended case.
func (s *Service) ResumeCase(ctx context.Context, a *Actor, id uuid.UUID, reason string) (*Case, error) {
	return s.changeStatus(ctx, a, id, "registry.ResumeCase", StatusSuspended, StatusOpen, ActionCaseResumed, reason)
}

// CloseCase closes an open or suspended case; the closing date goes into the
// spis spraw and starts the archival retention period.
func (s *Service) CloseCase(ctx context.Context, a *Actor, id uuid.UUID, reason string) (*Case, error) {
	return s.changeStatus(ctx, a, id, "registry.CloseCase", "", StatusClosed, ActionCaseClosed, reason)
}

func (s *Service) changeStatus(ctx context.Context, a *Actor, id uuid.UUID, op, from, to, action, reason string) (*Case, error) {
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var c *Case
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		if c, err = getCase(ctx, tx, q["LockCase"], id); err != nil {
			return err
		}
		if !a.canRead(c) {
			return notVisible(op)
		}
		if !a.canWork(c) {
			return forbidden(op, "you may not change this case")
		}
		if (from != "" && c.Status != from) || (from == "" && c.Status == to) {
			return engine.E(op, engine.KindConflict, fmt.Sprintf("case %s is %s", c.Signature, c.Status))
		}
		c.Status, c.UpdatedAt = to, s.now()
		if to == StatusClosed {
			d := s.today()
			c.ClosedOn = &d
		}
		if _, err := tx.Exec(ctx, q["SetCaseStatus"], c.ID, c.Status, c.ClosedOn, c.UpdatedAt); err != nil {
			return err
		}
		details := map[string]string{"status": to}
		if r := trim(reason); r != "" {
			details["reason"] = r
		}
		return s.appendMetryka(ctx, tx, a, c, action, nil, details)
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return c, nil
}

// SpisRow is one line of the spis spraw (instrukcja kancelaryjna, załącznik
// 3): ordinal, title, from whom, sender's reference and date, started, closed, notes.
type SpisRow struct {
	N          int            `json:"lp"`
	Signature  string         `json:"signature"`
	Title      string         `json:"title"`
	Sender     string         `json:"sender"`
	SenderRef  string         `json:"senderRef"`
	SenderDate *calendar.Date `json:"senderDate,omitempty"`
	StartedOn  calendar.Date  `json:"startedOn"`
	ClosedOn   *calendar.Date `json:"closedOn,omitempty"`
	Notes      string         `json:"notes"`
	Status     string         `json:"status"`
}

// Spis returns the spis spraw for a unit, JRWA class and year.
func (s *Service) Spis(ctx context.Context, a *Actor, unit, jrwa string, year int) ([]SpisRow, error) {
	const op = "registry.Spis"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if trim(unit) == "" {
		return nil, engine.Invalid(op, "unit", "unit is required")
	}
	if trim(jrwa) == "" {
		return nil, engine.Invalid(op, "jrwa", "JRWA class is required")
	}
	if year < 1990 || year > 2200 {
		return nil, engine.Invalid(op, "year", "year is required")
	}
	var out []SpisRow
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		u, err := unitBySymbol(ctx, tx, trim(unit))
		if err != nil {
			return engine.E(op, engine.Field("unit"), err)
		}
		if !a.seesAll() && !a.inUnit(u.ID) {
			return forbidden(op, fmt.Sprintf("you may not see the cases of unit %s", u.Symbol))
		}
		rows, _ := tx.Query(ctx, q["SpisSpraw"], u.Symbol, trim(jrwa), year)
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SpisRow, error) {
			var s SpisRow
			err := r.Scan(&s.N, &s.Signature, &s.Title, &s.Sender, &s.SenderRef, &s.SenderDate, &s.StartedOn, &s.ClosedOn, &s.Notes, &s.Status)
			return s, err
		})
		return err
	})
	return out, postgres.Err(op, err)
}
