package ui

import (
	"cmp"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/correspondence"
)

// who is the engine's view of the actor.
func who(a *registry.Actor) flow.Who { return correspondence.WhoOf(a) }

func flowFilterInstance(id uuid.UUID) flow.TaskFilter {
	return flow.TaskFilter{Mine: true, Instance: &id}
}

func (h *handler) tasks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	wh := who(rc.actor)
	mine, err := h.flow.Tasks(r.Context(), wh, flow.TaskFilter{Mine: true})
	if err != nil {
		return err
	}
	var unit []*flow.Task
	if len(rc.actor.Units) > 0 {
		if unit, err = h.flow.Tasks(r.Context(), wh, flow.TaskFilter{Unit: true}); err != nil {
			return err
		}
	}
	return h.render(w, r, rc, http.StatusOK, "tasks", map[string]any{"Mine": mine, "Unit": unit})
}

// findTask finds an open task the actor may see.
func (h *handler) findTask(r *http.Request, rc *reqCtx, id uuid.UUID) (*flow.Task, error) {
	wh := who(rc.actor)
	filters := []flow.TaskFilter{{Mine: true}, {Unit: true}}
	if wh.Admin {
		filters = append(filters, flow.TaskFilter{All: true})
	}
	for _, f := range filters {
		ts, err := h.flow.Tasks(r.Context(), wh, f)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.ID == id {
				return t, nil
			}
		}
	}
	return nil, engine.Errorf("ui.task", engine.KindNotFound, "no open task %s, or not visible to you", id)
}

// caseBySignature finds the case a business key names, if it is one.
func (h *handler) caseBySignature(r *http.Request, a *registry.Actor, sig string) *registry.Case {
	if sig == "" {
		return nil
	}
	page, err := h.reg.Cases(r.Context(), a, registry.CaseFilter{Text: sig, Limit: 20})
	if err != nil {
		return nil
	}
	for _, c := range page.Cases {
		if c.Signature == sig {
			return c
		}
	}
	return nil
}

func (h *handler) task(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.findTask(r, rc, id)
	if err != nil {
		return err
	}
	if h.corr != nil && t.ProcessKey == correspondence.ReplyProcess {
		http.Redirect(w, r, "/replies/"+t.ID.String(), http.StatusSeeOther) // the reply's own form
		return nil
	}
	data := map[string]any{"Task": t, "Case": h.caseBySignature(r, rc.actor, t.BusinessKey), "Rows": []int{0, 1, 2}}
	if rc.actor.Has(registry.RoleAdmin) {
		// Process variables may hold personal data: the engine shows them to administrators only.
		if v, err := h.flow.Instance(r.Context(), who(rc.actor), t.InstanceID); err == nil {
			data["Vars"] = v.Variables
		}
	}
	return h.render(w, r, rc, http.StatusOK, "task", data)
}

func (h *handler) claimTask(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.flow.Claim(r.Context(), who(rc.actor), id); err != nil {
		return err
	}
	redirect(w, r, "/tasks/"+id.String(), "flash.claimed", "")
	return nil
}

// formVars reads the generic task form: a decision and name/value pairs.
// Values "true"/"false" become booleans and whole numbers numbers.
func formVars(r *http.Request) (map[string]any, error) {
	vars := map[string]any{}
	if d := strings.TrimSpace(r.PostFormValue("decision")); d != "" {
		vars["decision"] = d
	}
	names, values := r.PostForm["name"], r.PostForm["value"]
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !validVarName(n) {
			return nil, engine.Invalid("ui.completeTask", "name", "variable name %q must be letters, digits and _", n)
		}
		v := ""
		if i < len(values) {
			v = strings.TrimSpace(values[i])
		}
		vars[n] = typed(v)
	}
	return vars, nil
}

func validVarName(n string) bool {
	for i, c := range n {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return len(n) <= 64
}

func typed(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) < 16 {
		return n
	}
	return v
}

func (h *handler) completeTask(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vars, err := formVars(r)
	if err != nil {
		return err
	}
	if _, err := h.flow.CompleteTask(r.Context(), who(rc.actor), id, vars); err != nil {
		return err
	}
	redirect(w, r, "/tasks", "flash.completed", "")
	return nil
}

// diagram is what the case page needs to draw a process with bpmn-js.
type diagram struct {
	DefinitionID uuid.UUID
	Key          string
	Version      int
	Active       []string
	Exact        bool // the instance's own version (else the latest of its key)
}

