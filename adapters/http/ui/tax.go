package ui

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/forms/in1"
	"obieg.dev/obieg/workflows/tax"
)

// Property tax pages (shown when Config.Tax is set): the IN-1 form for
// officers of the tax unit, and the decisions of a year. The tax service
// decides who may see tax data (tax secrecy, Ordynacja podatkowa art. 293).

// taxService is the configured service, or "no such page".
func (h *handler) taxService() (*tax.Service, error) {
	if h.tax == nil {
		return nil, errNotFound
	}
	return h.tax, nil
}

// declarationForm shows an empty IN-1 form.
func (h *handler) declarationForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if _, err := h.taxService(); err != nil {
		return err
	}
	return h.renderDeclaration(w, r, rc, http.StatusOK, nil, nil)
}

// registerDeclaration reads the posted IN-1: problems (unreadable values,
// then Validate's, then the registration's own refusals) show the form
// again with each problem next to its field; a registered declaration
// opens its case.
func (h *handler) registerDeclaration(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	svc, err := h.taxService()
	if err != nil {
		return err
	}
	d, ps := in1.ParseForm(r.PostForm)
	if ps == nil {
		ps = formProblems(in1.Validate(d, calendar.DateOf(h.clock())))
	}
	if ps != nil {
		return h.renderDeclaration(w, r, rc, http.StatusUnprocessableEntity, d, ps)
	}
	decl, err := svc.RegisterDeclaration(r.Context(), rc.actor, d, nil, tax.DeclarationOptions{})
	if err != nil {
		if ps := formProblems(err); ps != nil {
			return h.renderDeclaration(w, r, rc, http.StatusUnprocessableEntity, d, ps)
		}
		return err
	}
	h.logger.InfoContext(r.Context(), "ui: IN-1 registered", "declaration", decl.ID, "case", decl.Signature, "user", rc.actor.Login)
	redirect(w, r, "/cases/"+decl.CaseID.String(), "flash.declarationRegistered", decl.Signature)
	return nil
}

// formProblems turns a refusal of the input into the form's problems: the
// form's own, or an invalid-input error naming a field. Other errors
// (permissions, failures) are not the form's: nil.
func formProblems(err error) in1.Problems {
	if err == nil {
		return nil
	}
	var ps in1.Problems
	if errors.As(err, &ps) && len(ps) > 0 {
		return ps
	}
	if engine.KindOf(err) == engine.KindInvalid {
		return in1.Problems{{Field: engine.FieldOf(err), Message: engine.MessageOf(err)}}
	}
	return nil
}

// renderDeclaration shows the IN-1 form (forms/in1's fragment) in the
// layout, posting back here with the session's CSRF token.
func (h *handler) renderDeclaration(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, d *in1.Declaration, ps in1.Problems) error {
	var buf bytes.Buffer
	opt := in1.FormOptions{Action: "/tax/declarations", Hidden: map[string]string{"csrf": rc.csrf}, SubmitID: "in1-submit"}
	if err := in1.RenderFormHTML(&buf, d, ps, rc.lang, opt); err != nil {
		return err
	}
	// The fragment is html/template output of forms/in1: already escaped.
	return h.render(w, r, rc, status, "tax_declaration", map[string]any{"Form": template.HTML(buf.String()), "Problems": len(ps)})
}

// decisions lists the property-tax decisions of a year (default: this year).
func (h *handler) decisions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	svc, err := h.taxService()
	if err != nil {
		return err
	}
	year := calendar.DateOf(h.clock()).Year
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1990 || n > 2200 {
			return engine.Invalid("ui.decisions", "year", "year must be a year, e.g. %d", year)
		}
		year = n
	}
	list, err := svc.Decisions(r.Context(), rc.actor, nil, year)
	if err != nil {
		return err
	}
	var total int64
	for _, d := range list {
		if d.Status != "replaced" && d.Status != "rejected" {
			total += d.Total
		}
	}
	return h.render(w, r, rc, http.StatusOK, "tax_decisions", map[string]any{"Year": year, "Decisions": list, "Total": total})
}
