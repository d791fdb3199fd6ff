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
	"obieg.dev/obieg/forms/in1"
	"obieg.dev/obieg/workflows/correspondence"
	"obieg.dev/obieg/workflows/tax/rules"
)

// Declaration is a registered IN-1.
type Declaration struct {
	ID          uuid.UUID     `json:"id"`
	TaxpayerID  uuid.UUID     `json:"taxpayerId"`
	Year        int           `json:"year"`
	Kind        string        `json:"kind"`
	Corrects    *uuid.UUID    `json:"corrects,omitempty"`
	EventDate   calendar.Date `json:"eventDate"`
	CaseID      uuid.UUID     `json:"caseId"`
	Signature   string        `json:"caseSignature"`
	DocumentID  uuid.UUID     `json:"documentId"`
	InstanceID  uuid.UUID     `json:"instanceId"`
	Subjects    int           `json:"subjects"`
	Registered  time.Time     `json:"registeredAt"`
	TaxpayerAcc string        `json:"account"`
}

// categoryOf maps the form's codes to the rules' (the same categories of
// upol art. 5 ust. 1).
var categoryOf = map[in1.Category]rules.Category{
	in1.LandBusiness:        rules.CatLandBusiness,
	in1.LandWater:           rules.CatLandWater,
	in1.LandOther:           rules.CatLandOther,
	in1.BuildingResidential: rules.CatBuildingResidential,
	in1.BuildingBusiness:    rules.CatBuildingBusiness,
	in1.BuildingSeed:        rules.CatBuildingSeedTrade,
	in1.BuildingHealth:      rules.CatBuildingHealth,
	in1.BuildingOther:       rules.CatBuildingOther,
	in1.Structure:           rules.CatStructure,
}

// base is a subject's tax base in the rules' fixed point: the usable area
// of a building counts rooms 1.40–2.20 m high at 50% (upol art. 1a ust. 1
// pkt 5, art. 4 ust. 2); land in m² or ha as declared; a structure's value.
func base(s in1.Subject) (rules.Quantity, error) {
	switch s.Category.Group() {
	case in1.GroupStructure:
		return rules.Quantity(s.Value), nil
	case in1.GroupBuilding:
		if s.AreaFull+s.AreaLow > 0 {
			// hundredths of m² → ten-thousandths; the low part at half.
			return rules.Quantity(s.AreaFull*100 + s.AreaLow*50), nil
		}
		return rules.M2(s.Area), nil
	case in1.GroupLand:
		if s.Category == in1.LandWater {
			if s.Unit == in1.UnitHa {
				return rules.Quantity(s.Area), nil // ten-thousandths of ha
			}
			return rules.Quantity(s.Area / 100), nil // hundredths of m² → ten-thousandths of ha: ×100/10 000
		}
		return rules.M2(s.Area), nil
	}
	return 0, fmt.Errorf("unknown category %q", s.Category)
}

// DeclarationOptions qualify a registration.
type DeclarationOptions struct {
	// Corrects names the declaration a correction (korekta) corrects.
	Corrects *uuid.UUID
	// NoAssessment records the data without starting an assessment: the
	// decision comes with the annual batch (declarations filed for the
	// coming year, data taken over from another system).
	NoAssessment bool
}

