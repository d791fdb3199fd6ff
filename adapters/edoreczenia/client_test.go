package edoreczenia_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/adapters/edoreczenia/sim"
	"obieg.dev/obieg/engine"
)

func pdf(text string) []byte { return []byte("%PDF-1.4\n% " + text + "\n%%EOF\n") }

// The whole API surface the client covers, against the simulator, every
// request and response checked against the document.
func TestClientAgainstSimulator(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	content := pdf("decyzja")
	msg := &edoreczenia.Message{
		Metadata: &edoreczenia.MessageMetadata{From: &edoreczenia.AddressData{EDeliveryAddress: officeADE},
			To: []edoreczenia.AddressData{{EDeliveryAddress: citizenADE}}, Subject: "Decyzja w sprawie podatku",
			CaseID: "FN.3120.1.2026", ShippingService: "electronic", AdditionalData: map[string]string{"obiegReference": "o-1"}},
		TextBody: "W załączeniu decyzja.",
		Attachments: []edoreczenia.Attachment{{Order: 1, File: &edoreczenia.FileData{File: content,
			Metadata: &edoreczenia.FileMetadata{FileID: "F-1", Filename: "decyzja.pdf", ContentType: "application/pdf", Size: int64(len(content))}}}},
	}
	info := must[*edoreczenia.MessageInfo](t)(e.office.SendMessage(ctx, officeADE, msg))
	res := must[[]edoreczenia.MessageTaskResult](t)(e.office.TaskResult(ctx, officeADE, info.MessageTaskID))
	if len(res) != 1 || res[0].MessageID == "" {
		t.Fatalf("task result %+v", res)
	}
	id := res[0].MessageID

	sent := must[*edoreczenia.MessagesWrapper](t)(e.office.ListMessages(ctx, officeADE, edoreczenia.ListOptions{Label: "SENT", Format: "metadata"}))
	if len(sent.Messages) != 1 || sent.Messages[0].Metadata.AdditionalData["obiegReference"] != "o-1" {
		t.Fatalf("sent: %+v", sent.Messages)
	}
	inbox := must[*edoreczenia.MessagesWrapper](t)(e.citizen.ListMessages(ctx, citizenADE, edoreczenia.ListOptions{Label: "INBOX"}))
	if len(inbox.Messages) != 1 || inbox.Messages[0].ID() != id {
		t.Fatalf("inbox: %+v", inbox.Messages)
	}
	// The office may not read the citizen's box.
	_, err := e.office.ListMessages(ctx, citizenADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindForbidden)

	evs := must[[]edoreczenia.EvidenceInfo](t)(e.office.ListEvidences(ctx, officeADE, id))
	if codes := evidenceCodes(evs); codes != "A.1 D.1" {
		t.Fatalf("evidences before opening: %s", codes)
	}
	// The addressee reads the letter in full: proof of receipt.
	e.clock.Add(26 * time.Hour)
	got := must[*edoreczenia.Message](t)(e.citizen.GetMessage(ctx, citizenADE, id, "full"))
	if len(got.Attachments) != 1 || got.Attachments[0].File.File != nil || got.Metadata.CaseID != "FN.3120.1.2026" {
		t.Fatalf("full message: %+v", got)
	}
	att := must[*edoreczenia.Attachment](t)(e.citizen.GetAttachment(ctx, citizenADE, id, got.Attachments[0].AttachmentID))
	if !bytes.Equal(att.File.File, content) {
		t.Errorf("attachment content differs")
	}
	evs = must[[]edoreczenia.EvidenceInfo](t)(e.office.ListAddressEvidences(ctx, officeADE, true))
	if codes := evidenceCodes(evs); codes != "A.1 D.1 E.1" {
		t.Fatalf("evidences after opening: %s", codes)
	}
	one := must[*edoreczenia.EvidenceInfo](t)(e.office.GetEvidence(ctx, officeADE, evs[2].EvidenceID))
	raw := must[[]byte](t)(e.office.DownloadEvidence(ctx, officeADE, one.EvidenceID))
	ev := must[*edoreczenia.Evidence](t)(edoreczenia.ParseEvidence(raw))
	if kind, at := ev.DeliveryFact(); kind != edoreczenia.FactOpened || !at.Equal(e.clock.Now()) || ev.MessageID != id ||
		ev.Sender != officeADE || ev.Recipient != citizenADE {
		t.Fatalf("evidence: %s %v %+v", kind, at, ev)
	}
	if left := must[[]edoreczenia.EvidenceInfo](t)(e.office.ListAddressEvidences(ctx, officeADE, true)); len(left) != 2 {
		t.Errorf("downloaded evidence still listed as new: %d", len(left))
	}

	// Threads carry the case signature.
	th := must[*edoreczenia.Threads](t)(e.office.ListThreads(ctx, officeADE, "FN.3120.1.2026"))
	if len(th.Threads) != 1 || th.Threads[0].CaseIDs[0] != "FN.3120.1.2026" {
		t.Fatalf("threads: %+v", th)
	}
	thread := must[*edoreczenia.Thread](t)(e.office.GetThread(ctx, officeADE, th.Threads[0].ThreadID))
	if len(thread.Messages.Messages) != 1 {
		t.Fatalf("thread: %+v", thread)
	}
	if none := must[*edoreczenia.Threads](t)(e.office.ListThreads(ctx, officeADE, "XX.1.1.2026")); len(none.Threads) != 0 {
		t.Errorf("threads of another case: %+v", none)
	}

	// Drafts: create, attach, read, update, send; delete another.
	draft := &edoreczenia.Message{Metadata: &edoreczenia.MessageMetadata{To: []edoreczenia.AddressData{{EDeliveryAddress: firmADE}},
		Subject: "Wezwanie", ShippingService: "electronic"}}
	did := must[string](t)(e.office.CreateDraft(ctx, officeADE, draft))
	must[*edoreczenia.FileWrapper](t)(e.office.AddDraftAttachment(ctx, officeADE, did, &edoreczenia.FileData{File: pdf("wezwanie"),
		Metadata: &edoreczenia.FileMetadata{FileID: "F-2", Filename: "wezwanie.pdf", ContentType: "application/pdf"}}))
	d := must[*edoreczenia.Message](t)(e.office.GetDraft(ctx, officeADE, did))
	if len(d.Attachments) != 1 || d.Metadata.Subject != "Wezwanie" {
		t.Fatalf("draft: %+v", d)
	}
	d.Metadata.Subject = "Wezwanie do uzupełnienia"
	if err := e.office.UpdateDraft(ctx, officeADE, did, d); err != nil {
		t.Fatal(err)
	}
	if _, err := e.office.SendDraft(ctx, officeADE, did); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Count(firmADE, "INBOX"); n != 1 {
		t.Errorf("draft sent: firm has %d", n)
	}
	other := must[string](t)(e.office.CreateDraft(ctx, officeADE, draft))
	if err := e.office.DeleteDraft(ctx, officeADE, other); err != nil {
		t.Fatal(err)
	}
	_, err = e.office.GetDraft(ctx, officeADE, other)
	wantKind(t, err, engine.KindNotFound)

	// Subscriptions.
	sid := must[string](t)(e.office.Subscribe(ctx, officeADE, edoreczenia.SubscriptionCreate{MessageCallbackURL: "https://ezd.example/cb/messages",
		EvidenceCallbackURL: "https://ezd.example/cb/evidences"}))
	subs := must[[]edoreczenia.Subscription](t)(e.office.Subscriptions(ctx, officeADE))
	if len(subs) != 2 || subs[0].ID != sid || !subs[0].Status {
		t.Fatalf("subscriptions: %+v", subs)
	}
	if err := e.office.SetSubscription(ctx, officeADE, sid, false); err != nil {
		t.Fatal(err)
	}
	if err := e.office.Unsubscribe(ctx, officeADE); err != nil {
		t.Fatal(err)
	}
	if subs := must[[]edoreczenia.Subscription](t)(e.office.Subscriptions(ctx, officeADE)); len(subs) != 0 {
		t.Errorf("after delete: %+v", subs)
	}
}

