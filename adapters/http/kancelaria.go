package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

// incomingMetadata is the metadata part of an incoming registration.
type incomingMetadata struct {
	Channel        string                `json:"channel"`
	Kind           string                `json:"kind"`
	ReceivedAt     *time.Time            `json:"receivedAt"`
	Sender         registry.NewCaseParty `json:"sender"`
	SenderRef      string                `json:"senderRef"`
	SenderDate     *calendar.Date        `json:"senderDate"`
	Subject        string                `json:"subject"`
	Attachments    int                   `json:"attachments"`
	ExternalID     string                `json:"externalId"`
	Notes          string                `json:"notes"`
	AllowDuplicate bool                  `json:"allowDuplicate"`
}

func (s *Server) registerIncoming(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	u, err := s.readUpload(r, true)
	if err != nil {
		return err
	}
	defer u.discard()
	var md incomingMetadata
	if err := unmarshalStrict("web.registerIncoming", "metadata.", u.metadata, &md); err != nil {
		return err
	}
	item, err := s.reg.RegisterIncoming(r.Context(), a, registry.NewIncoming{Channel: md.Channel, Kind: md.Kind, ReceivedAt: md.ReceivedAt,
		Sender: md.Sender, SenderRef: md.SenderRef, SenderDate: md.SenderDate, Subject: md.Subject, Attachments: md.Attachments,
		ExternalID: md.ExternalID, Notes: md.Notes, Files: u.files, AllowDuplicate: md.AllowDuplicate})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if item.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/incoming/"+item.ID.String())
	writeJSON(w, status, item)
	return nil
}

func dateParam(r *http.Request, name string) (*calendar.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return nil, engine.Invalid("web.dateParam", name, "%s must be a date YYYY-MM-DD", name)
	}
	return &d, nil
}

func (s *Server) incomingRegister(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	from, err := dateParam(r, "from")
	if err != nil {
		return err
	}
	to, err := dateParam(r, "to")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := s.reg.IncomingRegister(r.Context(), a, registry.IncomingFilter{From: from, To: to, Channel: q.Get("channel"), Unit: q.Get("unit"), Status: q.Get("status")})
	if err != nil {
		return err
	}
	header := []string{"Nr RPW", "Data wpływu", "Kanał", "Rodzaj", "Nadawca", "Znak pisma", "Data pisma", "Treść (dotyczy)", "Załączniki", "Komórka", "Znak sprawy", "Status", "Uwagi"}
	rows := make([][]string, len(items))
	for i, it := range items {
		rows[i] = []string{it.RPW, it.ReceivedOn.String(), it.Channel, it.Kind, it.SenderName, it.SenderRef, dateString(it.SenderDate),
			it.Subject, strconv.Itoa(it.Attachments), it.Unit, it.CaseSignature, it.Status, it.Notes}
	}
	return s.renderRegister(w, r, "rejestr-przesylek-wplywajacych", "Rejestr przesyłek wpływających", header, rows, map[string]any{"items": nonNil(items)})
}

// renderRegister writes a register as JSON (default), CSV or PDF.
func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, file, title string, header []string, rows [][]string, asJSON any) error {
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, asJSON)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, file))
		cw := csv.NewWriter(w)
		_ = cw.Write(header)
		_ = cw.WriteAll(rows)
	case "pdf":
		return s.registerPDF(w, r, file, title, header, rows)
	default:
		return engine.Invalid("web.register", "format", "format must be json, csv or pdf")
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) getIncoming(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	item, err := s.reg.Incoming(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, item)
	return nil
}

func (s *Server) assignIncoming(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Unit        string         `json:"unit"`
		PositionID  *uuid.UUID     `json:"positionId"`
		Instruction string         `json:"instruction"`
		Deadline    *calendar.Date `json:"deadline"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	x, err := s.reg.Assign(r.Context(), a, id, registry.AssignTo(req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) acceptAssignment(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return idAction(w, r, func(id uuid.UUID) error { return s.reg.AcceptAssignment(r.Context(), a, id) })
}

func (s *Server) returnAssignment(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req reasonRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.reg.ReturnAssignment(r.Context(), a, id, req.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) openCaseForItem(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req createCaseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.reg.OpenCaseForItem(r.Context(), a, id, req.newCase())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID.String())
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) attachIncoming(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, caseID, err := pathAndBodyID(r, "caseId")
	if err != nil {
		return err
	}
	if err := s.reg.AttachItem(r.Context(), a, id, caseID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) registerOutgoing(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		CaseID            *uuid.UUID            `json:"caseId"`
		DocumentID        *uuid.UUID            `json:"documentId"`
		Recipient         registry.NewCaseParty `json:"recipient"`
		Channel           string                `json:"channel"`
		Address           string                `json:"address"`
		ElectronicAddress string                `json:"electronicAddress"`
		Postage           int                   `json:"postage"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	o, err := s.reg.RegisterOutgoing(r.Context(), a, registry.NewOutgoing{CaseID: req.CaseID, DocumentID: req.DocumentID,
		Recipient: req.Recipient, Channel: req.Channel, Address: req.Address, ElectronicAddress: req.ElectronicAddress, Postage: req.Postage})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) outgoingRegister(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	from, err := dateParam(r, "from")
	if err != nil {
		return err
	}
	to, err := dateParam(r, "to")
	if err != nil {
		return err
	}
	items, err := s.reg.OutgoingRegister(r.Context(), a, registry.OutgoingFilter{From: from, To: to, Channel: r.URL.Query().Get("channel")})
	if err != nil {
		return err
	}
	header := []string{"Nr", "Data rejestracji", "Data wysłania", "Adresat", "Adres", "Adres elektroniczny", "Znak sprawy", "Sposób wysłania", "Opłata", "Nr nadawczy", "Data doręczenia", "Podstawa", "Termin odwołania"}
	rows := make([][]string, len(items))
	for i, o := range items {
		rows[i] = []string{o.Number, o.RegisteredOn.String(), dateString(o.SentOn), o.RecipientName, o.Address, o.ElectronicAddress,
			o.CaseSignature, o.Channel, zl(o.Postage), o.TrackingNumber, dateString(o.DeliveredOn), o.DeliveryBasis, dateString(o.AppealDeadline)}
	}
	return s.renderRegister(w, r, "rejestr-przesylek-wychodzacych", "Rejestr przesyłek wychodzących", header, rows, map[string]any{"items": nonNil(items)})
}

