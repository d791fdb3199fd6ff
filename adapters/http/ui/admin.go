package ui

import (
	"net/http"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
)

var allRoles = []registry.Role{registry.RoleAdmin, registry.RoleRegistry, registry.RoleHead, registry.RoleOfficer, registry.RoleArchivist, registry.RoleIntegrator}

func requireAdmin(a *registry.Actor) error {
	if !a.Has(registry.RoleAdmin) {
		return engine.E("ui.admin", engine.KindForbidden, "administrators only")
	}
	return nil
}

func (h *handler) admin(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := requireAdmin(rc.actor); err != nil {
		return err
	}
	units, err := h.reg.Units(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	jrwa, err := h.reg.JRWA(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	users, err := h.reg.Users(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	positions, err := h.reg.Positions(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	subs, err := h.reg.Substitutions(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	today := calendar.DateOf(h.clock())
	return h.render(w, r, rc, http.StatusOK, "admin", map[string]any{"Units": units, "Roles": allRoles, "JRWACount": len(jrwa),
		"Users": users, "Positions": positions, "Substitutions": subs, "TodayDate": today, "Today": today.String()})
}

func (h *handler) createUnit(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	u, err := h.reg.CreateUnit(r.Context(), rc.actor, r.PostFormValue("symbol"), r.PostFormValue("name"), r.PostFormValue("parent"))
	if err != nil {
		return err
	}
	redirect(w, r, "/admin", "flash.unitCreated", u.Symbol)
	return nil
}

func (h *handler) createPosition(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := h.reg.CreatePosition(r.Context(), rc.actor, r.PostFormValue("unit"), r.PostFormValue("name"), r.PostFormValue("head") == "on")
	if err != nil {
		return err
	}
	redirect(w, r, "/admin", "flash.positionCreated", p.Name)
	return nil
}

func (h *handler) createUser(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.createUser"
	var roles []registry.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, registry.Role(v))
	}
	u, err := h.reg.CreateUser(r.Context(), rc.actor, rc.actor.OfficeID, registry.NewUser{Login: strings.TrimSpace(r.PostFormValue("login")),
		Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Password: r.PostFormValue("password"), Roles: roles})
	if err != nil {
		return err
	}
	if p := strings.TrimSpace(r.PostFormValue("position")); p != "" {
		pid, err := parseUUID(op, "position", p)
		if err != nil {
			return err
		}
		if err := h.reg.AssignPosition(r.Context(), rc.actor, u.ID, pid); err != nil {
			return err
		}
	}
	redirect(w, r, "/admin", "flash.userCreated", u.Login)
	return nil
}

func (h *handler) createSubstitution(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.createSubstitution"
	pid, err := parseUUID(op, "position", strings.TrimSpace(r.PostFormValue("position")))
	if err != nil {
		return err
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	u, err := h.reg.ActorByLogin(r.Context(), login)
	if err != nil || u.OfficeID != rc.actor.OfficeID {
		return engine.Invalid(op, "login", "no user %q in this office", login)
	}
	from, err := optDate(op, "from", r.PostFormValue("from"))
	if err != nil {
		return err
	}
	to, err := optDate(op, "to", r.PostFormValue("to"))
	if err != nil {
		return err
	}
	if from == nil || to == nil {
		return engine.Invalid(op, "from", "both dates are required")
	}
	if _, err := h.reg.CreateSubstitution(r.Context(), rc.actor, registry.Substitution{PositionID: pid, UserID: u.UserID, ValidFrom: *from, ValidTo: *to,
		Reason: r.PostFormValue("reason")}); err != nil {
		return err
	}
	redirect(w, r, "/admin", "flash.substitutionCreated", u.Name)
	return nil
}

func (h *handler) importJRWA(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.importJRWA"
	f, err := h.readForm(r, "", "file")
	if err != nil {
		return err
	}
	from, err := optDate(op, "validFrom", f.get("validFrom"))
	if err != nil {
		return err
	}
	if from == nil {
		return engine.Invalid(op, "validFrom", "the date the list is in force from is required")
	}
	csv := f.get("file")
	if csv == "" {
		return engine.Invalid(op, "file", "choose a CSV file")
	}
	v, err := h.reg.ImportJRWA(r.Context(), rc.actor, f.get("name"), *from, nil, strings.NewReader(f.values["file"][0]))
	if err != nil {
		return err
	}
	redirect(w, r, "/admin", "flash.jrwaImported", v.Name)
	return nil
}

func (h *handler) workflows(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := requireAdmin(rc.actor); err != nil {
		return err
	}
	wh := who(rc.actor)
	defs, err := h.flow.Definitions(r.Context(), wh)
	if err != nil {
		return err
	}
	f := flow.InstanceFilter{Key: r.URL.Query().Get("key"), WithIncident: r.URL.Query().Get("incident") == "on", Limit: 50}
	inst, _, err := h.flow.Instances(r.Context(), wh, f)
	if err != nil {
		return err
	}
	incs, err := h.flow.Incidents(r.Context(), wh, nil, false)
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "workflows", map[string]any{"Defs": defs, "Instances": inst, "Incidents": incs, "Filter": f})
}

func (h *handler) deployWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := h.readForm(r, "", "file")
	if err != nil {
		return err
	}
	if len(f.values["file"]) == 0 || f.values["file"][0] == "" {
		return engine.Invalid("ui.deployWorkflow", "file", "choose a BPMN file")
	}
	defs, err := h.flow.Deploy(r.Context(), who(rc.actor), []byte(f.values["file"][0]))
	if err != nil {
		return err
	}
	var names []string
	for _, d := range defs {
		names = append(names, d.Key+" v"+itoa(d.Version))
	}
	redirect(w, r, "/admin/workflows", "flash.deployed", strings.Join(names, ", "))
	return nil
}

func (h *handler) retryIncident(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.flow.RetryIncident(r.Context(), who(rc.actor), id); err != nil {
		return err
	}
	redirect(w, r, "/admin/workflows", "flash.retried", "")
	return nil
}
