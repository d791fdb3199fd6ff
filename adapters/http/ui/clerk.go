package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
)

// incomingPage is the one-page registration form.
type incomingPage struct {
	Channels, Kinds []string
	Units           []registry.Unit
	Form            map[string]string
	Error           *problem
}

func (h *handler) incomingPage(r *http.Request, rc *reqCtx, vals map[string]string, perr *problem) (*incomingPage, error) {
	units, err := h.reg.Units(r.Context(), rc.actor)
	if err != nil {
		return nil, err
	}
	if vals == nil {
		vals = map[string]string{"channel": "paper", "kind": "letter", "received": calendar.DateOf(h.clock()).String(), "partyKind": "person", "party": "new"}
	}
	return &incomingPage{Channels: registry.IncomingChannels, Kinds: registry.IncomingKinds, Units: units, Form: vals, Error: perr}, nil
}

func (h *handler) incomingForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if !has(rc.actor, registry.RoleRegistry, registry.RoleAdmin) {
		return engine.E("ui.incomingForm", engine.KindForbidden, "only the registry office registers incoming items")
	}
	p, err := h.incomingPage(r, rc, nil, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "incoming_new", p)
}

// registerIncoming registers an item from the one-page form and, when a
// unit is chosen, assigns it (through the incoming workflow when one is
// configured). On a refusal the form comes back filled in, with the reason.
func (h *handler) registerIncoming(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.registerIncoming"
	f, err := h.readForm(r, "files")
	if err != nil {
		return err
	}
	defer f.discard()
	vals := map[string]string{}
	for _, k := range []string{"party", "partyName", "partyKind", "pesel", "nip", "street", "postalCode", "city", "email", "channel", "kind",
		"subject", "received", "senderRef", "senderDate", "attachments", "unit", "instruction", "deadline", "notes", "allowDuplicate"} {
		vals[k] = f.get(k)
	}
	again := func(err error) error {
		if p := problemOf(err); p.Status < 500 {
			pg, perr := h.incomingPage(r, rc, vals, &p)
			if perr != nil {
				return perr
			}
			return h.render(w, r, rc, p.Status, "incoming_new", pg)
		}
		return err
	}
	in := registry.NewIncoming{Channel: vals["channel"], Kind: vals["kind"], Subject: vals["subject"], SenderRef: vals["senderRef"],
		Notes: vals["notes"], Files: f.files, AllowDuplicate: vals["allowDuplicate"] == "on"}
	if id := vals["party"]; id != "" && id != "new" {
		pid, err := uuid.Parse(id)
		if err != nil {
			return again(engine.Invalid(op, "party", "choose a party from the list"))
		}
		in.Sender.ID = pid
	} else {
		in.Sender.Party = registry.Party{Kind: vals["partyKind"], Name: vals["partyName"], PESEL: vals["pesel"], NIP: vals["nip"],
			Street: vals["street"], PostalCode: vals["postalCode"], City: vals["city"], Email: vals["email"]}
	}
	if in.SenderDate, err = optDate(op, "senderDate", vals["senderDate"]); err != nil {
		return again(err)
	}
	received, err := optDate(op, "received", vals["received"])
	if err != nil {
		return again(err)
	}
	if received != nil && *received != calendar.DateOf(h.clock()) {
		if received.After(calendar.DateOf(h.clock())) {
			return again(engine.Invalid(op, "received", "the date of receipt cannot be in the future"))
		}
		t := received.Start().Add(12 * time.Hour)
		in.ReceivedAt = &t
	}
	if v := vals["attachments"]; v != "" {
		if in.Attachments, err = strconv.Atoi(v); err != nil || in.Attachments < 0 {
			return again(engine.Invalid(op, "attachments", "the number of attachments must be a whole number"))
		}
	}
	deadline, err := optDate(op, "deadline", vals["deadline"])
	if err != nil {
		return again(err)
	}
	item, err := h.reg.RegisterIncoming(r.Context(), rc.actor, in)
	if err != nil {
		return again(err)
	}
	if unit := vals["unit"]; unit != "" {
		if err := h.assign(r, rc, item.ID, registry.AssignTo{Unit: unit, Instruction: vals["instruction"], Deadline: deadline}); err != nil {
			// The item is registered: say so, and what went wrong with the assignment.
			h.logger.WarnContext(r.Context(), "ui: assignment after registration failed", "rpw", item.RPW, "error", err)
			redirect(w, r, "/incoming/"+item.ID.String(), "flash.registeredNotAssigned", item.RPW)
			return nil
		}
	} else if h.corr != nil {
		if _, err := h.corr.StartIncoming(r.Context(), rc.actor, who(rc.actor), item.ID); err != nil {
			return err
		}
	}
	redirect(w, r, "/incoming/new", "flash.registered", item.RPW)
	return nil
}