// zl formats grosze as złoty.
func zl(grosze int) string { return fmt.Sprintf("%d,%02d", grosze/100, grosze%100) }

func (s *Server) markSent(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		SentOn         *calendar.Date `json:"sentOn"`
		TrackingNumber string         `json:"trackingNumber"`
		Postage        int            `json:"postage"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	o, err := s.reg.MarkSent(r.Context(), a, id, req.SentOn, req.TrackingNumber, req.Postage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

type deliveryRequest struct {
	TrackingNumber  string         `json:"trackingNumber"`
	Basis           string         `json:"basis"`
	Date            *calendar.Date `json:"date"`
	FirstNotice     *calendar.Date `json:"firstNotice"`
	ProofDocumentID *uuid.UUID     `json:"proofDocumentId"`
}

func (req deliveryRequest) delivery() registry.Delivery {
	return registry.Delivery{Basis: req.Basis, Date: req.Date, FirstNotice: req.FirstNotice, ProofDoc: req.ProofDocumentID}
}

func (s *Server) recordDelivery(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req deliveryRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var o *registry.OutgoingItem
	if s.corr != nil {
		o, err = s.corr.RecordDelivery(r.Context(), a, who(a), id, req.delivery())
	} else {
		o, err = s.reg.RecordDelivery(r.Context(), a, id, req.delivery())
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// returnReceipt registers a ZPO by the tracking number typed or scanned
// from its barcode.
func (s *Server) returnReceipt(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req deliveryRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var o *registry.OutgoingItem
	var err error
	if s.corr != nil {
		o, err = s.corr.ReturnReceipt(r.Context(), a, who(a), req.TrackingNumber, req.delivery())
	} else {
		o, err = s.reg.RegisterReturnReceipt(r.Context(), a, req.TrackingNumber, req.delivery())
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) postalBook(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	day, err := dateParam(r, "date")
	if err != nil {
		return err
	}
	if day == nil {
		return engine.Invalid("web.postalBook", "date", "date (YYYY-MM-DD) is required")
	}
	items, err := s.reg.PostalBook(r.Context(), a, *day)
	if err != nil {
		return err
	}
	header := []string{"Lp.", "Adresat (imię i nazwisko lub nazwa)", "Dokładne miejsce doręczenia", "Nr nadawczy", "Rodzaj", "Opłata (zł)", "Uwagi"}
	rows := make([][]string, len(items))
	total := 0
	for i, o := range items {
		kind := map[string]string{"post_zpo": "polecona ZPO", "post_registered": "polecona", "post_priority": "polecona priorytetowa"}[o.Channel]
		rows[i] = []string{strconv.Itoa(i + 1), o.RecipientName, o.Address, o.TrackingNumber, kind, zl(o.Postage), o.CaseSignature}
		total += o.Postage
	}
	return s.renderRegister(w, r, "ksiazka-nadawcza-"+day.String(), "Książka nadawcza — "+day.String(), header, rows,
		map[string]any{"date": day, "items": nonNil(items), "total": total})
}

func (s *Server) searchParties(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	ps, err := s.reg.Parties(r.Context(), a, r.URL.Query().Get("q"), 50)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"parties": nonNil(ps)})
	return nil
}

func (s *Server) mergeParties(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, dup, err := pathAndBodyID(r, "duplicateId")
	if err != nil {
		return err
	}
	if err := s.reg.MergeParties(r.Context(), a, id, dup); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) postageRates(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	rates, err := s.reg.PostageRates(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rates": nonNil(rates)})
	return nil
}

func (s *Server) addPostageRate(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		Channel    string         `json:"channel"`
		MaxWeightG int            `json:"maxWeightG"`
		Price      int            `json:"price"`
		ValidFrom  *calendar.Date `json:"validFrom"`
		ValidTo    *calendar.Date `json:"validTo"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.ValidFrom == nil {
		return engine.Invalid("web.addPostageRate", "validFrom", "validFrom (YYYY-MM-DD) is required")
	}
	rate, err := s.reg.AddPostageRate(r.Context(), a, registry.PostageRate{Channel: req.Channel, MaxWeightG: req.MaxWeightG,
		Price: req.Price, ValidFrom: *req.ValidFrom, ValidTo: req.ValidTo})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rate)
	return nil
}