func evidenceCodes(evs []edoreczenia.EvidenceInfo) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Type)
	}
	return strings.Join(s, " ")
}

func TestClientErrorKinds(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.office.GetMessage(ctx, officeADE, "NO-SUCH-MESSAGE", "full")
	wantKind(t, err, engine.KindNotFound)
	// 400 with the service's ErrorInfo: the message names the code.
	_, err = e.office.SendMessage(ctx, officeADE, &edoreczenia.Message{Metadata: &edoreczenia.MessageMetadata{
		To: []edoreczenia.AddressData{{EDeliveryAddress: "AE:PL-11111-22222-JANKO-99"}}, ShippingService: "electronic"}})
	wantKind(t, err, engine.KindInvalid)
	if !strings.Contains(err.Error(), "INVALID_RECIPIENT") {
		t.Errorf("error does not carry the service's code: %v", err)
	}
	e.sim.SetFaults(sim.Faults{Every: 1})
	_, err = e.office.ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnavailable)
	e.sim.SetFaults(sim.Faults{})

	// Statuses the simulator does not produce, from a stub server.
	for status, kind := range map[int]engine.Kind{409: engine.KindConflict, 404: engine.KindNotFound, 422: engine.KindInvalid,
		500: engine.KindUnavailable, 502: engine.KindUnavailable, 429: engine.KindUnavailable, 403: engine.KindForbidden} {
		stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`[{"error":"E","error_description":"stub"}]`))
		}))
		c := &edoreczenia.Client{BaseURL: stub.URL + "/api/v1"}
		_, err := c.ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
		stub.Close()
		wantKind(t, err, kind)
	}
	// Nobody listening, and a server too slow.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = (&edoreczenia.Client{BaseURL: dead.URL}).ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnavailable)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	_, err = (&edoreczenia.Client{BaseURL: slow.URL, HTTP: &http.Client{Timeout: 50 * time.Millisecond}}).ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnavailable)
	// A wrong secret.
	bad := &edoreczenia.Client{BaseURL: e.srv.URL + "/api/v1", Auth: &edoreczenia.Auth{TokenURL: e.srv.URL + "/oauth2/token", ClientID: "obieg", ClientSecret: "nie"}}
	_, err = bad.ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnauthenticated)
}