// RegisterDeclaration registers an IN-1 (ePUAP XML or the officers' form):
// the filer becomes (or is found as) a taxpayer with a virtual account; the
// declaration, rendered as PDF with its XML, joins the taxpayer's tax case
// of the year (opened under the JRWA class of property tax when there is
// none); the objects' periods are recorded; and the assessment workflow
// starts — all in one transaction. A correction (korekta) names the
// declaration it corrects: the periods that one recorded are superseded,
// not deleted, and both stay in the metryka.
func (s *Service) RegisterDeclaration(ctx context.Context, a *registry.Actor, d *in1.Declaration, xml []byte, opt DeclarationOptions) (*Declaration, error) {
	const op = "tax.RegisterDeclaration"
	corrects := opt.Corrects
	if err := in1.Validate(d, s.today()); err != nil {
		return nil, err
	}
	if len(xml) == 0 {
		var err error
		if xml, err = in1.MarshalXML(d); err != nil {
			return nil, engine.E(op, err)
		}
	}
	if d.Circumstances.Kind == in1.KindCorrection && corrects == nil {
		return nil, engine.Invalid(op, "corrects", "a correction (korekta) names the declaration it corrects")
	}
	var pdf bytes.Buffer
	if err := in1.WritePDF(&pdf, d); err != nil {
		return nil, engine.E(op, err)
	}
	year := d.Circumstances.Date.Year
	if d.Circumstances.Event != in1.EventCeased {
		// upol art. 6 ust. 1: the obligation arises from the first day of
		// the month after the event, so a December event is taxed from
		// the next year.
		if first := (rules.Obligation{Start: &d.Circumstances.Date}).First(); first != nil {
			year = first.Year
		}
	}
	filer := registry.Party{Kind: "person", Name: strings.TrimSpace(d.Filer.FirstName + " " + d.Filer.Surname), PESEL: d.Filer.PESEL, NIP: d.Filer.NIP,
		Street: addrStreet(d.Filer.Address), PostalCode: d.Filer.Address.PostalCode, City: d.Filer.Address.City, Email: d.Filer.Email}
	out := &Declaration{ID: uuid.Must(uuid.NewV7()), Year: year, Kind: string(d.Circumstances.Kind), Corrects: corrects,
		EventDate: d.Circumstances.Date, Subjects: d.Taxed.Len(), Registered: s.now()}
	pdfFile, err := s.file(ctx, "IN-1.pdf", "application/pdf", pdf.Bytes())
	if err != nil {
		return nil, err
	}
	xmlFile, err := s.file(ctx, "IN-1.xml", "application/xml", xml)
	if err != nil {
		_ = pdfFile.Blob.Discard()
		return nil, err
	}
	err = s.reg.InTx(ctx, a, func(ctx context.Context, rt *registry.Tx) error {
		tx := rt.PG()
		if err := s.requireTaxStaff(ctx, tx, op, a); err != nil {
			return err
		}
		tp, err := s.taxpayer(ctx, rt, filer)
		if err != nil {
			return err
		}
		out.TaxpayerID, out.TaxpayerAcc = tp.ID, tp.Account
		caseID, sig, err := s.taxCase(ctx, rt, tp, year, filer.Name)
		if err != nil {
			return err
		}
		out.CaseID, out.Signature = caseID, sig
		if corrects != nil {
			var tpOf uuid.UUID
			if err := tx.QueryRow(ctx, q["DeclarationTaxpayer"], *corrects).Scan(&tpOf); err != nil || tpOf != tp.ID {
				return engine.Invalid(op, "corrects", "declaration %s is not one of %s", *corrects, filer.Name)
			}
		}
		title := "Informacja o nieruchomościach IN-1"
		if corrects != nil {
			title = "Korekta informacji o nieruchomościach IN-1"
		}
		date := d.FiledOn
		if date.IsZero() {
			date = s.today()
		}
		doc, err := rt.RegisterDocument(ctx, registry.NewDocument{CaseID: &caseID,
			Metadata: registry.Metadata{Tytul: title + " — " + filer.Name, Typ: "informacja", Data: &date, Tworca: filer.Name, Dostep: "wyłączony",
				Nadawca: filer.Name, Opis: "tajemnica skarbowa (Ordynacja podatkowa art. 293)"},
			Files: []registry.File{pdfFile, xmlFile}})
		if err != nil {
			return err
		}
		out.DocumentID = doc.ID
		body, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, q["InsertDeclaration"], out.ID, a.OfficeID, tp.ID, year, out.Kind, corrects, out.EventDate, caseID, doc.ID, body, a.UserID, out.Registered); err != nil {
			return err
		}
		if err := s.recordHoldings(ctx, tx, a, tp.ID, out, d); err != nil {
			return err
		}
		// ZIN-3: the other taxpayers (co-owners) join the register and the
		// case; each owes tax on their own share and files their own
		// information (upol art. 6 ust. 6), so no periods are recorded for
		// them from this one.
		for _, co := range d.CoOwners {
			p := registry.Party{Kind: "person", Name: strings.TrimSpace(co.FirstName + " " + co.Surname), PESEL: co.PESEL, NIP: co.NIP, Address: co.Address}
			ctp, err := s.taxpayer(ctx, rt, p)
			if err != nil {
				return err
			}
			if err := rt.LinkParty(ctx, caseID, ctp.PartyID, "współwłaściciel"); err != nil {
				return err
			}
		}
		details := map[string]string{"declaration": out.ID.String(), "event": string(d.Circumstances.Event), "eventDate": out.EventDate.String(), "subjects": fmt.Sprint(out.Subjects)}
		action := "tax.declaration_registered"
		if corrects != nil {
			action, details["corrects"], details["reason"] = "tax.declaration_corrected", corrects.String(), d.Circumstances.CorrectionReason
		}
		if err := rt.Record(ctx, caseID, action, &doc.ID, details); err != nil {
			return err
		}
		if opt.NoAssessment {
			return nil
		}
		in, err := s.flow.StartInstanceTx(ctx, tx, correspondence.WhoOf(a), ProcessAssessment, sig, map[string]any{
			"declarationId": out.ID.String(), "taxpayerId": tp.ID.String(), "year": year, "caseId": caseID.String(),
			"actorId": a.UserID.String(), "taxUnit": s.set.Unit, "approverUnit": s.set.ApproverUnit})
		if err != nil {
			return err
		}
		out.InstanceID = in.ID
		return nil
	})
	if err != nil {
		_ = pdfFile.Blob.Discard()
		_ = xmlFile.Blob.Discard()
		return nil, engine.E(op, err)
	}
	return out, nil
}

