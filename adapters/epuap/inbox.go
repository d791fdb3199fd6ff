package epuap

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
)

// Inbox takes documents from the office's ePUAP box into the incoming
// register (domain-rules §3): pulling is at-least-once, so every document
// is registered under its digest — a document delivered again is found,
// not registered twice — and acknowledged only after its registration has
// committed, so nothing is lost if the process dies in between.
type Inbox struct {
	Client   *Client
	Registry *registry.Service
	Blobs    blob.Store // the store the registry keeps documents in
	// Trust is the store of CA certificates signatures must chain to (the
	// qualified trust services, ePUAP's Profil Zaufany CA, the certificate
	// ePUAP signs UPP/UPD with); nil verifies signatures but reports every
	// chain as untrusted.
	Trust *x509.CertPool
	// Actor is whom registrations are recorded for: an integrator account.
	Actor  func(ctx context.Context) (*registry.Actor, error)
	Logger *slog.Logger
	// Max bounds the documents taken in one run (default 100).
	Max int
	// OnReceipt, when set, receives every UPD/UPP pulled from the box (its
	// raw XML, parsed fields and the verification of ePUAP's signature in
	// Receipt.Signature) instead of registering it as an incoming item: the
	// dispatch records the delivery on its outgoing entry. A receipt whose
	// signature fails is handed on flagged, not dropped (see VerifyReceipt).
	OnReceipt func(ctx context.Context, a *registry.Actor, r *Receipt) error
}

// Pulled is what one run did.
type Pulled struct {
	Registered int // new incoming items
	Repeated   int // documents already registered (delivered again), acknowledged now
	Receipts   int // UPD/UPP handed to OnReceipt
}

// PullAll registers and acknowledges documents until the box is empty or
// Max is reached. An error stops the run; what was done stays done.
func (in *Inbox) PullAll(ctx context.Context) (Pulled, error) {
	var out Pulled
	limit := in.Max
	if limit <= 0 {
		limit = 100
	}
	a, err := in.Actor(ctx)
	if err != nil {
		return out, err
	}
	for range limit {
		rec, err := in.Client.Next(ctx)
		if engine.Is(engine.KindNotFound, err) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(rec.Document.Content) == 0 {
			return out, engine.Errorf("epuap.PullAll", engine.KindUnavailable, "ePUAP returned an empty document from %s: left in the box", rec.BoxAddress)
		}
		if in.OnReceipt != nil {
			if r, err := ParseReceipt(rec.Document.Content); err == nil {
				r.Signature = VerifyReceipt(r, in.Trust)
				if !r.Signature.Valid {
					in.logger().Warn("ePUAP receipt with an invalid signature: recorded and flagged", slog.String("kind", r.Kind),
						slog.String("document", r.DocumentID), slog.Any("problems", r.Signature.Problems))
				}
				if err := in.OnReceipt(ctx, a, r); err != nil {
					return out, err // not acknowledged: taken again next run
				}
				if err := in.Client.Ack(ctx, rec.Document.Content); err != nil {
					return out, err
				}
				out.Receipts++
				continue
			}
		}
		item, err := in.register(ctx, a, rec)
		if err != nil {
			return out, err
		}
		if err := in.Client.Ack(ctx, rec.Document.Content); err != nil {
			return out, err // registered; the next run finds it and acknowledges again
		}
		if item.Existing {
			out.Repeated++
		} else {
			out.Registered++
		}
	}
	return out, nil
}

