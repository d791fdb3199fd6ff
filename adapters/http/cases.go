package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, engine.Invalid("web.pathID", name, "%s %q is not a UUID", name, r.PathValue(name))
	}
	return id, nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	writeJSON(w, http.StatusOK, map[string]any{
		"id": a.UserID, "officeId": a.OfficeID, "login": a.Login, "name": a.Name, "roles": a.Roles, "positions": a.Positions,
	})
	return nil
}

type createCaseRequest struct {
	Unit            string                  `json:"unit"`
	JRWA            string                  `json:"jrwa"`
	Title           string                  `json:"title"`
	OwnerPositionID *uuid.UUID              `json:"ownerPositionId"`
	Sender          string                  `json:"sender"`
	SenderRef       string                  `json:"senderRef"`
	SenderDate      *calendar.Date          `json:"senderDate"`
	StartedOn       *calendar.Date          `json:"startedOn"`
	Deadline        *calendar.Date          `json:"deadline"`
	Notes           string                  `json:"notes"`
	Parties         []registry.NewCaseParty `json:"parties"`
}

func (req createCaseRequest) newCase() registry.NewCase {
	return registry.NewCase{Unit: req.Unit, JRWA: req.JRWA, Title: req.Title, OwnerPositionID: req.OwnerPositionID,
		Sender: req.Sender, SenderRef: req.SenderRef, SenderDate: req.SenderDate, StartedOn: req.StartedOn,
		Deadline: req.Deadline, Notes: req.Notes, Parties: req.Parties}
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req createCaseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.reg.CreateCase(r.Context(), a, req.newCase())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID.String())
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	q := r.URL.Query()
	f := registry.CaseFilter{Unit: q.Get("unit"), JRWA: q.Get("jrwa"), Status: q.Get("status"), Party: q.Get("party"), Text: q.Get("q"), Cursor: q.Get("cursor")}
	var err error
	if f.Year, err = intParam(q.Get("year"), "year"); err != nil {
		return err
	}
	if f.Limit, err = intParam(q.Get("limit"), "limit"); err != nil {
		return err
	}
	page, err := s.reg.Cases(r.Context(), a, f)
	if err != nil {
		return err
	}
	if page.Cases == nil {
		page.Cases = []*registry.Case{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func intParam(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, engine.Invalid("web.intParam", name, "%s must be a non-negative whole number", name)
	}
	return n, nil
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.reg.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) statusChange(change func(*http.Request, *registry.Actor, uuid.UUID, string) (*registry.Case, error)) func(http.ResponseWriter, *http.Request, *registry.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var req reasonRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(r, &req); err != nil {
				return err
			}
		}
		c, err := change(r, a, id, req.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}

func (s *Server) suspendCase(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return s.statusChange(func(r *http.Request, a *registry.Actor, id uuid.UUID, reason string) (*registry.Case, error) {
		return s.reg.SuspendCase(r.Context(), a, id, reason)
	})(w, r, a)
}

func (s *Server) resumeCase(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return s.statusChange(func(r *http.Request, a *registry.Actor, id uuid.UUID, reason string) (*registry.Case, error) {
		return s.reg.ResumeCase(r.Context(), a, id, reason)
	})(w, r, a)
}

func (s *Server) closeCase(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return s.statusChange(func(r *http.Request, a *registry.Actor, id uuid.UUID, reason string) (*registry.Case, error) {
		return s.reg.CloseCase(r.Context(), a, id, reason)
	})(w, r, a)
}

func (s *Server) caseMetryka(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	entries, err := s.reg.Metryka(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": nonNil(entries)})
	return nil
}

func (s *Server) caseDocuments(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docs, err := s.reg.CaseDocuments(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": nonNil(docs)})
	return nil
}

func (s *Server) attachDocument(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, docID, err := pathAndBodyID(r, "documentId")
	if err != nil {
		return err
	}
	if err := s.reg.AttachDocument(r.Context(), a, docID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// spisSpraw renders the spis spraw as JSON or, with format=csv, as CSV with
// the columns of the instrukcja kancelaryjna (załącznik 3).
func (s *Server) spisSpraw(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	q := r.URL.Query()
	year, err := intParam(q.Get("year"), "year")
	if err != nil {
		return err
	}
	rows, err := s.reg.Spis(r.Context(), a, q.Get("unit"), q.Get("jrwa"), year)
	if err != nil {
		return err
	}
	switch q.Get("format") {
	case "", "json":
		if rows == nil {
			rows = []registry.SpisRow{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"unit": q.Get("unit"), "jrwa": q.Get("jrwa"), "year": year, "rows": rows})
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="spis-spraw-%s-%s-%d.csv"`, safeName(q.Get("unit")), safeName(q.Get("jrwa")), year))
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"Lp.", "Znak sprawy", "Sprawa (krótka treść)", "Od kogo wpłynęła", "Znak pisma", "Z dnia", "Data wszczęcia sprawy", "Data ostatecznego załatwienia", "Uwagi"})
		for _, row := range rows {
			_ = cw.Write([]string{strconv.Itoa(row.N), row.Signature, row.Title, row.Sender, row.SenderRef, dateString(row.SenderDate),
				row.StartedOn.String(), dateString(row.ClosedOn), row.Notes})
		}
		cw.Flush()
	default:
		return engine.Invalid("web.spisSpraw", "format", "format must be json or csv")
	}
	return nil
}

func dateString(d *calendar.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// safeName keeps letters, digits, '-' and '.' for a file name in a header.
func safeName(s string) string {
	b := []rune{}
	for _, r := range s {
		if r == '-' || r == '.' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') {
			b = append(b, r)
		}
	}
	return string(b)
}