func addrStreet(a in1.Address) string {
	s := strings.TrimSpace(a.Street + " " + a.House)
	if s == "" {
		s = strings.TrimSpace(a.City + " " + a.House)
	}
	if a.Flat != "" {
		s += "/" + a.Flat
	}
	return s
}

// recordHoldings turns the subjects of a declaration into periods of
// taxation (upol art. 6 ust. 1 and 3): a first declaration or a change
// opens periods from its event; a change or a cessation ends the
// taxpayer's current periods on the event; a correction supersedes the
// periods the corrected declaration recorded and restates them.
func (s *Service) recordHoldings(ctx context.Context, tx pgx.Tx, a *registry.Actor, taxpayer uuid.UUID, decl *Declaration, d *in1.Declaration) error {
	ev := d.Circumstances.Date
	switch {
	case decl.Corrects != nil:
		var from calendar.Date
		if err := tx.QueryRow(ctx, q["DeclarationEvent"], *decl.Corrects).Scan(&from); err != nil {
			return err
		}
		ev = from // a correction restates the same circumstances
		if _, err := tx.Exec(ctx, q["SupersedeHoldingsOf"], *decl.Corrects, decl.ID); err != nil {
			return err
		}
	case d.Circumstances.Event == in1.EventChanged || d.Circumstances.Event == in1.EventCeased:
		if _, err := tx.Exec(ctx, q["EndHoldings"], taxpayer, ev); err != nil {
			return err
		}
	}
	if d.Circumstances.Event == in1.EventCeased && decl.Corrects == nil {
		return nil
	}
	// The new state runs from the month after the event (upol art. 6 ust. 1
	// and 3): the months of the periods are counted by rules.Months.
	from := ev
	all := append(append(append([]in1.Subject{}, d.Taxed.Land...), d.Taxed.Buildings...), d.Taxed.Structures...)
	for _, sub := range all {
		cat, ok := categoryOf[sub.Category]
		if !ok {
			return engine.Invalid("tax.RegisterDeclaration", "d.category", "unknown category %q", sub.Category)
		}
		b, err := base(sub)
		if err != nil {
			return err
		}
		var obj uuid.UUID
		err = tx.QueryRow(ctx, q["FindObject"], string(cat), sub.Parcel, sub.Location, sub.LandRegister, taxpayer).Scan(&obj)
		if err == pgx.ErrNoRows {
			obj = uuid.Must(uuid.NewV7())
			_, err = tx.Exec(ctx, q["InsertObject"], obj, a.OfficeID, string(cat), sub.Parcel, sub.Location, sub.LandRegister, decl.Registered)
		}
		if err != nil {
			return err
		}
		share := sub.Share
		if share.Den == 0 {
			share = in1.Whole
		}
		if _, err := tx.Exec(ctx, q["InsertHolding"], uuid.Must(uuid.NewV7()), a.OfficeID, obj, taxpayer, decl.ID, int64(b),
			share.Num, share.Den, from, false, decl.Registered); err != nil {
			return err
		}
	}
	return nil
}

