package edoreczenia_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

const postMessages = "POST /{eDeliveryAddress}/messages"

// loseFirstSend lets the first POST …/messages reach the server and then
// reports a timeout, as when the answer is lost on the way back.
type loseFirstSend struct {
	base http.RoundTripper
	done atomic.Bool
}

func (l *loseFirstSend) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := l.base.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") && l.done.CompareAndSwap(false, true) {
		res.Body.Close()
		return nil, errors.New("simulated timeout after the server took the letter")
	}
	return res, err
}

func TestSenderSendsOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lossy := &loseFirstSend{base: e.check}
	e.office.HTTP = &http.Client{Transport: lossy}
	s := &edoreczenia.Sender{Client: e.office, From: officeADE}
	letter := edoreczenia.Letter{ID: "out-1", To: citizenADE, CaseSignature: "FN.3120.7.2026", Title: "Decyzja", FileName: "decyzja.pdf",
		MediaType: "application/pdf", Content: pdf("decyzja 1")}
	_, err := s.SendMessage(ctx, letter)
	wantKind(t, err, engine.KindUnavailable) // the answer was lost, the letter was sent
	id1 := must[string](t)(s.SendMessage(ctx, letter))
	id2 := must[string](t)(s.SendMessage(ctx, letter))
	if id1 == "" || id1 != id2 {
		t.Fatalf("ids %q %q", id1, id2)
	}
	if n := e.sim.Count(citizenADE, "INBOX"); n != 1 {
		t.Fatalf("%d letters in the addressee's box, want 1", n)
	}
	if n := e.check.Calls(postMessages); n != 1 {
		t.Fatalf("%d POSTs of the letter, want 1 (retries look it up)", n)
	}
	// Through the dispatch's interface; a second letter of the case joins its thread.
	if err := s.Send(ctx, "edoreczenia", citizenADE, "out-2", "FN.3120.7.2026", "Postanowienie", "post.pdf", "application/pdf", pdf("2")); err != nil {
		t.Fatal(err)
	}
	th := must[*edoreczenia.Threads](t)(e.office.ListThreads(ctx, officeADE, "FN.3120.7.2026"))
	if len(th.Threads) != 1 || th.Threads[0].MessagesCount != 2 {
		t.Fatalf("threads of the case: %+v", th.Threads)
	}
	wantKind(t, s.Send(ctx, "epuap", citizenADE, "out-3", "", "x", "x.pdf", "application/pdf", pdf("3")), engine.KindInvalid)
	err = s.Send(ctx, "edoreczenia", "AE:PL-11111-22222-JANKO-99", "out-3", "", "x", "x.pdf", "application/pdf", pdf("3"))
	if engine.FieldOf(err) != "address" {
		t.Errorf("bad address: %v (field %q)", err, engine.FieldOf(err))
	}
	wantKind(t, s.Send(ctx, "edoreczenia", citizenADE, "out-3", "", "x", "x.exe", "application/x-msdownload", pdf("3")), engine.KindInvalid)
	// The sender address chosen per letter.
	other := &edoreczenia.Sender{Client: e.office, SenderAddress: func(ctx context.Context, sig string) (string, error) {
		if !strings.HasPrefix(sig, "FN.") {
			return "", engine.Errorf("test", engine.KindNotFound, "no address")
		}
		return officeADE, nil
	}}
	wantKind(t, other.Send(ctx, "edoreczenia", citizenADE, "out-4", "OR.1.1.2026", "x", "x.pdf", "application/pdf", pdf("4")), engine.KindNotFound)
}

// From the evidences of a sent letter to its legal delivery date: opened,
// and (another letter) deemed by the simulator's clock.
func TestSenderEvidenceToDeliveryDate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s := &edoreczenia.Sender{Client: e.office, From: officeADE}
	opened := must[string](t)(s.SendMessage(ctx, edoreczenia.Letter{ID: "a", To: citizenADE, Title: "A", FileName: "a.pdf", MediaType: "application/pdf", Content: pdf("a")}))
	ignored := must[string](t)(s.SendMessage(ctx, edoreczenia.Letter{ID: "b", To: citizenADE, Title: "B", FileName: "b.pdf", MediaType: "application/pdf", Content: pdf("b")}))
	sentOn := calendar.DateOf(e.clock.Now())
	e.clock.Add(3 * 24 * time.Hour)
	if !e.sim.Open(opened) {
		t.Fatal("open")
	}
	e.clock.Add(12 * 24 * time.Hour) // 15 days after sending
	e.sim.Tick()
	facts := map[string][]edoreczenia.Fact{}
	for _, info := range must[[]edoreczenia.EvidenceInfo](t)(e.office.ListAddressEvidences(ctx, officeADE, true)) {
		raw := must[[]byte](t)(e.office.DownloadEvidence(ctx, officeADE, info.EvidenceID))
		ev := must[*edoreczenia.Evidence](t)(edoreczenia.ParseEvidence(raw))
		facts[ev.MessageID] = append(facts[ev.MessageID], edoreczenia.FactOf(ev))
	}
	d := must[edoreczenia.Delivery](t)(edoreczenia.DeliveryDate(e.clock.Now(), facts[opened]...))
	if d.Basis != edoreczenia.BasisOpened || d.Date != sentOn.AddDays(3) {
		t.Errorf("opened letter: %+v", d)
	}
	d = must[edoreczenia.Delivery](t)(edoreczenia.DeliveryDate(e.clock.Now(), facts[ignored]...))
	if d.Basis != edoreczenia.BasisDeemed || d.Date != sentOn.AddDays(15) || !d.FromEvidence {
		t.Errorf("ignored letter: %+v (sent %s)", d, sentOn)
	}
	m := must[*edoreczenia.Message](t)(e.office.GetMessage(ctx, officeADE, ignored, "metadata"))
	if m.ControlData.Status != edoreczenia.StatusDeemed {
		t.Errorf("status %q", m.ControlData.Status)
	}
}