// assign decrees an item: through the incoming workflow (start it, then
// complete its dekretacja task) when configured, else on the registry.
func (h *handler) assign(r *http.Request, rc *reqCtx, itemID uuid.UUID, to registry.AssignTo) error {
	if h.corr == nil {
		_, err := h.reg.Assign(r.Context(), rc.actor, itemID, to)
		return err
	}
	w := who(rc.actor)
	in, err := h.corr.StartIncoming(r.Context(), rc.actor, w, itemID)
	if err != nil {
		return err
	}
	tasks, err := h.flow.Tasks(r.Context(), w, flowFilterInstance(in.ID))
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.ElementID == "assign" {
			vars := map[string]any{"unit": to.Unit, "instruction": to.Instruction}
			if to.Deadline != nil {
				vars["deadline"] = to.Deadline.String()
			}
			_, err := h.flow.CompleteTask(r.Context(), w, t.ID, vars)
			return err
		}
	}
	return engine.E("ui.assign", engine.KindConflict, "the incoming workflow has no dekretacja task waiting")
}

func optDate(op, field, v string) (*calendar.Date, error) {
	if v == "" {
		return nil, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return nil, engine.Invalid(op, field, "%s must be a date YYYY-MM-DD", field)
	}
	return &d, nil
}

// partySearch answers the as-you-type sender search with a list of
// choices (an htmx fragment).
func (h *handler) partySearch(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query().Get("q")
	var ps []*registry.Party
	if len([]rune(q)) >= 2 {
		var err error
		if ps, err = h.reg.Parties(r.Context(), rc.actor, q, 10); err != nil {
			return err
		}
	}
	return h.render(w, r, rc, http.StatusOK, "parties", map[string]any{"Q": q, "Parties": ps, "Selected": ""})
}

type registerPage struct {
	From, To              string
	Channel, Unit, Status string
	Channels, Statuses    []string
	Units                 []registry.Unit
	Items                 []*registry.IncomingItem
}

func (h *handler) incomingRegister(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.incomingRegister"
	q := r.URL.Query()
	today := calendar.DateOf(h.clock()).String()
	p := &registerPage{From: q.Get("from"), To: q.Get("to"), Channel: q.Get("channel"), Unit: q.Get("unit"), Status: q.Get("status"),
		Channels: registry.IncomingChannels, Statuses: []string{"registered", "assigned", "accepted", "returned", "in_case"}}
	if p.From == "" && p.To == "" && !q.Has("from") {
		p.From, p.To = today, today
	}
	from, err := optDate(op, "from", p.From)
	if err != nil {
		return err
	}
	to, err := optDate(op, "to", p.To)
	if err != nil {
		return err
	}
	if p.Items, err = h.reg.IncomingRegister(r.Context(), rc.actor, registry.IncomingFilter{From: from, To: to, Channel: p.Channel, Unit: p.Unit, Status: p.Status, Limit: 1000}); err != nil {
		return err
	}
	if p.Units, err = h.reg.Units(r.Context(), rc.actor); err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "incoming_register", p)
}

func (h *handler) incomingItem(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	item, err := h.reg.Incoming(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	units, err := h.reg.Units(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "incoming_item", map[string]any{"Item": item, "Units": units, "Workflow": h.corr != nil})
}

// assignItem (re)assigns an item on the registry; a pending assignment is
// superseded.
func (h *handler) assignItem(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	deadline, err := optDate("ui.assignItem", "deadline", r.PostFormValue("deadline"))
	if err != nil {
		return err
	}
	if _, err := h.reg.Assign(r.Context(), rc.actor, id, registry.AssignTo{Unit: r.PostFormValue("unit"), Instruction: r.PostFormValue("instruction"), Deadline: deadline}); err != nil {
		return err
	}
	redirect(w, r, "/incoming/"+id.String(), "flash.assigned", "")
	return nil
}

func (h *handler) outgoingRegister(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.outgoingRegister"
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		t := calendar.DateOf(h.clock())
		from, to = t.AddDays(-30).String(), t.String()
	}
	f, err := optDate(op, "from", from)
	if err != nil {
		return err
	}
	t, err := optDate(op, "to", to)
	if err != nil {
		return err
	}
	items, err := h.reg.OutgoingRegister(r.Context(), rc.actor, registry.OutgoingFilter{From: f, To: t, Channel: q.Get("channel")})
	if err != nil {
		return err
	}
	return h.render(w, r, rc, http.StatusOK, "outgoing", map[string]any{"From": from, "To": to, "Channel": q.Get("channel"),
		"Channels": registry.OutgoingChannels, "Items": items})
}

