package ui

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

// inbox is the unit head's assignment inbox: the acceptance tasks of the
// incoming workflow for the head's units when the workflow runs, else the
// registry's pending assignments (PendingAssignments); and the unit's
// other open tasks.
func (h *handler) inbox(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if !has(rc.actor, registry.RoleHead, registry.RoleAdmin) {
		return engine.E("ui.inbox", engine.KindForbidden, "the assignment inbox is for unit heads")
	}
	f := flow.TaskFilter{Unit: true}
	if rc.actor.Has(registry.RoleAdmin) && len(rc.actor.Units) == 0 {
		f = flow.TaskFilter{All: true}
	}
	ts, err := h.flow.Tasks(r.Context(), who(rc.actor), f)
	if err != nil {
		return err
	}
	var accept, other []*flow.Task
	for _, t := range ts {
		if t.ProcessKey == "incoming" && t.ElementID == "accept" {
			accept = append(accept, t)
		} else {
			other = append(other, t)
		}
	}
	data := map[string]any{"Accept": accept, "Other": other, "Workflow": h.corr != nil}
	if h.corr == nil {
		// Without the workflow the assignments are decided on the registry.
		pending, err := h.pendingItems(r, rc)
		if err != nil {
			return err
		}
		data["Pending"] = pending
	}
	return h.render(w, r, rc, http.StatusOK, "inbox", data)
}

// pendingItem is an assignment waiting for acceptance with its item.
type pendingItem struct {
	*registry.Assignment
	Item *registry.IncomingItem // nil if the item cannot be read
}

// pendingItems are the registry's assignments the actor may decide, each
// with its incoming item.
func (h *handler) pendingItems(r *http.Request, rc *reqCtx) ([]pendingItem, error) {
	xs, err := h.reg.PendingAssignments(r.Context(), rc.actor)
	if err != nil {
		return nil, err
	}
	out := make([]pendingItem, len(xs))
	for i, x := range xs {
		out[i].Assignment = x
		if it, err := h.reg.Incoming(r.Context(), rc.actor, x.ItemID); err == nil {
			out[i].Item = it
		}
	}
	return out, nil
}

// decideTask decides an incoming item's acceptance task: a new case, an
// existing case, a return to the registry office with a reason, or
// handing the task to a person.
func (h *handler) decideTask(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.decideTask"
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	wh := who(rc.actor)
	vars := map[string]any{}
	switch d := r.PostFormValue("decision"); d {
	case "newCase":
		vars["decision"] = "newCase"
		if j := strings.TrimSpace(r.PostFormValue("jrwa")); j != "" {
			vars["jrwa"] = j
		} else {
			return engine.Invalid(op, "jrwa", "choose the JRWA class of the new case")
		}
		if t := strings.TrimSpace(r.PostFormValue("title")); t != "" {
			vars["title"] = t
		}
	case "attach":
		sig := strings.TrimSpace(r.PostFormValue("signature"))
		c := h.caseBySignature(r, rc.actor, sig)
		if c == nil {
			return engine.Invalid(op, "signature", "no case %q visible to you", sig)
		}
		vars["decision"], vars["caseId"] = "attach", c.ID.String()
	case "return":
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if reason == "" {
			return engine.Invalid(op, "reason", "say why the item is returned")
		}
		vars["decision"], vars["reason"] = "return", reason
	case "reassign":
		login := strings.TrimSpace(r.PostFormValue("login"))
		to, err := h.reg.ActorByLogin(r.Context(), login)
		if err != nil || to.OfficeID != rc.actor.OfficeID {
			return engine.Invalid(op, "login", "no user %q in this office", login)
		}
		if err := h.flow.Reassign(r.Context(), wh, id, &to.UserID); err != nil {
			return err
		}
		redirect(w, r, "/inbox", "flash.reassigned", to.Name)
		return nil
	default:
		return engine.Invalid(op, "decision", "choose a decision")
	}
	out, err := h.flow.CompleteTask(r.Context(), wh, id, vars)
	if err != nil {
		return err
	}
	if sig, _ := out.Variables["caseSignature"].(string); sig != "" && vars["decision"] == "newCase" {
		if cid, err := uuid.Parse(str(out.Variables["caseId"])); err == nil {
			redirect(w, r, "/cases/"+cid.String(), "flash.caseOpened", sig)
			return nil
		}
	}
	redirect(w, r, "/inbox", "flash.decided", "")
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// acceptAssignment and returnAssignment decide an assignment on the
// registry (the item's page, without the workflow).
func (h *handler) acceptAssignment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.reg.AcceptAssignment(r.Context(), rc.actor, id); err != nil {
		return err
	}
	redirect(w, r, localPath(r.PostFormValue("back")), "flash.accepted", "")
	return nil
}

func (h *handler) returnAssignment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		return engine.Invalid("ui.returnAssignment", "reason", "say why the item is returned")
	}
	if err := h.reg.ReturnAssignment(r.Context(), rc.actor, id, reason); err != nil {
		return err
	}
	redirect(w, r, localPath(r.PostFormValue("back")), "flash.returned", "")
	return nil
}

// unitCases lists the open cases the head sees, soonest deadline first.
func (h *handler) unitCases(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	page, err := h.reg.Cases(r.Context(), rc.actor, registry.CaseFilter{Status: registry.StatusOpen, Unit: r.URL.Query().Get("unit"), Limit: 500})
	if err != nil {
		return err
	}
	byDeadline(page.Cases)
	units, err := h.reg.Units(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "unit_cases", map[string]any{"Cases": page.Cases, "More": page.Next != "", "Units": units, "Unit": r.URL.Query().Get("unit")})
}
