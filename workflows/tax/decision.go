package tax

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
	"obieg.dev/obieg/workflows/tax/rules"
)

// Taxpayer is a person in the taxpayer register.
type Taxpayer struct {
	ID      uuid.UUID `json:"id"`
	PartyID uuid.UUID `json:"partyId"`
	Number  int64     `json:"number"`
	Account string    `json:"account"` // the individual (virtual) account, NRB
	Name    string    `json:"name"`
	PESEL   string    `json:"pesel,omitempty"`
	Address []string  `json:"address"`
}

func loadTaxpayer(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*Taxpayer, error) {
	return scanTaxpayer(tx.QueryRow(ctx, q["Taxpayer"], id))
}

func scanTaxpayer(r pgx.Row) (*Taxpayer, error) {
	var t Taxpayer
	var street, postal, city, addr string
	if err := r.Scan(&t.ID, &t.PartyID, &t.Number, &t.Account, &t.Name, &t.PESEL, &street, &postal, &city, &addr); err != nil {
		return nil, err
	}
	switch {
	case street != "" || city != "":
		t.Address = []string{street, strings.TrimSpace(postal + " " + city)}
	case addr != "":
		t.Address = strings.Split(addr, "\n")
	}
	return &t, nil
}

// render writes the decision as PDF (forms.WriteDecisionPDF): the lines,
// the total in figures and words, the statutory instalment dates (the
// dates the delivery moves under art. 47 §2 are fixed when it is known and
// the decision says so), the taxpayer's account and the appeal instruction.
func (s *Service) render(ctx context.Context, tx pgx.Tx, a *registry.Actor, d *Decision, tp *Taxpayer, office *registry.Office, date calendar.Date) ([]byte, error) {
	days, err := instalmentDays(ctx, tx, d.Year)
	if err != nil {
		return nil, err
	}
	// Statutory dates as moved by art. 12 §5, for a decision delivered in time.
	sched := rules.InstalmentsOn(days, rules.Grosze(d.Total), calendar.NewDate(d.Year-1, time.January, 1), rules.AtOnceLimit)
	fd := forms.Decision{
		OfficeName: s.set.Authority + " " + strings.TrimPrefix(office.Name, "Urząd Gminy "), OfficeAddress: office.Address,
		Place: s.place(office), Date: date, CaseSignature: d.CaseSignature, Year: d.Year,
		Addressee:  forms.Address{Name: tp.Name, Lines: tp.Address},
		LegalBasis: s.set.LegalBasis, Total: rules.Grosze(d.Total).String(), TotalWords: forms.ZlotyWords(d.Total / 100),
		Account:   tp.Account,
		Signatory: forms.Signatory{Name: s.set.Signatory, Position: s.set.Position},
	}
	if fd.Signatory.Name == "" {
		fd.Signatory.Name = a.Name
	}
	for _, l := range d.Lines {
		label := l.Label
		if l.Place != "" {
			label += " – " + l.Place
		}
		if l.Share != "1/1" {
			label += " (udział " + l.Share + ")"
		}
		fd.Lines = append(fd.Lines, forms.DecisionLine{Label: label, Base: l.BaseText, Rate: l.Rate, Months: l.Months, Amount: rules.Grosze(l.Amount).String()})
	}
	for _, i := range sched {
		fd.Instalments = append(fd.Instalments, forms.Instalment{No: i.No, Due: i.Due, Amount: i.Amount.String()})
	}
	var just strings.Builder
	fmt.Fprintf(&just, "Na podstawie złożonej informacji o nieruchomościach i obiektach budowlanych (IN-1) ustalono podstawę opodatkowania i podatek według stawek obowiązujących w %d r., zgodnie z zestawieniem powyżej. ", d.Year)
	just.WriteString("Kwotę podatku zaokrąglono do pełnych złotych zgodnie z art. 63 § 1 Ordynacji podatkowej.\n")
	if d.Total <= int64(rules.AtOnceLimit) {
		just.WriteString("Podatek nie przekracza 100 zł, dlatego jest płatny jednorazowo w terminie płatności pierwszej raty (art. 6 ust. 7 ustawy o podatkach i opłatach lokalnych).\n")
	}
	just.WriteString("Jeżeli decyzja zostanie doręczona później niż 14 dni przed terminem płatności raty, rata ta jest płatna w terminie 14 dni od dnia doręczenia decyzji (art. 47 § 2 Ordynacji podatkowej).")
	if d.Replaces != nil {
		just.WriteString("\nNiniejsza decyzja zmienia decyzję wydaną wcześniej w tej sprawie, w związku ze złożeniem korekty informacji (art. 81 § 2 Ordynacji podatkowej).")
	}
	fd.Justification = just.String()
	var out bytes.Buffer
	if err := forms.WriteDecisionPDF(&out, fd); err != nil {
		return nil, engine.E("tax.render", err)
	}
	return out.Bytes(), nil
}

