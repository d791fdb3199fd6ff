package web

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"obieg.dev/obieg/adapters/mail"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// importEML registers an e-mail (.eml) as an incoming item of channel
// "email". The message itself is kept as the item's first file — it is what
// the office received — and each attachment of an accepted type becomes a
// further file; other attachments stay inside the .eml and are listed in the
// notes. The Message-ID makes a second import of the same mail return the
// first entry.
func (s *Server) importEML(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	const op = "web.importEML"
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "message/rfc822" {
		return &mediaTypeError{want: "message/rfc822", got: r.Header.Get("Content-Type")}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.maxUpload))
	if err != nil {
		return engine.E(op, engine.KindTooLarge, fmt.Sprintf("the message is larger than %d bytes", s.maxUpload))
	}
	msg, err := mail.Parse(bytes.NewReader(raw), mail.Limits{MaxBytes: s.maxUpload})
	if err != nil {
		return err
	}
	u := &upload{}
	defer u.discard()
	stage := func(name, mediaType string, content []byte) error {
		st, err := s.blobs.Stage(r.Context(), bytes.NewReader(content), s.maxUpload)
		if err != nil {
			return err
		}
		head := content
		if len(head) > 512 {
			head = head[:512]
		}
		u.files = append(u.files, registry.File{Name: name, MediaType: mediaType, Head: head, Blob: st})
		return nil
	}
	subject := strings.TrimSpace(msg.Subject)
	if subject == "" {
		subject = "(bez tematu)"
	}
	if err := stage("wiadomosc.eml", "message/rfc822", raw); err != nil {
		return err
	}
	var notes []string
	for i, att := range msg.Attachments {
		if err := registry.CheckFile(fmt.Sprintf("attachments[%d]", i), att.SafeName, att.MediaType); err != nil {
			notes = append(notes, fmt.Sprintf("załącznik %q (%s) pozostaje tylko w wiadomości: %s", att.FileName, att.MediaType, engine.MessageOf(err)))
			continue
		}
		if att.FileName != att.SafeName {
			notes = append(notes, fmt.Sprintf("załącznik %q zapisano jako %q", att.FileName, att.SafeName))
		}
		if err := stage(att.SafeName, att.MediaType, att.Content); err != nil {
			return err
		}
	}
	sender := registry.NewCaseParty{Party: registry.Party{Name: msg.From.Name, Email: msg.From.Email}}
	if sender.Name == "" {
		sender.Name = msg.From.Email
	}
	if sender.Name == "" {
		return engine.Invalid(op, "From", "the message has no sender")
	}
	externalID := ""
	if msg.MessageID != "" {
		externalID = "message-id:" + msg.MessageID
	}
	item, err := s.reg.RegisterIncoming(r.Context(), a, registry.NewIncoming{Channel: "email", Kind: "letter", Sender: sender,
		Subject: subject, Attachments: len(msg.Attachments), ExternalID: externalID, Notes: strings.Join(notes, "; "), Files: u.files})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if item.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/incoming/"+item.ID.String())
	writeJSON(w, status, item)
	return nil
}
