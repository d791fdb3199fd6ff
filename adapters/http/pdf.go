package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/forms"
)

// writePDF renders into memory first, so a failure is a clean error
// response, not half a file.
func writePDF(w http.ResponseWriter, name string, render func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, name))
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (s *Server) registerPDF(w http.ResponseWriter, r *http.Request, file, title string, header []string, rows [][]string) error {
	cols := make([]forms.Column, len(header))
	for i, h := range header {
		cols[i] = forms.Column{Header: h}
	}
	if len(rows) == 0 {
		rows = [][]string{make([]string, len(header))}
		rows[0][0] = "—"
	}
	subtitle := ""
	if q := r.URL.Query(); q.Get("from") != "" || q.Get("to") != "" {
		subtitle = fmt.Sprintf("Okres: %s – %s", q.Get("from"), q.Get("to"))
	}
	return writePDF(w, file, func(b *bytes.Buffer) error {
		return forms.WriteTablePDF(b, forms.Table{Title: title, Subtitle: subtitle, Columns: cols, Rows: rows,
			Footer: fmt.Sprintf("Pozycji: %d", len(rows))}, time.Now())
	})
}

func address(name, text string) forms.Address {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return forms.Address{Name: name, Lines: lines}
}

// labels prints address labels for the letters of a day's postal book.
func (s *Server) labels(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	day, err := dateParam(r, "date")
	if err != nil {
		return err
	}
	if day == nil {
		return engine.Invalid("web.labels", "date", "date (YYYY-MM-DD) is required")
	}
	items, err := s.reg.PostalBook(r.Context(), a, *day)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return engine.Errorf("web.labels", engine.KindNotFound, "no letters were sent by post on %s", day)
	}
	addrs := make([]forms.Address, len(items))
	for i, o := range items {
		addrs[i] = address(o.RecipientName, o.Address)
	}
	return writePDF(w, "etykiety-"+day.String(), func(b *bytes.Buffer) error { return forms.WriteLabelsPDF(b, addrs) })
}

// zpo prints the return-receipt form of one letter.
func (s *Server) zpo(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	office, err := s.reg.OfficeOf(r.Context(), a)
	if err != nil {
		return err
	}
	o, err := s.reg.Outgoing(r.Context(), a, id)
	if err != nil {
		return err
	}
	if o.TrackingNumber == "" {
		return engine.Errorf("web.zpo", engine.KindConflict, "%s has no tracking number yet: mark it sent first", o.Number)
	}
	// The law of the proceedings decides the form: KPA art. 39 or, in tax
	// matters, Ordynacja podatkowa art. 144.
	basis := forms.BasisKPA
	switch r.URL.Query().Get("basis") {
	case "", "kpa":
	case "op":
		basis = forms.BasisOP
	default:
		return engine.Invalid("web.zpo", "basis", "basis must be kpa or op")
	}
	z := forms.ZPO{Sender: address(office.Name, office.Address), Recipient: address(o.RecipientName, o.Address),
		CaseSignature: o.CaseSignature, Document: o.Number, TrackingNumber: o.TrackingNumber, Basis: basis}
	return writePDF(w, "zpo-"+o.TrackingNumber, func(b *bytes.Buffer) error { return forms.WriteZPOPDF(b, []forms.ZPO{z}) })
}