func (s *Service) place(o *registry.Office) string {
	if s.set.Place != "" {
		return s.set.Place
	}
	lines := strings.Split(strings.TrimSpace(o.Address), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if i := strings.IndexByte(last, ' '); i > 0 && len(last) > 6 && last[2] == '-' {
		return strings.TrimSpace(last[i+1:])
	}
	return strings.TrimPrefix(o.Name, "Urząd Gminy ")
}

// issue renders, signs and registers a draft decision in tx and marks it
// signed. The PDF is signed with the authority's qualified signature
// (PAdES) before it is registered: the registered document is the signed
// decision.
func (s *Service) issue(ctx context.Context, rt *registry.Tx, d *Decision, office *registry.Office) error {
	const op = "tax.issue"
	if s.sign == nil {
		return engine.Errorf(op, engine.KindUnavailable, "no signing key is configured for decisions (OBIEG_SIGN_CERT): a decision is issued only signed")
	}
	tx := rt.PG()
	tp, err := loadTaxpayer(ctx, tx, d.TaxpayerID)
	if err != nil {
		return err
	}
	date := s.today()
	pdf, err := s.render(ctx, tx, rt.Actor(), d, tp, office, date)
	if err != nil {
		return err
	}
	signed, err := s.sign(ctx, pdf)
	if err != nil {
		return engine.E(op, "signing the decision", err)
	}
	f, err := s.file(ctx, fmt.Sprintf("decyzja-%d.pdf", d.Year), "application/pdf", signed)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Decyzja w sprawie ustalenia wysokości podatku od nieruchomości na %d r. — %s", d.Year, tp.Name)
	if d.Replaces != nil {
		title = fmt.Sprintf("Decyzja zmieniająca wysokość podatku od nieruchomości na %d r. — %s", d.Year, tp.Name)
	}
	rel := []registry.Relation(nil)
	if d.Replaces != nil {
		var prevDoc *uuid.UUID
		if err := tx.QueryRow(ctx, "SELECT document_id FROM tax_decisions WHERE id = $1", *d.Replaces).Scan(&prevDoc); err == nil && prevDoc != nil {
			rel = []registry.Relation{{To: *prevDoc, Kind: registry.RelVersionOf}}
		}
	}
	doc, err := rt.RegisterDocument(ctx, registry.NewDocument{CaseID: &d.CaseID, Relations: rel,
		Metadata: registry.Metadata{Tytul: title, Typ: "decyzja", Data: &date, TypDaty: "podpisany", Tworca: office.Name, Dostep: "wyłączony",
			Odbiorca: tp.Name, Opis: "tajemnica skarbowa (Ordynacja podatkowa art. 293)"},
		Files: []registry.File{f}})
	if err != nil {
		_ = f.Blob.Discard()
		return err
	}
	if _, err := tx.Exec(ctx, q["SignDecision"], d.ID, doc.ID, s.now()); err != nil {
		return err
	}
	d.Status, d.DocumentID = "signed", &doc.ID
	return rt.Record(ctx, d.CaseID, "tax.decision_signed", &doc.ID, map[string]string{"decision": d.ID.String(), "total": rules.Grosze(d.Total).String()})
}

// signStep (tax.sign): the approved draft becomes the signed decision.
func (s *Service) signStep(ctx context.Context, c *engine.Call) error {
	a, id, err := s.decisionStep(ctx, c)
	if err != nil {
		return err
	}
	office, err := s.reg.OfficeOf(ctx, a)
	if err != nil {
		return err
	}
	return s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		if _, err := rt.PG().Exec(ctx, q["LockDecision"], id); err != nil {
			return err
		}
		d, err := scanDecision(rt.PG().QueryRow(ctx, q["Decision"], id))
		if err != nil {
			return err
		}
		switch d.Status {
		case "signed", "delivered":
			return nil // an earlier run signed it
		case "draft":
		default:
			return engine.Errorf("tax.sign", engine.KindConflict, "decision %s is %s", id, d.Status)
		}
		if err := rt.Record(ctx, d.CaseID, "tax.draft_approved", nil, map[string]string{"decision": id.String(), "by": a.Name}); err != nil {
			return err
		}
		return s.issue(ctx, rt, d, office)
	})
}