// taxpayer finds the filer's taxpayer record (by PESEL or NIP of the
// party), creating the party and the taxpayer with a virtual account
// (domain-rules §9) when new.
func (s *Service) taxpayer(ctx context.Context, rt *registry.Tx, p registry.Party) (*Taxpayer, error) {
	tx := rt.PG()
	var partyID uuid.UUID
	err := tx.QueryRow(ctx, q["PartyByIdentifier"], p.PESEL, p.NIP).Scan(&partyID)
	if err == pgx.ErrNoRows {
		if partyID, err = rt.CreateParty(ctx, p); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	tp := &Taxpayer{PartyID: partyID, Name: p.Name}
	err = tx.QueryRow(ctx, q["TaxpayerByParty"], partyID).Scan(&tp.ID, &tp.Number, &tp.Account)
	if err == nil {
		return tp, nil
	}
	if err != pgx.ErrNoRows {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('tax_taxpayer_number:' || obieg_office()::text, 0))"); err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, q["NextTaxpayerNumber"]).Scan(&tp.Number); err != nil {
		return nil, err
	}
	acc, err := rules.VirtualAccount(s.set.BankRouting, s.set.AccountBase, tp.Number)
	if err != nil {
		return nil, engine.E("tax.taxpayer", "virtual account", err)
	}
	tp.ID, tp.Account = uuid.Must(uuid.NewV7()), acc
	_, err = tx.Exec(ctx, q["InsertTaxpayer"], tp.ID, rt.Actor().OfficeID, partyID, tp.Number, tp.Account, s.now())
	return tp, err
}

// taxCase is the taxpayer's property-tax case of the year: the case of an
// earlier declaration of that year, else a new one in the tax unit under
// the JRWA class of property tax of natural persons.
func (s *Service) taxCase(ctx context.Context, rt *registry.Tx, tp *Taxpayer, year int, name string) (uuid.UUID, string, error) {
	var id uuid.UUID
	var sig string
	err := rt.PG().QueryRow(ctx, q["TaxpayerCase"], tp.ID, year).Scan(&id, &sig)
	if err == nil {
		return id, sig, nil
	}
	if err != pgx.ErrNoRows {
		return uuid.Nil, "", err
	}
	c, err := rt.CreateCase(ctx, registry.NewCase{Unit: s.set.Unit, JRWA: s.set.JRWA,
		Title:   fmt.Sprintf("Wymiar podatku od nieruchomości na %d r. — %s", year, name),
		Parties: []registry.NewCaseParty{{Party: registry.Party{ID: tp.PartyID}, Role: "strona"}}})
	if err != nil {
		return uuid.Nil, "", err
	}
	return c.ID, c.Signature, nil
}
