package edoreczenia

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob"
)

// Inbox takes letters from the office's e-Doręczenia mailboxes into the
// incoming register (domain-rules §4) and hands evidences of the office's
// own letters to OnEvidence.
//
// The service is known to suffer from clients that ask for the same message
// over and over, so the inbox remembers what it fetched (State): messages
// are listed oldest first from a cursor (the submission date of the last
// registered one, plus the ids registered at that instant), each message
// registered is marked, and neither is read again. Callbacks
// (CallbackHandler) fetch the one message or evidence they name at once;
// Run polls as a fallback and backs off after errors. Registration is
// idempotent besides: the external id "edoreczenia:<messageId>" makes the
// registry return the first entry for a message handed over again.
type Inbox struct {
	Client    *Client
	Registry  *registry.Service
	Blobs     blob.Store // the store the registry keeps documents in
	Addresses []string   // the office's mailboxes (ADE) to read
	// Actor is whom registrations are recorded for: an integrator account.
	Actor func(ctx context.Context) (*registry.Actor, error)
	// OnEvidence receives each evidence of a letter the office sent (its
	// parsed fields and raw signed XML); the dispatch turns it into the
	// delivery date of the outgoing entry (DeliveryDate). An error leaves
	// the evidence to be handed over again by a later run. Nil: evidences of
	// sent letters are not read.
	OnEvidence func(ctx context.Context, a *registry.Actor, ev *Evidence, raw []byte) error
	State      State // default: in memory (lost on restart; see State)
	Logger     *slog.Logger
	Clock      func() time.Time
	PageSize   int           // messages per list call (default 500; the API allows 2000)
	Max        int           // messages registered per address per run (default 500)
	Interval   time.Duration // polling period of Run (default 5 min)
	MaxBackoff time.Duration // longest wait after repeated errors (default 30 min)
	// Overlap is how far before the cursor a sweep lists, for messages
	// whose submission date is older than one already registered (the
	// service places messages in boxes asynchronously); the messages listed
	// again are skipped by id, not read (default 6 h). A sweep runs every
	// SweepEvery (default 1 h); other runs list from the cursor on, so a
	// run asks for little besides what is new.
	Overlap    time.Duration
	SweepEvery time.Duration

	once    sync.Once
	work    sync.Mutex // one pull or callback fetch at a time
	partial []*partial // what was fetched of messages not yet registered
	// Evidences listed but not yet handed over: the service marks an
	// evidence downloaded when it sends it, so one whose answer was lost
	// is no longer listed as new and would be lost with it.
	pendingEv map[string]map[string]EvidenceInfo
	evSwept   map[string]time.Time // last full listing of a mailbox's evidences
}

// partial keeps what was read of a message whose registration has not
// finished, so that a retry after an error asks the service only for the
// rest: a client repeating every call of an attempt would, against a
// service failing every n-th call, never get through (and adds the load
// the service suffers from).
type partial struct {
	addr, id    string
	msg         *Message
	attachments map[string][]byte
	evidences   []EvidenceInfo
	evidenceXML map[string][]byte
}

// maxPartial bounds the messages kept half-fetched.
const maxPartial = 8

// partialFor returns the partial fetch of a message, starting one.
func (in *Inbox) partialFor(addr, id string) *partial {
	for _, p := range in.partial {
		if p.addr == addr && p.id == id {
			return p
		}
	}
	p := &partial{addr: addr, id: id, attachments: map[string][]byte{}, evidenceXML: map[string][]byte{}}
	if len(in.partial) == maxPartial {
		in.partial = in.partial[1:]
	}
	in.partial = append(in.partial, p)
	return p
}

func (in *Inbox) forget(p *partial) {
	for i, q := range in.partial {
		if q == p {
			in.partial = append(in.partial[:i:i], in.partial[i+1:]...)
			return
		}
	}
}

// Pulled is what one run did.
type Pulled struct {
	Registered int // new incoming items
	Repeated   int // messages already registered, found again
	Evidences  int // evidences handed to OnEvidence
	Bad        int // evidences that could not be read (logged, skipped)
}