// prepareDeliveryStep (tax.prepareDelivery): the variables the dispatch
// needs — the case, the signed document and the taxpayer as recipient.
func (s *Service) prepareDeliveryStep(ctx context.Context, c *engine.Call) error {
	a, id, err := s.decisionStep(ctx, c)
	if err != nil {
		return err
	}
	return s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		d, err := scanDecision(rt.PG().QueryRow(ctx, q["Decision"], id))
		if err != nil {
			return err
		}
		if d.DocumentID == nil {
			return engine.Errorf("tax.prepareDelivery", engine.KindConflict, "decision %s is not signed", id)
		}
		tp, err := loadTaxpayer(ctx, rt.PG(), d.TaxpayerID)
		if err != nil {
			return err
		}
		c.Set("caseId", d.CaseID.String())
		c.Set("documentId", d.DocumentID.String())
		c.Set("recipientPartyId", tp.PartyID.String())
		return nil
	})
}

// instalmentsStep (tax.instalments): the dispatch gave the delivery date;
// the tax obligation arises on it (Ordynacja podatkowa art. 21 §1 pkt 2)
// and the instalments are fixed: statutory dates moved off Saturdays and
// holidays (art. 12 §5), an instalment due less than 14 days after
// delivery moved to the 14th day (art. 47 §2), ≤ 100 zł at once (upol art.
// 6 ust. 7).
func (s *Service) instalmentsStep(ctx context.Context, c *engine.Call) error {
	a, id, err := s.decisionStep(ctx, c)
	if err != nil {
		return err
	}
	delivered, err := calendar.ParseDate(str(c.Vars, "deliveredOn"))
	if err != nil {
		return engine.Errorf("tax.instalments", engine.KindConflict, "the dispatch gave no delivery date (deliveredOn = %q)", str(c.Vars, "deliveredOn"))
	}
	var inst []Instalment
	err = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		var status string
		if err := tx.QueryRow(ctx, q["LockDecision"], id).Scan(&status); err != nil {
			return err
		}
		d, err := scanDecision(tx.QueryRow(ctx, q["Decision"], id))
		if err != nil {
			return err
		}
		if status == "delivered" {
			inst = d.Instalments
			return nil // an earlier run fixed them
		}
		days, err := instalmentDays(ctx, tx, d.Year)
		if err != nil {
			return err
		}
		for _, i := range rules.InstalmentsOn(days, rules.Grosze(d.Total), delivered, rules.AtOnceLimit) {
			inst = append(inst, Instalment{No: i.No, Due: i.Due, Amount: int64(i.Amount)})
		}
		body, err := json.Marshal(inst)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, q["DeliverDecision"], id, delivered, body, s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return engine.Errorf("tax.instalments", engine.KindConflict, "decision %s is %s, not signed", id, status)
		}
		details := map[string]string{"decision": id.String(), "deliveredOn": delivered.String()}
		for _, i := range inst {
			details[fmt.Sprintf("rata%d", i.No)] = fmt.Sprintf("%s do %s", rules.Grosze(i.Amount), i.Due)
		}
		return rt.Record(ctx, d.CaseID, "tax.instalments_fixed", d.DocumentID, details)
	})
	if err != nil {
		return err
	}
	sched := make([]any, len(inst))
	for i, x := range inst {
		sched[i] = map[string]any{"no": x.No, "due": x.Due.String(), "amount": x.Amount}
	}
	c.Set("instalments", sched)
	return nil
}

// Decision returns a decision.
func (s *Service) Decision(ctx context.Context, a *registry.Actor, id uuid.UUID) (*Decision, error) {
	const op = "tax.Decision"
	var d *Decision
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		if err := s.requireTaxStaff(ctx, rt.PG(), op, a); err != nil {
			return err
		}
		var err error
		d, err = scanDecision(rt.PG().QueryRow(ctx, q["Decision"], id))
		if err == pgx.ErrNoRows {
			return engine.Errorf(op, engine.KindNotFound, "no decision %s", id)
		}
		return err
	})
	return d, err
}

// Decisions lists decisions of a taxpayer (nil: all) and year (0: all).
func (s *Service) Decisions(ctx context.Context, a *registry.Actor, taxpayer *uuid.UUID, year int) ([]*Decision, error) {
	const op = "tax.Decisions"
	var out []*Decision
	err := s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		if err := s.requireTaxStaff(ctx, rt.PG(), op, a); err != nil {
			return err
		}
		rows, err := rt.PG().Query(ctx, q["DecisionsOf"], taxpayer, year)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDecision(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// file stages data as a registry file.
func (s *Service) file(ctx context.Context, name, mediaType string, data []byte) (registry.File, error) {
	return registry.StageFile(ctx, s.blobs, name, mediaType, data, int64(len(data))+1)
}
