package epuap

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"strings"

	"obieg.dev/obieg/adapters/sign"
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
	// qualified trust services, ePUAP's Profil Zaufany CA); nil verifies
	// signatures but reports every chain as untrusted.
	Trust *x509.CertPool
	// Actor is whom registrations are recorded for: an integrator account.
	Actor  func(ctx context.Context) (*registry.Actor, error)
	Logger *slog.Logger
	// Max bounds the documents taken in one run (default 100).
	Max int
	// OnReceipt, when set, receives every UPD/UPP pulled from the box (its
	// raw XML and parsed fields) instead of registering it as an incoming
	// item: the dispatch records the delivery on its outgoing entry.
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
			files[0].Signature = in.verify(content)
			if !files[0].Signature.Valid {
				notes = append(notes, "podpis NIEWAŻNY: "+strings.Join(files[0].Signature.Problems, "; "))
			}
		}
		for _, att := range doc.Attachments {
			switch {
			case att.URI != "":
				notes = append(notes, fmt.Sprintf("załącznik %q w FileRepo (%s): nie pobrano", att.FileName, att.URI))
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

func safeXMLName(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".xml") && registry.CheckFile("f", name, "application/xml") == nil {
		return name
	}
	return "dokument.xml"
}

func (in *Inbox) stageFile(ctx context.Context, name, mediaType string, data []byte) (registry.File, error) {
	st, err := in.Blobs.Stage(ctx, bytes.NewReader(data), MaxDocumentSize)
	if err != nil {
		return registry.File{}, err
	}
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	return registry.File{Name: name, MediaType: mediaType, Head: head, Blob: st}, nil
}

// verify checks the XAdES signature of a document: every reference with
// SignedProperties, the signing certificate's digest, the chain to Trust.
func (in *Inbox) verify(doc []byte) *registry.SignatureCheck {
	res, err := sign.VerifyEnveloped(doc, in.Trust)
	if err != nil {
		return &registry.SignatureCheck{Problems: []string{"podpis nieczytelny: " + err.Error()}}
	}
	c := &registry.SignatureCheck{Valid: res.Valid, Problems: res.Problems}
	if res.Signer != nil {
		c.Signer = res.Signer.Subject.String()
	}
	if !res.SigningTime.IsZero() {
		t := res.SigningTime
		c.SigningTime = &t
	}
	if pz := res.ProfilZaufany; pz != nil {
		c.GivenName, c.FamilyName, c.PESEL = pz.GivenName, pz.FamilyName, pz.PESEL
	}
	return c
}