// caseDiagram finds the process of a case (business key = signature):
// administrators see the instance itself; others the tasks they may see,
// drawn on the latest version of their process.
func (h *handler) caseDiagram(r *http.Request, rc *reqCtx, c *registry.Case) *diagram {
	wh := who(rc.actor)
	if wh.Admin {
		list, _, err := h.flow.Instances(r.Context(), wh, flow.InstanceFilter{BusinessKey: c.Signature, Limit: 5})
		if err != nil || len(list) == 0 {
			return nil
		}
		v, err := h.flow.Instance(r.Context(), wh, list[0].ID)
		if err != nil {
			return nil
		}
		return &diagram{DefinitionID: v.DefinitionID, Key: v.Key, Version: v.Version, Active: v.Active, Exact: true}
	}
	var d *diagram
	for _, f := range []flow.TaskFilter{{Mine: true}, {Unit: true}} {
		ts, err := h.flow.Tasks(r.Context(), wh, f)
		if err != nil {
			continue
		}
		for _, t := range ts {
			if t.BusinessKey != c.Signature {
				continue
			}
			if d == nil {
				d = &diagram{Key: t.ProcessKey}
			}
			if t.ProcessKey == d.Key && !slices.Contains(d.Active, t.ElementID) {
				d.Active = append(d.Active, t.ElementID)
			}
		}
	}
	if d == nil {
		return nil
	}
	defs, err := h.flow.Definitions(r.Context(), wh)
	if err != nil {
		return nil
	}
	for _, def := range defs {
		if def.Key == d.Key {
			d.DefinitionID, d.Version = def.ID, def.Version
			return d
		}
	}
	return nil
}

func (h *handler) caseView(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.reg.Case(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	docs, err := h.reg.CaseDocuments(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	met, err := h.reg.Metryka(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	reply := h.corr != nil && c.Status == registry.StatusOpen && has(rc.actor, registry.RoleOfficer, registry.RoleHead, registry.RoleAdmin)
	return h.render(w, r, rc, http.StatusOK, "case", map[string]any{"Case": c, "Docs": docs, "Metryka": met, "Diagram": h.caseDiagram(r, rc, c), "Reply": reply})
}

// versionContent serves a document version for preview in the case page:
// PDFs and images inline (framed by this site only), anything else as a
// download.
func (h *handler) versionContent(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return errNotFound
	}
	v, rd, err := h.reg.OpenVersion(r.Context(), rc.actor, id, n)
	if err != nil {
		return err
	}
	defer rd.Close()
	hd := w.Header()
	disp := "attachment"
	switch strings.ToLower(v.MediaType) {
	case "application/pdf", "image/png", "image/jpeg":
		disp = "inline"
		hd.Set("X-Frame-Options", "SAMEORIGIN")
		hd.Set("Content-Security-Policy", "frame-ancestors 'self'")
	default:
		hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	}
	hd.Set("Content-Type", v.MediaType)
	hd.Set("Content-Disposition", disp+"; filename*=UTF-8''"+url.PathEscape(v.FileName))
	hd.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rd); err != nil {
		h.logger.ErrorContext(r.Context(), "ui: content verification failed; response aborted", "document", id, "version", n, "error", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func (h *handler) definitionXML(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	xml, _, err := h.flow.DefinitionXML(r.Context(), who(rc.actor), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(xml)
	return nil
}

// search finds cases and documents (registry.Search: signature, title,
// sender, parties; document titles, descriptions and file names), best
// first.
func (h *handler) search(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var hits []registry.SearchHit
	if utf8.RuneCountInString(q) >= registry.SearchMinRunes {
		var err error
		if hits, err = h.reg.Search(r.Context(), rc.actor, q, 50); err != nil {
			return err
		}
	}
	return h.render(w, r, rc, http.StatusOK, "search", map[string]any{"Q": q, "Hits": hits, "Searched": q != ""})
}

// byDeadline sorts cases soonest deadline first; cases without one last.
func byDeadline(cs []*registry.Case) {
	slices.SortStableFunc(cs, func(a, b *registry.Case) int {
		switch {
		case a.Deadline == nil && b.Deadline == nil:
			return cmp.Compare(a.Signature, b.Signature)
		case a.Deadline == nil:
			return 1
		case b.Deadline == nil:
			return -1
		}
		return a.Deadline.Compare(*b.Deadline)
	})
}