func (h *handler) postalBookDay(r *http.Request) (calendar.Date, error) {
	v := r.URL.Query().Get("date")
	if v == "" {
		return calendar.DateOf(h.clock()), nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return d, engine.Invalid("ui.postalBook", "date", "date must be YYYY-MM-DD")
	}
	return d, nil
}

func (h *handler) postalBook(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	day, err := h.postalBookDay(r)
	if err != nil {
		return err
	}
	items, err := h.reg.PostalBook(r.Context(), rc.actor, day)
	if err != nil {
		return err
	}
	total := 0
	for _, o := range items {
		total += o.Postage
	}
	return h.render(w, r, rc, http.StatusOK, "postal_book", map[string]any{"Date": day.String(), "Items": items, "Total": total})
}

// postalKinds name the registered post channels in the printed book.
var postalKinds = map[string]string{"post_zpo": "polecona ZPO", "post_registered": "polecona", "post_priority": "polecona priorytetowa"}

// postalBookPDF prints the książka nadawcza of a day, as the API does.
func (h *handler) postalBookPDF(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	day, err := h.postalBookDay(r)
	if err != nil {
		return err
	}
	items, err := h.reg.PostalBook(r.Context(), rc.actor, day)
	if err != nil {
		return err
	}
	header := []string{"Lp.", "Adresat (imię i nazwisko lub nazwa)", "Dokładne miejsce doręczenia", "Nr nadawczy", "Rodzaj", "Opłata (zł)", "Uwagi"}
	cols := make([]forms.Column, len(header))
	for i, c := range header {
		cols[i] = forms.Column{Header: c}
	}
	rows := make([][]string, 0, len(items))
	total := 0
	for i, o := range items {
		rows = append(rows, []string{strconv.Itoa(i + 1), o.RecipientName, o.Address, o.TrackingNumber, postalKinds[o.Channel],
			fmt.Sprintf("%d,%02d", o.Postage/100, o.Postage%100), o.CaseSignature})
		total += o.Postage
	}
	if len(rows) == 0 {
		rows = [][]string{make([]string, len(header))}
		rows[0][0] = "—"
	}
	var buf bytes.Buffer
	err = forms.WriteTablePDF(&buf, forms.Table{Title: "Książka nadawcza — " + day.String(), Columns: cols, Rows: rows,
		Footer: fmt.Sprintf("Pozycji: %d; opłata razem: %d,%02d zł", len(items), total/100, total%100)}, h.clock())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="ksiazka-nadawcza-%s.pdf"`, day))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (h *handler) returnReceiptForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return h.render(w, r, rc, http.StatusOK, "receipts", map[string]any{"Date": calendar.DateOf(h.clock()).String(), "Basis": "zpo"})
}

// returnReceipt records a returned ZPO by its tracking number (typed, or
// scanned: a barcode scanner types the number and Enter).
func (h *handler) returnReceipt(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	const op = "ui.returnReceipt"
	basis := r.PostFormValue("basis")
	d := registry.Delivery{Basis: basis}
	day, err := optDate(op, "date", r.PostFormValue("date"))
	if err != nil {
		return err
	}
	if basis == "storage" {
		d.FirstNotice = day
	} else {
		d.Date = day
	}
	tracking := r.PostFormValue("tracking")
	var o *registry.OutgoingItem
	if h.corr != nil {
		o, err = h.corr.ReturnReceipt(r.Context(), rc.actor, who(rc.actor), tracking, d)
	} else {
		o, err = h.reg.RegisterReturnReceipt(r.Context(), rc.actor, tracking, d)
	}
	data := map[string]any{"Date": r.PostFormValue("date"), "Basis": basis}
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 {
			return err
		}
		data["Error"], data["Tracking"] = &p, tracking
		return h.render(w, r, rc, p.Status, "receipts", data)
	}
	data["Done"] = o
	return h.render(w, r, rc, http.StatusOK, "receipts", data)
}

func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, engine.E("ui.pathID", engine.KindNotFound, "no such page")
	}
	return id, nil
}

func parseUUID(op, field, v string) (uuid.UUID, error) {
	id, err := uuid.Parse(v)
	if err != nil {
		return uuid.Nil, engine.Invalid(op, field, "%s must be an identifier (UUID)", field)
	}
	return id, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
