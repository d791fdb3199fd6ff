package web

import (
	"net/http"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	units, err := s.reg.Units(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": nonNil(units)})
	return nil
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		Symbol string `json:"symbol"`
		Name   string `json:"name"`
		Parent string `json:"parent"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, err := s.reg.CreateUnit(r.Context(), a, req.Symbol, req.Name, req.Parent)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) createPosition(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		Unit   string `json:"unit"`
		Name   string `json:"name"`
		IsHead bool   `json:"isHead"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := s.reg.CreatePosition(r.Context(), a, req.Unit, req.Name, req.IsHead)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		Login    string          `json:"login"`
		Name     string          `json:"name"`
		Email    string          `json:"email"`
		Password string          `json:"password"`
		Roles    []registry.Role `json:"roles"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, err := s.reg.CreateUser(r.Context(), a, uuid.Nil, registry.NewUser(req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) assignPosition(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, pos, err := pathAndBodyID(r, "positionId")
	if err != nil {
		return err
	}
	if err := s.reg.AssignPosition(r.Context(), a, id, pos); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) createSubstitution(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		PositionID uuid.UUID      `json:"positionId"`
		UserID     uuid.UUID      `json:"userId"`
		ValidFrom  *calendar.Date `json:"validFrom"`
		ValidTo    *calendar.Date `json:"validTo"`
		Reason     string         `json:"reason"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	const op = "web.createSubstitution"
	switch {
	case req.PositionID == uuid.Nil:
		return engine.Invalid(op, "positionId", "positionId is required")
	case req.UserID == uuid.Nil:
		return engine.Invalid(op, "userId", "userId is required")
	case req.ValidFrom == nil:
		return engine.Invalid(op, "validFrom", "validFrom (YYYY-MM-DD) is required")
	case req.ValidTo == nil:
		return engine.Invalid(op, "validTo", "validTo (YYYY-MM-DD) is required")
	}
	sub, err := s.reg.CreateSubstitution(r.Context(), a, registry.Substitution{PositionID: req.PositionID, UserID: req.UserID,
		ValidFrom: *req.ValidFrom, ValidTo: *req.ValidTo, Reason: req.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sub)
	return nil
}

func (s *Server) listJRWA(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	classes, err := s.reg.JRWA(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"classes": nonNil(classes)})
	return nil
}

// importJRWA takes a CSV body; the version's name and validity come in the query.
func (s *Server) importJRWA(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	const op = "web.importJRWA"
	if err := requireMediaType(r, "text/csv"); err != nil {
		return err
	}
	q := r.URL.Query()
	from, err := calendar.ParseDate(q.Get("validFrom"))
	if err != nil {
		return engine.Invalid(op, "validFrom", "validFrom must be a date YYYY-MM-DD")
	}
	var to *calendar.Date
	if v := q.Get("validTo"); v != "" {
		d, err := calendar.ParseDate(v)
		if err != nil {
			return engine.Invalid(op, "validTo", "validTo must be a date YYYY-MM-DD")
		}
		to = &d
	}
	v, err := s.reg.ImportJRWA(r.Context(), a, q.Get("name"), from, to, http.MaxBytesReader(nil, r.Body, 8<<20))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}
