package edoreczenia

import (
	"context"
	"crypto/sha3"
	"encoding/base64"
	"log/slog"
	"slices"
	"strings"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// ReferenceKey is the key of MessageMetadata.additionalData under which a
// sent message carries our identifier of the letter (the outgoing entry's
// id). The UA API has no field for a sender's reference; additionalData is
// its free key → value map and comes back with the message's metadata.
const ReferenceKey = "obiegReference"

// Sender delivers letters through e-Doręczenia (publiczna usługa
// rejestrowanego doręczenia elektronicznego).
//
// Idempotency: sending is "look up, then send". Before posting, SendMessage
// lists the sender mailbox's SENT messages to the same addressee with the
// same subject and takes one whose additionalData[ReferenceKey] is our id;
// only when none is found does it post. A retried job (after a timeout, a
// crash between the post and our commit) therefore finds the message it
// sent and returns its id instead of sending it twice. Two sends of the
// same id running at the same moment could both miss each other: the
// dispatch runs one job per letter (River's unique job key), and the
// simulator additionally refuses a second message with the same reference
// from the same mailbox.
type Sender struct {
	Client *Client
	// From is the office's sender address; SenderAddress, when set, chooses
	// one per letter instead (e.g. the unit's own address from the case
	// signature's unit, registry.EDeliverySender).
	From          string
	SenderAddress func(ctx context.Context, caseSignature string) (string, error)
	Logger        *slog.Logger
}

// Letter is one letter to send.
type Letter struct {
	ID            string // our identifier (the outgoing entry), carried as ReferenceKey
	To            string // the addressee's ADE
	CaseSignature string // znak sprawy: MessageMetadata.caseId and the thread's case
	Title         string // the subject
	Text          string // optional text part (at most 5000 characters)
	FileName      string
	MediaType     string
	Content       []byte
}

// Send implements the dispatch's sender interface for channel "edoreczenia".
func (s *Sender) Send(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) error {
	if channel != "edoreczenia" {
		return engine.Errorf("edoreczenia.Send", engine.KindInvalid, "the e-Doręczenia sender cannot deliver through %s", channel)
	}
	_, err := s.SendMessage(ctx, Letter{ID: id, To: address, CaseSignature: caseSignature, Title: title,
		FileName: fileName, MediaType: mediaType, Content: content})
	return err
}

// SendMessage sends a letter once and returns the service's message id,
// which the caller records on the outgoing entry (evidences name it).
func (s *Sender) SendMessage(ctx context.Context, l Letter) (string, error) {
	const op = "edoreczenia.SendMessage"
	to, err := ParseADE(l.To)
	if err != nil {
		return "", engine.E(op, engine.Field("address"), err)
	}
	switch {
	case strings.TrimSpace(l.ID) == "":
		return "", engine.Invalid(op, "id", "the letter has no identifier")
	case strings.TrimSpace(l.Title) == "":
		return "", engine.Invalid(op, "title", "the letter has no title")
	case len(l.Content) == 0:
		return "", engine.Invalid(op, "content", "the letter is empty")
	case len([]rune(l.Text)) > 5000:
		return "", engine.Invalid(op, "text", "the text part is longer than 5000 characters")
	}
	if err := registry.CheckFile("fileName", l.FileName, l.MediaType); err != nil {
		return "", err
	}
	from, err := s.from(ctx, l.CaseSignature)
	if err != nil {
		return "", err
	}
	if id, err := s.find(ctx, from, to.String(), l.ID, l.Title); err != nil || id != "" {
		return id, err
	}
	threadID, err := s.thread(ctx, from, l.CaseSignature)
	if err != nil {
		return "", err
	}
	sum := sha3.Sum256(l.Content)
	fileID := uuid.NewSHA1(uuid.NameSpaceURL, []byte("obieg:"+l.ID+":1")).String()
	m := &Message{
		Metadata: &MessageMetadata{
			From: &AddressData{EDeliveryAddress: from}, To: []AddressData{{EDeliveryAddress: to.String()}},
			Subject: l.Title, CaseID: l.CaseSignature, ThreadID: threadID, ShippingService: "electronic",
			AdditionalData: map[string]string{ReferenceKey: l.ID},
		},
		TextBody: l.Text,
		Attachments: []Attachment{{Order: 1, File: &FileData{File: l.Content, Metadata: &FileMetadata{
			FileID: fileID, Filename: l.FileName, ContentType: l.MediaType, Size: int64(len(l.Content)),
			Alg: "SHA-3", Hash: base64.StdEncoding.EncodeToString(sum[:])}}}},
	}
	info, err := s.Client.SendMessage(ctx, from, m)
	if err != nil {
		return "", err
	}
	if info.MessageTaskID == "" {
		return "", engine.Errorf(op, engine.KindUnavailable, "e-Doręczenia accepted the letter but named no sending task")
	}
	results, err := s.Client.TaskResult(ctx, from, info.MessageTaskID)
	if err != nil {
		return "", err
	}
	for _, r := range results {
		if r.Error != "" {
			return "", engine.Errorf(op, engine.KindInvalid, "e-Doręczenia refused the letter to %s: %s %s", to, r.Error, clip(r.ErrorDescription))
		}
		if r.MessageID != "" {
			s.logger().InfoContext(ctx, "e-Doręczenia letter sent", "reference", l.ID, "message", r.MessageID, "from", from, "to", to.String())
			return r.MessageID, nil
		}
	}
	// Still being sent: a retry finds the message by its reference.
	return "", engine.Errorf(op, engine.KindUnavailable, "e-Doręczenia is still sending the letter (task %s)", clip(info.MessageTaskID))
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Sender) from(ctx context.Context, caseSignature string) (string, error) {
	const op = "edoreczenia.SendMessage"
	addr := s.From
	if s.SenderAddress != nil {
		a, err := s.SenderAddress(ctx, caseSignature)
		if err != nil {
			return "", err
		}
		addr = a
	}
	a, err := ParseADE(addr)
	if err != nil {
		return "", engine.E(op, engine.Field("from"), "the sender address is not valid", err)
	}
	return a.String(), nil
}

// find looks for a message already sent under our reference.
func (s *Sender) find(ctx context.Context, from, to, ref, subject string) (string, error) {
	const pageSize, maxPages = 100, 20
	for page := range maxPages {
		res, err := s.Client.ListMessages(ctx, from, ListOptions{Label: "SENT", Recipient: to, Subject: subject, Format: "metadata",
			Offset: page * pageSize, Limit: pageSize, SortColumn: "submissionDate", SortDirection: "desc"})
		if err != nil {
			return "", err
		}
		for _, m := range res.Messages {
			if m.Metadata != nil && m.Metadata.AdditionalData[ReferenceKey] == ref && m.ID() != "" {
				return m.ID(), nil
			}
		}
		if len(res.Messages) < pageSize {
			return "", nil
		}
	}
	return "", nil
}

// thread returns the thread of the case, so that every letter of a case
// goes in one thread (the UA API's threads carry case signatures).
func (s *Sender) thread(ctx context.Context, from, caseSignature string) (string, error) {
	if caseSignature == "" {
		return "", nil
	}
	ts, err := s.Client.ListThreads(ctx, from, caseSignature)
	if err != nil {
		return "", err
	}
	for _, t := range ts.Threads {
		if slices.Contains(t.CaseIDs, caseSignature) {
			return t.ThreadID, nil
		}
	}
	return "", nil
}

// SendMessageID is Send that also gives the service's message id (the
// dispatch's MessageSender): the outgoing entry keeps it.
func (s *Sender) SendMessageID(ctx context.Context, channel, address, id, caseSignature, title, fileName, mediaType string, content []byte) (string, error) {
	if channel != "edoreczenia" {
		return "", engine.Errorf("edoreczenia.Send", engine.KindInvalid, "the e-Doręczenia sender cannot deliver through %s", channel)
	}
	return s.SendMessage(ctx, Letter{ID: id, To: address, CaseSignature: caseSignature, Title: title,
		FileName: fileName, MediaType: mediaType, Content: content})
}