// register files one pulled document as an incoming item: the original XML
// as its first file, inline attachments of accepted types as the next.
func (in *Inbox) register(ctx context.Context, a *registry.Actor, rec *Received) (*registry.IncomingItem, error) {
	content := rec.Document.Content
	name := rec.Document.FileName
	if name == "" {
		name = "dokument.xml"
	}
	files := []registry.File{}
	stage := func(fileName, mediaType string, data []byte) error {
		f, err := in.stageFile(ctx, fileName, mediaType, data)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	}
	sender := registry.Party{Name: rec.Sender.Name(), PESEL: rec.Sender.PESEL, NIP: rec.Sender.NIP, REGON: rec.Sender.REGON, EPUAPAddress: rec.ReplyTo}
	if rec.Sender.PersonType == "P" {
		sender.Kind = "organisation"
	}
	subject := "Pismo z ePUAP: " + name
	var notes []string
	if doc, err := ParseDocument(content); err == nil {
		if doc.Title != "" {
			subject = doc.Title
		}
		if doc.Sender.Name != "" {
			sender.Name = doc.Sender.Name
		}
		if doc.Sender.PESEL != "" {
			sender.PESEL = doc.Sender.PESEL
		}
		if !doc.FormKnown {
			notes = append(notes, "formularz "+doc.FormNamespace+" nieznany: zachowano cały dokument")
		}
		if err := stage(safeXMLName(name), "application/xml", content); err != nil {
			return nil, err
		}
		if doc.Signed {
			files[0].Signature = verifySignature(content, in.Trust)
			if !files[0].Signature.Valid {
				notes = append(notes, "podpis NIEWAŻNY: "+strings.Join(files[0].Signature.Problems, "; "))
			}
		}
		for _, att := range doc.Attachments {
			switch {
			case att.URI != "":
				note, err := in.fetchAttachment(ctx, att, stage)
				if err != nil {
					for _, f := range files {
						_ = f.Blob.Discard()
					}
					return nil, err // FileRepo unavailable: the document stays in the box
				}
				if note != "" {
					notes = append(notes, note)
				}
			case att.Problem != "":
				notes = append(notes, fmt.Sprintf("załącznik %q: %s", att.FileName, att.Problem))
			case registry.CheckFile("attachment", att.FileName, att.MediaType) != nil:
				notes = append(notes, fmt.Sprintf("załącznik %q (%s) pozostaje tylko w dokumencie XML", att.FileName, att.MediaType))
			default:
				if err := stage(att.FileName, att.MediaType, att.Content); err != nil {
					return nil, err
				}
			}
		}
	} else {
		// Not XML we can read: keep it whole as what it claims to be.
		mt := rec.Document.MediaType
		if registry.CheckFile("document", name, mt) != nil {
			mt, name = "application/xml", safeXMLName(name)
		}
		if err := stage(name, mt, content); err != nil {
			return nil, err
		}
		notes = append(notes, "dokument nieczytelny jako formularz CRD: "+engine.MessageOf(err))
	}
	if sender.Name == "" {
		sender.Name = "nadawca ePUAP " + rec.ReplyTo
	}
	if sender.PESEL != "" && !registry.ValidPESEL(sender.PESEL) {
		notes = append(notes, "PESEL nadawcy "+sender.PESEL+" nieprawidłowy: pominięto")
		sender.PESEL = ""
	}
	received := rec.SentAt
	item, err := in.Registry.RegisterIncoming(ctx, a, registry.NewIncoming{Channel: "epuap", Kind: "letter", ReceivedAt: &received,
		Sender: registry.NewCaseParty{Party: sender}, Subject: subject, Attachments: len(files) - 1,
		ExternalID: "epuap:" + Skrot(content), Notes: strings.Join(notes, "; "), Files: files, AllowDuplicate: true})
	if err != nil {
		for _, f := range files {
			_ = f.Blob.Discard()
		}
		return nil, err
	}
	return item, nil
}

// fetchAttachment downloads an attachment referenced by URI into ePUAP's
// FileRepo and stages it as a file of the incoming item. A failure that
// may pass (FileRepo unavailable: KindUnavailable) is returned, so the
// document is not acknowledged and is taken again by the next run. A
// permanent one — a URI off the ePUAP host (never fetched: SSRF), a file
// FileRepo does not have, one over the size limit, a type the registry does
// not accept — becomes a note on the item: the letter is registered without
// that file rather than blocking the box, whose next document is always the
// oldest one.
func (in *Inbox) fetchAttachment(ctx context.Context, att Attachment, stage func(name, mediaType string, data []byte) error) (string, error) {
	data, err := in.Client.FetchFile(ctx, att.URI)
	switch {
	case engine.Is(engine.KindUnavailable, err):
		return "", err
	case err != nil:
		return fmt.Sprintf("załącznik %q w FileRepo (%s): nie pobrano — %s", att.FileName, att.URI, engine.MessageOf(err)), nil
	}
	if registry.CheckFile("attachment", att.FileName, att.MediaType) != nil {
		return fmt.Sprintf("załącznik %q (%s) z FileRepo (%s): typ niedopuszczony, nie zapisano", att.FileName, att.MediaType, att.URI), nil
	}
	return "", stage(att.FileName, att.MediaType, data)
}

func safeXMLName(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".xml") && registry.CheckFile("f", name, "application/xml") == nil {
		return name
	}
	return "dokument.xml"
}

func (in *Inbox) stageFile(ctx context.Context, name, mediaType string, data []byte) (registry.File, error) {
	return registry.StageFile(ctx, in.Blobs, name, mediaType, data, MaxDocumentSize)
}

func (in *Inbox) logger() *slog.Logger {
	if in.Logger != nil {
		return in.Logger
	}
	return slog.Default()
}