func (in *Inbox) init() {
	in.once.Do(func() {
		if in.State == nil {
			in.State = NewMemoryState()
		}
		if in.Logger == nil {
			in.Logger = slog.Default()
		}
		if in.Clock == nil {
			in.Clock = time.Now
		}
	})
}

// Pull reads every configured mailbox once: new messages, then new
// evidences. An error stops the run; what was done stays done.
func (in *Inbox) Pull(ctx context.Context) (Pulled, error) {
	in.init()
	in.work.Lock()
	defer in.work.Unlock()
	var out Pulled
	a, err := in.Actor(ctx)
	if err != nil {
		return out, err
	}
	for _, addr := range in.Addresses {
		if err := in.pullMessages(ctx, a, addr, &out); err != nil {
			return out, err
		}
		if in.OnEvidence != nil {
			if err := in.pullEvidences(ctx, a, addr, &out); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func (in *Inbox) pullMessages(ctx context.Context, a *registry.Actor, addr string, out *Pulled) error {
	pageSize, limit := in.PageSize, in.Max
	if pageSize <= 0 {
		pageSize = 500
	}
	if limit <= 0 {
		limit = 500
	}
	cur, err := in.State.Cursor(ctx, addr)
	if err != nil {
		return err
	}
	overlap, every := in.Overlap, in.SweepEvery
	if overlap <= 0 {
		overlap = 6 * time.Hour
	}
	if every <= 0 {
		every = time.Hour
	}
	from, now := cur.Since, in.Clock()
	switch {
	case cur.Swept.IsZero():
		cur.Swept = now // the first run lists everything anyway
	case !cur.Since.IsZero() && now.Sub(cur.Swept) >= every:
		from, cur.Swept = cur.Since.Add(-overlap), now
	}
	if err := in.State.SetCursor(ctx, addr, cur); err != nil {
		return err
	}
	listedNow := map[string]bool{} // the service may list a message twice
	done := 0
	for offset := 0; ; {
		page, err := in.Client.ListMessages(ctx, addr, ListOptions{Label: "INBOX", Format: "metadata", SubmissionFrom: from,
			SortColumn: "submissionDate", SortDirection: "asc", Offset: offset, Limit: pageSize})
		if err != nil {
			return err
		}
		for _, m := range page.Messages {
			id := m.ID()
			if id == "" || listedNow[id] {
				continue
			}
			listedNow[id] = true
			seen, err := in.State.Seen(ctx, addr, KindMessage, id)
			if err != nil {
				return err
			}
			if !seen {
				if err := in.fetchMessage(ctx, a, addr, id, out); err != nil {
					return err
				}
				done++
			}
			if at := submitted(&m); !at.IsZero() && at.After(cur.Since) {
				cur.Since = at
				if err := in.State.SetCursor(ctx, addr, cur); err != nil {
					return err
				}
			}
			if done >= limit {
				return nil
			}
		}
		if len(page.Messages) < pageSize {
			return nil
		}
		offset += pageSize
	}
}

// submitted is the instant a listed message was sent, for the cursor.
func submitted(m *Message) time.Time {
	if m.Metadata == nil {
		return time.Time{}
	}
	for _, t := range []*time.Time{m.Metadata.SubmissionDate, m.Metadata.Timestamp} {
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// FetchMessage registers the one message named (a callback's), unless it
// was registered already.
func (in *Inbox) FetchMessage(ctx context.Context, addr, id string) error {
	in.init()
	in.work.Lock()
	defer in.work.Unlock()
	if seen, err := in.State.Seen(ctx, addr, KindMessage, id); err != nil || seen {
		return err
	}
	a, err := in.Actor(ctx)
	if err != nil {
		return err
	}
	return in.fetchMessage(ctx, a, addr, id, &Pulled{})
}

func (in *Inbox) fetchMessage(ctx context.Context, a *registry.Actor, addr, id string, out *Pulled) error {
	// Reading in full marks the message opened: the service issues the
	// proof of receipt (KPA art. 61 §3a: the case starts on its date).
	p := in.partialFor(addr, id)
	if p.msg == nil {
		m, err := in.Client.GetMessage(ctx, addr, id, "full")
		if err != nil {
			return err
		}
		p.msg = m
	}
	item, err := in.register(ctx, a, p)
	if err != nil {
		return err
	}
	in.forget(p)
	if item.Existing {
		out.Repeated++
	} else {
		out.Registered++
	}
	return in.State.MarkSeen(ctx, addr, KindMessage, id)
}

// register files one message as an incoming item: the text part, the
// attachments of accepted types and the evidences of the message (the proof
// of receipt) as files of its document.
func (in *Inbox) register(ctx context.Context, a *registry.Actor, p *partial) (*registry.IncomingItem, error) {
	const op = "edoreczenia.Register"
	addr, m := p.addr, p.msg
	md := m.Metadata
	if md == nil || md.MessageID == "" {
		return nil, engine.Errorf(op, engine.KindUnavailable, "e-Doręczenia returned a message without metadata")
	}
	var files []registry.File
	var notes []string
	discard := func() {
		for _, f := range files {
			_ = f.Blob.Discard()
		}
	}
	stage := func(name, mediaType string, data []byte) error {
		f, err := registry.StageFile(ctx, in.Blobs, name, mediaType, data, MaxAttachmentSize)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	}
	if strings.TrimSpace(m.TextBody) != "" {
		if err := stage("tresc.txt", "text/plain; charset=utf-8", []byte(m.TextBody)); err != nil {
			discard()
			return nil, err
		}
	}
	for i, att := range m.Attachments {
		name, mt := fmt.Sprintf("zalacznik-%d", i+1), "application/octet-stream"
		if att.File != nil && att.File.Metadata != nil {
			if att.File.Metadata.Filename != "" {
				name = att.File.Metadata.Filename
			}
			if att.File.Metadata.ContentType != "" {
				mt = att.File.Metadata.ContentType
			}
		}
		if err := registry.CheckFile("attachment", name, mt); err != nil {
			notes = append(notes, fmt.Sprintf("załącznik %q (%s) nie przyjęty: %s — pozostaje w skrzynce e-Doręczeń", clip(name), clip(mt), engine.MessageOf(err)))
			continue
		}
		var content []byte
		if att.File != nil {
			content = att.File.File
		}
		if len(content) == 0 && att.AttachmentID != "" {
			content = p.attachments[att.AttachmentID]
			if content == nil {
				full, err := in.Client.GetAttachment(ctx, addr, md.MessageID, att.AttachmentID)
				if err != nil {
					discard()
					return nil, err
				}
				if full.File != nil {
					content = full.File.File
				}
				p.attachments[att.AttachmentID] = content
			}
		}
		if len(content) == 0 {
			notes = append(notes, fmt.Sprintf("załącznik %q pusty", clip(name)))
			continue
		}
		if err := stage(name, mt, content); err != nil {
			discard()
			return nil, err
		}
	}
	received, evNotes, err := in.stageEvidences(ctx, p, stage)
	notes = append(notes, evNotes...)
	if err != nil {
		discard()
		return nil, err
	}
	if received.IsZero() {
		for _, t := range []*time.Time{md.ReceiptDate, md.SubmissionDate, md.Timestamp} {
			if t != nil {
				received = *t
				break
			}
		}
		notes = append(notes, "brak dowodu otrzymania: data wpływu z metadanych wiadomości")
	}
	if received.IsZero() {
		received = in.Clock()
	}
	sender := registry.Party{Kind: "person"}
	if md.From != nil {
		sender.Name = md.From.Contributor.Name()
		if md.From.Contributor != nil && md.From.Contributor.CompanyName != "" {
			sender.Kind = "organisation"
		}
		if ade, err := ParseADE(md.From.EDeliveryAddress); err == nil {
			sender.ADE = ade.String()
		} else if md.From.EDeliveryAddress != "" {
			notes = append(notes, fmt.Sprintf("adres nadawcy %q nieprawidłowy", clip(md.From.EDeliveryAddress)))
		}
	}
	if sender.Name == "" {
		sender.Name = strings.TrimSpace("nadawca e-Doręczeń " + sender.ADE)
	}
	subject := strings.TrimSpace(md.Subject)
	if subject == "" {
		subject = "Wiadomość e-Doręczeń " + md.MessageID
	}
	in.Logger.DebugContext(ctx, "registering e-Doręczenia message", "address", addr, "message", md.MessageID, "files", len(files))
	item, err := in.Registry.RegisterIncoming(ctx, a, registry.NewIncoming{Channel: "edoreczenia", Kind: "letter", ReceivedAt: &received,
		Sender: registry.NewCaseParty{Party: sender}, SenderRef: md.CaseID, Subject: subject,
		ExternalID: "edoreczenia:" + md.MessageID, Notes: strings.Join(notes, "; "), Files: files, AllowDuplicate: true})
	if err != nil {
		discard()
		return nil, err
	}
	return item, nil
}

// stageEvidences keeps the message's evidences as files and returns the
// time of its proof of receipt (zero when there is none yet).
func (in *Inbox) stageEvidences(ctx context.Context, p *partial, stage func(name, mt string, data []byte) error) (time.Time, []string, error) {
	const maxEvidences = 8
	if p.evidences == nil {
		infos, err := in.Client.ListEvidences(ctx, p.addr, p.id)
		if err != nil {
			return time.Time{}, nil, err
		}
		p.evidences = append([]EvidenceInfo{}, infos...)
	}
	infos := p.evidences
	var received time.Time
	var notes []string
	names := map[string]int{}
	for i, info := range infos {
		if i == maxEvidences {
			notes = append(notes, fmt.Sprintf("%d dalszych dowodów pozostaje w skrzynce", len(infos)-maxEvidences))
			break
		}
		raw := p.evidenceXML[info.EvidenceID]
		if raw == nil {
			var err error
			if raw, err = in.Client.DownloadEvidence(ctx, p.addr, info.EvidenceID); err != nil {
				return time.Time{}, nil, err
			}
			p.evidenceXML[info.EvidenceID] = raw
		}
		ev, err := ParseEvidence(raw)
		code := NormalizeCode(info.Type)
		if err != nil {
			notes = append(notes, fmt.Sprintf("dowód %s nieczytelny: %s", clip(info.EvidenceID), engine.MessageOf(err)))
		} else {
			if ev.Code != "" {
				code = ev.Code
			}
			if k, t := ev.DeliveryFact(); (k == FactOpened || k == FactDeemed) && (received.IsZero() || t.Before(received)) {
				received = t
			}
		}
		name := "dowod"
		if code != "" && registry.CheckFile("f", "dowod-"+code+".xml", "application/xml") == nil {
			name += "-" + code
		}
		names[name]++
		if names[name] > 1 {
			name = fmt.Sprintf("%s-%d", name, names[name])
		}
		if err := stage(name+".xml", "application/xml", raw); err != nil {
			return time.Time{}, nil, err
		}
	}
	return received, notes, nil
}

// pullEvidences hands the new evidences of the mailbox's sent letters to
// OnEvidence, each once. It lists those not yet downloaded, plus those it
// listed before and did not finish; every SweepEvery (and on the first run)
// it lists all, for any lost otherwise (State skips those handed over).
func (in *Inbox) pullEvidences(ctx context.Context, a *registry.Actor, addr string, out *Pulled) error {
	if in.pendingEv == nil {
		in.pendingEv, in.evSwept = map[string]map[string]EvidenceInfo{}, map[string]time.Time{}
	}
	pending := in.pendingEv[addr]
	if pending == nil {
		pending = map[string]EvidenceInfo{}
		in.pendingEv[addr] = pending
	}
	every := in.SweepEvery
	if every <= 0 {
		every = time.Hour
	}
	now := in.Clock()
	last, swept := in.evSwept[addr]
	sweep := !swept || now.Sub(last) >= every
	infos, err := in.Client.ListAddressEvidences(ctx, addr, !sweep)
	if err != nil {
		return err
	}
	if sweep {
		in.evSwept[addr] = now
	}
	for _, info := range infos {
		if info.EvidenceID != "" {
			if _, ok := pending[info.EvidenceID]; !ok {
				pending[info.EvidenceID] = info
			}
		}
	}
	ids := make([]string, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	when := func(id string) time.Time {
		if t := pending[id].EventDate; t != nil {
			return *t
		}
		return time.Time{}
	}
	slices.SortFunc(ids, func(x, y string) int {
		if c := when(x).Compare(when(y)); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	for _, id := range ids {
		info := pending[id]
		if err := in.evidence(ctx, a, addr, &info, out); err != nil {
			return err
		}
		delete(pending, id)
	}
	return nil
}

// FetchEvidence hands the one evidence named (a callback's) to OnEvidence,
// unless it was handed over already.
func (in *Inbox) FetchEvidence(ctx context.Context, addr, evidenceID string) error {
	in.init()
	in.work.Lock()
	defer in.work.Unlock()
	if in.OnEvidence == nil {
		return nil
	}
	if seen, err := in.State.Seen(ctx, addr, KindEvidence, evidenceID); err != nil || seen {
		return err
	}
	info, err := in.Client.GetEvidence(ctx, addr, evidenceID)
	if err != nil {
		return err
	}
	a, err := in.Actor(ctx)
	if err != nil {
		return err
	}
	return in.evidence(ctx, a, addr, info, &Pulled{})
}

func (in *Inbox) evidence(ctx context.Context, a *registry.Actor, addr string, info *EvidenceInfo, out *Pulled) error {
	if seen, err := in.State.Seen(ctx, addr, KindEvidence, info.EvidenceID); err != nil || seen {
		return err
	}
	if info.From != nil && info.From.EDeliveryAddress != "" && info.From.EDeliveryAddress != addr {
		// An evidence of a letter the office received: kept with that letter.
		return in.State.MarkSeen(ctx, addr, KindEvidence, info.EvidenceID)
	}
	raw, err := in.Client.DownloadEvidence(ctx, addr, info.EvidenceID)
	if err != nil {
		return err
	}
	ev, err := ParseEvidence(raw)
	if err != nil {
		// Not retried (it would be read again and again): the evidence stays
		// in the mailbox for a person to look at.
		in.Logger.ErrorContext(ctx, "e-Doręczenia evidence cannot be read", "address", addr, "evidence", info.EvidenceID, "err", err)
		out.Bad++
		return in.State.MarkSeen(ctx, addr, KindEvidence, info.EvidenceID)
	}
	if ev.MessageID == "" {
		ev.MessageID = info.MessageID
	}
	if ev.Code == "" {
		ev.Code = NormalizeCode(info.Type)
	}
	if ev.MessageID != "" {
		m, err := in.Client.GetMessage(ctx, addr, ev.MessageID, "metadata")
		switch {
		case err == nil && m.Metadata != nil:
			ev.Reference = m.Metadata.AdditionalData[ReferenceKey]
		case err != nil && !engine.Is(engine.KindNotFound, err):
			return err
		}
	}
	if err := in.OnEvidence(ctx, a, ev, raw); err != nil {
		return err
	}
	out.Evidences++
	return in.State.MarkSeen(ctx, addr, KindEvidence, info.EvidenceID)
}

// Run pulls every Interval until ctx ends, waiting twice as long after
// each failed run (up to MaxBackoff) so that an outage of the service is
// not made worse.
func (in *Inbox) Run(ctx context.Context) error {
	in.init()
	interval, maxBackoff := in.Interval, in.MaxBackoff
	if interval <= 0 {
		interval = 5 * time.Minute
	}
	if maxBackoff <= 0 {
		maxBackoff = 30 * time.Minute
	}
	wait := interval
	for {
		got, err := in.Pull(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			wait = min(wait*2, maxBackoff)
			in.Logger.WarnContext(ctx, "e-Doręczenia pull failed", "err", err, "retry_in", wait)
		default:
			wait = interval
			if got.Registered+got.Evidences > 0 {
				in.Logger.InfoContext(ctx, "e-Doręczenia pulled", "registered", got.Registered, "repeated", got.Repeated, "evidences", got.Evidences)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