// countTokens counts requests to the token endpoint.
type countTokens struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *countTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/oauth2/token") {
		c.n.Add(1)
	}
	return c.base.RoundTrip(r)
}

// The client assertion (RFC 7523) signed with the office's key, the token
// cached until it nearly expires, a refused token dropped.
func TestAuthJWTAssertionAndTokenCache(t *testing.T) {
	clk := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	key := newKey(t, "Urząd Gminy Testowo", nil, false)
	s := sim.New(sim.Options{Clock: clk.Now, TokenTTL: 10 * time.Minute, Clients: []sim.Client{{ID: "ezd-testowo", Cert: key.Certificate}}})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	defer s.Close()
	counter := &countTokens{base: newSpecCheck(t, srv.URL, nil)}
	hc := &http.Client{Transport: counter}
	auth := &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: "ezd-testowo", Key: key, HTTP: hc, Clock: clk.Now}
	c := &edoreczenia.Client{BaseURL: srv.URL + "/api/v1", Auth: auth, HTTP: hc}
	ctx := context.Background()
	for range 3 {
		must[*edoreczenia.MessagesWrapper](t)(c.ListMessages(ctx, officeADE, edoreczenia.ListOptions{}))
	}
	if n := counter.n.Load(); n != 1 {
		t.Errorf("%d token requests for 3 calls, want 1 (cached)", n)
	}
	clk.Add(9*time.Minute + 40*time.Second) // within the 30 s skew of expiry
	must[*edoreczenia.MessagesWrapper](t)(c.ListMessages(ctx, officeADE, edoreczenia.ListOptions{}))
	if n := counter.n.Load(); n != 2 {
		t.Errorf("%d token requests after expiry, want 2", n)
	}
	// Another key is refused.
	other := newKey(t, "ktoś inny", nil, false)
	_, err := (&edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: hc,
		Auth: &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: "ezd-testowo", Key: other, HTTP: hc, Clock: clk.Now}}).
		ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnauthenticated)
	// An assertion is used once only (jti).
	a, err := auth.Assertion()
	if err != nil || strings.Count(a, ".") != 2 {
		t.Fatalf("assertion %q: %v", a, err)
	}
}

// Mutual TLS: the server requires a client certificate from the office's
// CA; without it the connection fails (KindUnavailable).
func TestMutualTLS(t *testing.T) {
	ca := newKey(t, "Test CA", nil, true)
	office := newKey(t, "ezd.testowo.example", ca, false)
	s := sim.New(sim.Options{Clients: []sim.Client{{ID: "obieg", Secret: "x"}}})
	defer s.Close()
	srv := httptest.NewUnstartedServer(s.Handler())
	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	hc, err := edoreczenia.HTTPClient(office, roots, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	hc.Transport = newSpecCheck(t, srv.URL, hc.Transport)
	c := &edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: hc, Auth: &edoreczenia.Auth{TokenURL: srv.URL + "/oauth2/token", ClientID: "obieg", ClientSecret: "x", HTTP: hc}}
	ctx := context.Background()
	must[*edoreczenia.MessagesWrapper](t)(c.ListMessages(ctx, officeADE, edoreczenia.ListOptions{}))

	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	_, err = (&edoreczenia.Client{BaseURL: srv.URL + "/api/v1", HTTP: plain}).ListMessages(ctx, officeADE, edoreczenia.ListOptions{})
	wantKind(t, err, engine.KindUnavailable)
}
