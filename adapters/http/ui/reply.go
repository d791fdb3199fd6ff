package ui

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"text/template"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
	"obieg.dev/obieg/workflows/correspondence"
)

// letterTemplate is one of the letters an officer starts a reply from:
// templates/letters/<Key>.txt (text/template over letterData), its NES
// rodzaj tekstu and its printed title.
type letterTemplate struct {
	Key   string
	Label string // catalogue key
	Typ   string
	Title string
}

var letterTemplates = []letterTemplate{
	{Key: "wezwanie", Label: "reply.tpl.wezwanie", Typ: "wezwanie", Title: "Wezwanie do usunięcia braków podania"},
	{Key: "przedluzenie", Label: "reply.tpl.przedluzenie", Typ: "zawiadomienie", Title: "Zawiadomienie o niezałatwieniu sprawy w terminie"},
	{Key: "odpowiedz", Label: "reply.tpl.odpowiedz", Typ: "inne pismo/dokument", Title: "Odpowiedź na pismo"},
}

// letters are the parsed templates, by key.
var letters = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, lt := range letterTemplates {
		out[lt.Key] = template.Must(template.New(lt.Key+".txt").Option("missingkey=error").ParseFS(embedded, "templates/letters/"+lt.Key+".txt"))
	}
	return out
}()

// letterData is what a letter template is filled with.
type letterData struct {
	Signature, CaseTitle, Party, PartyAddress, Date, Deadline, Officer, Position, Office string
}

func letterTemplateOf(key string) letterTemplate {
	for _, lt := range letterTemplates {
		if lt.Key == key {
			return lt
		}
	}
	return letterTemplates[0]
}

// replyCase loads the case a reply is written in, with the reply workflow
// on.
func (h *handler) replyCase(r *http.Request, rc *reqCtx) (*registry.Case, error) {
	if h.corr == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.reg.Case(r.Context(), rc.actor, id)
}

// replyForm fills the chosen template for the chosen party; the officer
// edits the text and sends it for approval.
func (h *handler) replyForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	c, err := h.replyCase(r, rc)
	if err != nil {
		return err
	}
	lt := letterTemplateOf(r.URL.Query().Get("template"))
	data := map[string]any{"Case": c, "Templates": letterTemplates, "Template": lt, "Officer": rc.actor.Name}
	if len(c.Parties) == 0 {
		return h.render(w, r, rc, http.StatusOK, "reply", data)
	}
	party := c.Parties[0].Party
	if pid, err := uuid.Parse(r.URL.Query().Get("party")); err == nil {
		for _, p := range c.Parties {
			if p.ID == pid {
				party = p.Party
			}
		}
	}
	full, err := h.reg.Party(r.Context(), rc.actor, party.ID)
	if err != nil {
		return err
	}
	addr := correspondence.AddressOf(full)
	office, err := h.reg.OfficeOf(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	today := calendar.DateOf(h.clock())
	ld := letterData{Signature: c.Signature, CaseTitle: c.Title, Party: full.Name, PartyAddress: strings.Join(addr.Lines, ", "),
		Date: forms.DateLong(today), Officer: rc.actor.Name, Position: positionOf(rc.actor, c.UnitID), Office: office.Name}
	if c.Deadline != nil {
		ld.Deadline = forms.DateLong(*c.Deadline)
	}
	var text bytes.Buffer
	if err := letters[lt.Key].Execute(&text, ld); err != nil {
		return engine.E("ui.replyForm", "filling letter template "+lt.Key, err)
	}
	if head, err := h.reg.HeadPosition(r.Context(), rc.actor, c.UnitID); err == nil {
		data["Approver"] = head.Name
	}
	data["Party"], data["Address"], data["Letter"], data["Text"] = full, addr, ld, text.String()
	return h.render(w, r, rc, http.StatusOK, "reply", data)
}

// submitReply prints, registers and sends the reply for approval.
func (h *handler) submitReply(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.submitReply"
	c, err := h.replyCase(r, rc)
	if err != nil {
		return err
	}
	pid, err := parseUUID(op, "party", r.PostFormValue("party"))
	if err != nil {
		return err
	}
	lt := letterTemplateOf(r.PostFormValue("template"))
	doc, _, err := h.corr.SubmitReply(r.Context(), rc.actor, who(rc.actor), correspondence.Reply{CaseID: c.ID, RecipientPartyID: pid,
		Typ: lt.Typ, Title: r.PostFormValue("title"), Text: r.PostFormValue("text")}, h.stageBytes(r.Context()))
	if err != nil {
		return err
	}
	h.logger.InfoContext(r.Context(), "ui: reply sent for approval", "case", c.Signature, "document", doc.ID, "user", rc.actor.Login)
	redirect(w, r, "/cases/"+c.ID.String(), "flash.replySubmitted", doc.Title)
	return nil
}

// stageBytes stores generated content (a printed letter) in the blob store.
func (h *handler) stageBytes(ctx context.Context) func([]byte) (registry.File, error) {
	return func(b []byte) (registry.File, error) {
		return registry.StageFile(ctx, h.blobs, "", "", b, h.max)
	}
}

// replyTask shows a reply's task: to the head the letter with approve and
// send back; to the officer the head's reason with the text to correct.
func (h *handler) replyTask(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if h.corr == nil {
		return errNotFound
	}
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	d, err := h.corr.ReplyTask(r.Context(), who(rc.actor), id)
	if err != nil {
		return err
	}
	c, err := h.reg.Case(r.Context(), rc.actor, d.CaseID)
	if err != nil {
		return err
	}
	doc, err := h.reg.Document(r.Context(), rc.actor, d.DocumentID)
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "reply_task", map[string]any{"Draft": d, "Case": c, "Doc": doc,
		"Latest": doc.Versions[len(doc.Versions)-1]})
}

// decideReply is the head's approval or refusal (with a reason).
func (h *handler) decideReply(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if h.corr == nil {
		return errNotFound
	}
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	approve := r.PostFormValue("decision") == "approve"
	if !approve && r.PostFormValue("decision") != "reject" {
		return engine.Invalid("ui.decideReply", "decision", "approve or send back")
	}
	if _, err := h.corr.DecideReply(r.Context(), who(rc.actor), id, approve, r.PostFormValue("reason")); err != nil {
		return err
	}
	flash := "flash.replyRejected"
	if approve {
		flash = "flash.replyApproved"
	}
	redirect(w, r, "/inbox", flash, "")
	return nil
}

// reviseReply is the officer's correction (a new version, to the head
// again) or withdrawal.
func (h *handler) reviseReply(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if h.corr == nil {
		return errNotFound
	}
	id, err := pathID(r, "task")
	if err != nil {
		return err
	}
	withdraw := r.PostFormValue("decision") == "withdraw"
	if err := h.corr.ReviseReply(r.Context(), rc.actor, who(rc.actor), id, r.PostFormValue("text"), withdraw, h.stageBytes(r.Context())); err != nil {
		return err
	}
	flash := "flash.replyResubmitted"
	if withdraw {
		flash = "flash.replyWithdrawn"
	}
	redirect(w, r, "/tasks", flash, "")
	return nil
}

// positionOf is the position the actor signs with in the unit.
func positionOf(a *registry.Actor, unit uuid.UUID) string {
	for _, p := range a.Positions {
		if p.UnitID == unit {
			return p.Name
		}
	}
	if len(a.Positions) > 0 {
		return a.Positions[0].Name
	}
	return ""
}
