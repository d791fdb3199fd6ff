package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms/in1"
	"obieg.dev/obieg/workflows/tax"
)

const maxDeclaration = 5 << 20

func (s *Server) taxService() (*tax.Service, error) {
	if s.tax == nil {
		return nil, engine.Errorf("web.tax", engine.KindUnavailable, "property tax is not configured in this installation")
	}
	return s.tax, nil
}

// registerDeclaration takes an IN-1 as XML (bare or as ePUAP carries it).
func (s *Server) registerDeclaration(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	const op = "web.registerDeclaration"
	t, err := s.taxService()
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/xml" && mt != "text/xml" {
		return &mediaTypeError{want: "application/xml", got: r.Header.Get("Content-Type")}
	}
	xml, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxDeclaration))
	if err != nil {
		return engine.E(op, engine.KindTooLarge, "the declaration is larger than 5 MiB")
	}
	d, err := in1.ParseXML(xml)
	if err != nil {
		return err
	}
	var opt tax.DeclarationOptions
	if c := r.URL.Query().Get("corrects"); c != "" {
		id, err := uuid.Parse(c)
		if err != nil {
			return engine.Invalid(op, "corrects", "corrects is not an id")
		}
		opt.Corrects = &id
	}
	opt.NoAssessment = r.URL.Query().Get("assess") == "false"
	decl, err := t.RegisterDeclaration(r.Context(), a, d, xml, opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, decl)
	return nil
}

func (s *Server) listDecisions(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	var taxpayer *uuid.UUID
	if v := r.URL.Query().Get("taxpayer"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return engine.Invalid("web.listDecisions", "taxpayer", "taxpayer is not an id")
		}
		taxpayer = &id
	}
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		if year, err = strconv.Atoi(v); err != nil {
			return engine.Invalid("web.listDecisions", "year", "year is not a number")
		}
	}
	ds, err := t.Decisions(r.Context(), a, taxpayer, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"decisions": nonNil(ds)})
	return nil
}

func (s *Server) getDecision(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := t.Decision(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) listTaxDictionary(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	var on *calendar.Date
	if v := r.URL.Query().Get("on"); v != "" {
		d, err := calendar.ParseDate(v)
		if err != nil {
			return engine.Invalid("web.taxDictionary", "on", "on is not a date (YYYY-MM-DD)")
		}
		on = &d
	}
	es, err := t.Entries(r.Context(), a, r.URL.Query().Get("kind"), on)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": nonNil(es)})
	return nil
}

func (s *Server) setTaxDictionary(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	var req struct {
		Kind       string         `json:"kind"`
		Key        string         `json:"key"`
		Value      string         `json:"value"`
		ValidFrom  *calendar.Date `json:"validFrom"`
		ValidTo    *calendar.Date `json:"validTo"`
		LegalBasis string         `json:"legalBasis"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.ValidFrom == nil {
		return engine.Invalid("web.setTaxDictionary", "validFrom", "validFrom (YYYY-MM-DD) is required")
	}
	e, err := t.SetEntry(r.Context(), a, tax.Entry{Kind: req.Kind, Key: req.Key, Value: req.Value, ValidFrom: *req.ValidFrom, ValidTo: req.ValidTo, LegalBasis: req.LegalBasis})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) runTaxBatch(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	var req struct {
		Year    int `json:"year"`
		Limit   int `json:"limit"`
		Workers int `json:"workers"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Workers > 16 {
		req.Workers = 16
	}
	b, err := t.RunBatch(r.Context(), a, req.Year, tax.BatchOptions{Limit: req.Limit, Workers: req.Workers})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) listTaxpayers(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	ts, err := t.Taxpayers(r.Context(), a, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"taxpayers": nonNil(ts)})
	return nil
}

func (s *Server) getTaxpayer(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	t, err := s.taxService()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := t.TaxpayerRecord(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}
