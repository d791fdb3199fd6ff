package mail

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
)

// Register files an e-mail (.eml) as an incoming item of channel "email".
// The message itself is the item's first file — it is what the office
// received — and each attachment of an accepted type a further file; other
// attachments stay inside the .eml and are listed in the notes. The
// Message-ID makes a second import of the same mail return the first entry.
func Register(ctx context.Context, reg *registry.Service, blobs blob.Store, a *registry.Actor, raw []byte, maxBytes int64) (*registry.IncomingItem, error) {
	const op = "mail.Register"
	msg, err := Parse(bytes.NewReader(raw), Limits{MaxBytes: maxBytes})
	if err != nil {
		return nil, err
	}
	var files []registry.File
	discard := func() {
		for _, f := range files {
			_ = f.Blob.Discard()
		}
	}
	stage := func(name, mediaType string, content []byte) error {
		f, err := registry.StageFile(ctx, blobs, name, mediaType, content, maxBytes)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	}
	if err := stage("wiadomosc.eml", "message/rfc822", raw); err != nil {
		return nil, err
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
			discard()
			return nil, err
		}
	}
	sender := registry.NewCaseParty{Party: registry.Party{Name: msg.From.Name, Email: msg.From.Email}}
	if sender.Name == "" {
		sender.Name = msg.From.Email
	}
	if sender.Name == "" {
		discard()
		return nil, engine.Invalid(op, "From", "the message has no sender")
	}
	subject := strings.TrimSpace(msg.Subject)
	if subject == "" {
		subject = "(bez tematu)"
	}
	externalID := ""
	if msg.MessageID != "" {
		externalID = "message-id:" + msg.MessageID
	}
	item, err := reg.RegisterIncoming(ctx, a, registry.NewIncoming{Channel: "email", Kind: "letter", Sender: sender, Subject: subject,
		Attachments: len(msg.Attachments), ExternalID: externalID, Notes: strings.Join(notes, "; "), Files: files})
	if err != nil {
		discard() // a no-op for blobs a registration committed
		return nil, err
	}
	return item, nil
}
