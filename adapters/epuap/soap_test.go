package epuap

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

// Known values, from `printf '…' | openssl dgst -sha1 -binary | base64`
// (sha1sum: da39a3ee…0709 for "", a9993e36…d89d for "abc").
func TestSkrot(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
		"abc":               "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=",
		"Zażółć gęślą jaźń": "g5s+zTnFrEEYok4+vuNAGw9i0fw=",
	} {
		eq(t, "Skrot("+in+")", Skrot([]byte(in)), want)
	}
	// The reference potwierdzOdebranie body carries the skrot of empty content.
	root := must[*node](t)(parseXML("test", fixture(t, "soap-pull-potwierdzOdebranie.request-body.example.xml"), MaxEnvelopeSize))
	eq(t, "example skrot", root.kidStr("skrot"), Skrot(nil))
}

func TestPullRequestsRoundTrip(t *testing.T) {
	content := []byte("<dokument>treść</dokument>")
	for _, c := range []struct {
		op    string
		env   []byte
		skrot string
	}{
		{OpOczekujaceDokumenty, OczekujaceDokumenty("urzadgminyx", "domyslna"), ""},
		{OpPobierzNastepny, PobierzNastepny("urzadgminyx", "domyslna"), ""},
		{OpPotwierdzOdebranie, PotwierdzOdebranie("urzadgminyx", "domyslna", content), Skrot(content)},
	} {
		req := must[*Request](t)(ParseSOAPRequest(c.env))
		eq(t, "operation", req.Operation, c.op)
		if req.Pull == nil || req.Nadaj != nil || req.Dorecz != nil {
			t.Fatalf("%s: payload %+v", c.op, req)
		}
		want := PullRequest{Entity: "urzadgminyx", Box: "domyslna", Address: "/urzadgminyx/domyslna", Skrot: c.skrot}
		eq(t, c.op+" payload", *req.Pull, want)
		if !bytes.Contains(c.env, []byte(`wsu:Id="`+BodyID+`"`)) || !bytes.Contains(c.env, []byte("<soapenv:Header/>")) {
			t.Errorf("%s: envelope lacks the Body id or the empty Header:\n%s", c.op, c.env)
		}
	}
}

func TestPullRequestExample(t *testing.T) {
	req := must[*Request](t)(ParseSOAPRequest(fixture(t, "soap-pull-oczekujaceDokumenty.request.example.xml")))
	eq(t, "operation", req.Operation, OpOczekujaceDokumenty)
	eq(t, "payload", *req.Pull, PullRequest{Entity: "urzadgminyx", Box: "domyslna", Address: "/urzadgminyx/domyslna"})
	if len(req.Headers) != 0 {
		t.Errorf("headers %v, want none (wsse:Security is left out)", req.Headers)
	}
}

func signedDoc() []byte {
	return []byte(`<?xml version="1.0"?><a:Doc xmlns:a="urn:a"><a:T>x &amp; y</a:T><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></a:Doc>`)
}

func TestNadajRoundTrip(t *testing.T) {
	in := NadajRequest{
		Entity: "urzadgminyx", To: "/adresat/domyslna", ReplyTo: "/urzadgminyx/domyslna", Trial: true,
		Extra:    []byte(`<dane a="1"/>`),
		Document: Document{FileName: "odpowiedz <1>.xml", MediaType: "text/xml", Content: signedDoc()},
	}
	env := must[[]byte](t)(Nadaj(in))
	req := must[*Request](t)(ParseSOAPRequest(env))
	eq(t, "operation", req.Operation, OpNadaj)
	got := *req.Nadaj
	if !bytes.Equal(got.Extra, in.Extra) || !bytes.Equal(got.Document.Content, in.Document.Content) {
		t.Errorf("bytes differ: %q %q", got.Extra, got.Document.Content)
	}
	eq(t, "nadaj", got.Entity+"|"+got.To+"|"+got.ReplyTo+"|"+got.Document.FileName+"|"+got.Document.MediaType,
		in.Entity+"|"+in.To+"|"+in.ReplyTo+"|"+in.Document.FileName+"|"+in.Document.MediaType)
	eq(t, "trial", got.Trial, true)
	eq(t, "header AdresSkrytki", req.Headers["AdresSkrytki"], "/adresat/domyslna")
	eq(t, "header CzyProbne", req.Headers["CzyProbne"], "true")
	// The parameters are headers, the Body holds only ob:Dokument.
	head, body, _ := bytes.Cut(env, []byte("<soapenv:Body"))
	for _, h := range []string{"obi:IdentyfikatorPodmiotu", "obi:AdresSkrytki", "obi:AdresOdpowiedzi", "obi:CzyProbne", "obi:DaneDodatkowe"} {
		if !bytes.Contains(head, []byte("<"+h+">")) || bytes.Contains(body, []byte("<"+h)) {
			t.Errorf("%s is not (only) in the SOAP Header", h)
		}
	}
}

func TestNadajValidation(t *testing.T) {
	ok := NadajRequest{Entity: "u", To: "/a/b", ReplyTo: "/u/b", Document: Document{FileName: "a.xml", Content: []byte("<a/>")}}
	must[[]byte](t)(Nadaj(ok))
	for name, c := range map[string]struct {
		mod  func(*NadajRequest)
		kind engine.Kind
	}{
		"no entity":     {func(r *NadajRequest) { r.Entity = "" }, engine.KindInvalid},
		"long entity":   {func(r *NadajRequest) { r.Entity = strings.Repeat("ż", 101) }, engine.KindInvalid},
		"bad box":       {func(r *NadajRequest) { r.To = "adresat" }, engine.KindInvalid},
		"no file name":  {func(r *NadajRequest) { r.Document.FileName = " " }, engine.KindInvalid},
		"empty content": {func(r *NadajRequest) { r.Document.Content = nil }, engine.KindInvalid},
		"too large":     {func(r *NadajRequest) { r.Document.Content = make([]byte, MaxDocumentSize+1) }, engine.KindTooLarge},
	} {
		t.Run(name, func(t *testing.T) {
			r := ok
			c.mod(&r)
			_, err := Nadaj(r)
			wantKind(t, err, c.kind)
		})
	}
}

func TestDoreczRoundTrip(t *testing.T) {
	in := DoreczRequest{
		Entity: "urzadgminyx", To: "/jan_kowalski/domyslna", ReplyTo: "/urzadgminyx/domyslna",
		Deadline:   time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
		DocumentID: "GK.6733.1.2024-decyzja", CaseID: "GK.6733.1.2024",
		UPD:      &Document{FileName: "upd.xml", MediaType: "text/xml", Content: []byte("<upd/>")},
		Document: Document{FileName: "decyzja.xml", MediaType: "text/xml", Content: signedDoc()},
	}
	env := must[[]byte](t)(Dorecz(in))
	req := must[*Request](t)(ParseSOAPRequest(env))
	eq(t, "operation", req.Operation, OpDorecz)
	got := *req.Dorecz
	if !got.Deadline.Equal(in.Deadline) || !bytes.Equal(got.Document.Content, in.Document.Content) ||
		got.UPD == nil || !bytes.Equal(got.UPD.Content, in.UPD.Content) || got.UPD.FileName != "upd.xml" {
		t.Fatalf("dorecz = %+v", got)
	}
	got.Deadline, got.Document.Content, got.UPD = in.Deadline, in.Document.Content, in.UPD
	if got.Extra != nil {
		t.Errorf("Extra = %q, want nil", got.Extra)
	}
	eq(t, "dorecz ids", got.DocumentID+"|"+got.CaseID+"|"+got.To+"|"+got.ReplyTo+"|"+got.Entity,
		in.DocumentID+"|"+in.CaseID+"|"+in.To+"|"+in.ReplyTo+"|"+in.Entity)
	eq(t, "header TerminDoreczenia", req.Headers["TerminDoreczenia"], "2024-06-01T00:00:00Z")

	unsigned := in
	unsigned.Document.Content = []byte("<a/>")
	_, err := Dorecz(unsigned)
	wantKind(t, err, engine.KindInvalid)
	eq(t, "field", engine.FieldOf(err), "dokument.zawartosc")
	unsigned.Document.Content = []byte("%PDF-1.4")
	_, err = Dorecz(unsigned)
	wantKind(t, err, engine.KindInvalid)
}

func TestRequestExamples(t *testing.T) {
	req := must[*Request](t)(ParseSOAPRequest(fixture(t, "soap-skrytka-nadaj.request.filled.xml")))
	eq(t, "nadaj op", req.Operation, OpNadaj)
	eq(t, "nadaj to", req.Nadaj.To, "/adresat/domyslna")
	eq(t, "nadaj reply", req.Nadaj.ReplyTo, "/urzadgminyx/domyslna")
	eq(t, "nadaj file", req.Nadaj.Document.FileName, "odpowiedz.xml")
	eq(t, "nadaj trial", req.Nadaj.Trial, false)
	if !bytes.HasPrefix(req.Nadaj.Document.Content, []byte("<?xml")) {
		t.Errorf("content %q", req.Nadaj.Document.Content)
	}
	req = must[*Request](t)(ParseSOAPRequest(fixture(t, "soap-doreczyciel-dorecz.request.filled.xml")))
	eq(t, "dorecz op", req.Operation, OpDorecz)
	d := req.Dorecz
	eq(t, "dorecz case", d.CaseID, "GK.6733.1.2024")
	eq(t, "dorecz doc id", d.DocumentID, "GK.6733.1.2024-decyzja")
	eq(t, "dorecz deadline", d.Deadline.Equal(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), true)
	eq(t, "dorecz to", d.To, "/jan_kowalski/domyslna")
	eq(t, "dorecz entity", d.Entity, "urzadgminyx")
	// The verbatim examples carry placeholder base64: a clean KindInvalid.
	for _, f := range []string{"soap-skrytka-nadaj.request.example.xml", "soap-doreczyciel-dorecz.request.example.xml"} {
		_, err := ParseSOAPRequest(fixture(t, f))
		wantKind(t, err, engine.KindInvalid)
	}
}

func TestParseRequestUnknown(t *testing.T) {
	for _, in := range []string{
		`<a/>`,
		`<s:Envelope xmlns:s="` + NSSOAP + `"><s:Body/></s:Envelope>`,
		`<s:Envelope xmlns:s="` + NSSOAP + `"><s:Body><x:Y xmlns:x="urn:x"/></s:Body></s:Envelope>`,
		`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`,
	} {
		_, err := ParseSOAPRequest([]byte(in))
		wantKind(t, err, engine.KindInvalid)
	}
}

func TestResponseExamples(t *testing.T) {
	w := must[*Waiting](t)(ParseOczekujaceDokumentyResponse(fixture(t, "soap-pull-oczekujaceDokumenty.response.example.xml")))
	eq(t, "waiting", *w, Waiting{Status: Status{1, "OK"}, Count: 3})

	r := must[*Received](t)(ParsePobierzNastepnyResponse(fixture(t, "soap-pull-pobierzNastepny.response.filled.xml")))
	eq(t, "status", r.Status, Status{1, "OK"})
	eq(t, "sender", r.Sender, BoxSender{ID: "jan_kowalski", PersonType: "F", FirstName: "Jan", Surname: "Kowalski",
		PESEL: "00000000000", Consent: true, User: "jan_kowalski"})
	eq(t, "sender name", r.Sender.Name(), "Jan Kowalski")
	eq(t, "sent at", r.SentAt.UTC(), time.Date(2024, 5, 23, 12, 34, 19, 549e6, time.UTC))
	eq(t, "box", r.BoxName+" "+r.BoxAddress+" "+r.ReplyTo, "domyslna /urzadgminyx/domyslna /jan_kowalski/domyslna")
	eq(t, "test", r.Test, false)
	eq(t, "extra", string(r.Extra), `<?xml version="1.0" encoding="UTF-8"?><DaneDodatkowe/>`)
	eq(t, "file", r.Document.FileName, "Pismo ogolne do podmiotu publicznego.xml")
	eq(t, "type", r.Document.MediaType, "application/xml")
	if !bytes.Equal(r.Document.Content, fixture(t, "pismo-ogolne-1410.filled.xml")) {
		t.Errorf("content is not the pismo")
	}
	_, err := ParsePobierzNastepnyResponse(fixture(t, "soap-pull-pobierzNastepny.response.example.xml"))
	wantKind(t, err, engine.KindInvalid) // placeholder base64

	st, err := ParsePotwierdzOdebranieResponse(fixture(t, "soap-pull-potwierdzOdebranie.response.example.xml"))
	wantKind(t, err, engine.KindInvalid)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != -1 || st.Code != -1 || !strings.HasPrefix(se.Message, "Nie znaleziono") {
		t.Errorf("status error %v / %+v", err, st)
	}

	n := must[*NadajResponse](t)(ParseNadajResponse(fixture(t, "soap-skrytka-nadaj.response.example.xml")))
	eq(t, "doc id", n.DocumentID, "12345678")
	eq(t, "upp id", n.UPPID, "87654321")
	if n.RecipientStatus == nil || *n.RecipientStatus != (Status{Code: 1}) || n.UPP == nil {
		t.Fatalf("nadaj response %+v", n)
	}
	eq(t, "upp file", n.UPP.FileName, "UPP.xml")
	upp := must[*Receipt](t)(ParseReceipt(n.UPP.Content))
	eq(t, "upp kind", upp.Kind, "UPP")

	d := must[*DoreczResponse](t)(ParseDoreczResponse(fixture(t, "soap-doreczyciel-dorecz.response.example.xml")))
	eq(t, "dorecz", *d, DoreczResponse{Status: Status{1, "OK"}, DocumentID: "GK.6733.1.2024-decyzja", OrderID: "ZL-0001"})

	// A response of another operation is refused.
	_, err = ParseNadajResponse(fixture(t, "soap-pull-oczekujaceDokumenty.response.example.xml"))
	wantKind(t, err, engine.KindInvalid)
}

func TestFaults(t *testing.T) {
	err := ParseFault(fixture(t, "soap-fault.response.example.xml"))
	wantKind(t, err, engine.KindUnavailable)
	var f *Fault
	if !errors.As(err, &f) {
		t.Fatalf("%v does not wrap *Fault", err)
	}
	eq(t, "code", f.Code, "soapenv:Server")
	eq(t, "string", f.String, "…")
	if f.Status == nil || f.Status.Message != "…" || !strings.Contains(f.Detail, "Wyjatek") {
		t.Errorf("fault %+v", f)
	}

	err = ParseFault(fixture(t, "soap-fault-client.response.example.xml"))
	wantKind(t, err, engine.KindInvalid)
	if !errors.As(err, &f) || f.Code != "env:Client" || *f.Status != (Status{-12, "Brak uprawnień"}) {
		t.Errorf("client fault %v", err)
	}
	// Every response parser returns the fault.
	_, err = ParsePobierzNastepnyResponse(fixture(t, "soap-fault.response.example.xml"))
	wantKind(t, err, engine.KindUnavailable)
	if !errors.As(err, &f) {
		t.Error("pobierzNastepny: no *Fault")
	}
	if err := ParseFault(fixture(t, "soap-pull-oczekujaceDokumenty.response.example.xml")); err != nil {
		t.Errorf("no fault: %v", err)
	}
	wantKind(t, ParseFault([]byte("not xml")), engine.KindInvalid)
	for code, kind := range map[string]engine.Kind{"soap:Client.Auth": engine.KindInvalid, "MustUnderstand": engine.KindInvalid, "Server": engine.KindUnavailable, "x:Other": engine.KindUnavailable} {
		wantKind(t, ParseFault(BuildFault(Fault{Code: code, String: "s"})), kind)
	}
}

func TestResponsesRoundTrip(t *testing.T) {
	w := must[*Waiting](t)(ParseOczekujaceDokumentyResponse(BuildOczekujaceDokumentyResponse(Status{1, "OK"}, 7)))
	eq(t, "count", w.Count, 7)
	_, err := ParseOczekujaceDokumentyResponse(BuildOczekujaceDokumentyResponse(Status{5, "x"}, 0))
	wantKind(t, err, engine.KindInvalid)

	in := Received{
		Status: Status{1, "OK"}, Sender: BoxSender{ID: "firma", PersonType: "P", Surname: "Firma & Syn", NIP: "1", Consent: true, System: "ezd"},
		SentAt: time.Date(2024, 5, 23, 14, 34, 19, 0, time.UTC), BoxName: "domyslna", BoxAddress: "/u/domyslna",
		ReplyTo: "/firma/domyslna", Test: true, Extra: []byte("<x/>"),
		Document: Document{FileName: "a.xml", MediaType: "text/xml", Content: []byte("<a/>")},
	}
	r := must[*Received](t)(ParsePobierzNastepnyResponse(BuildPobierzNastepnyResponse(in)))
	if !r.SentAt.Equal(in.SentAt) || string(r.Extra) != "<x/>" || string(r.Document.Content) != "<a/>" {
		t.Errorf("received %+v", r)
	}
	r.SentAt, r.Extra, r.Document.Content = in.SentAt, in.Extra, in.Document.Content
	eq(t, "sender", r.Sender, in.Sender)
	eq(t, "rest", r.BoxName+r.BoxAddress+r.ReplyTo+r.Document.FileName, in.BoxName+in.BoxAddress+in.ReplyTo+in.Document.FileName)

	// An OK answer without a document: the box is empty.
	_, err = ParsePobierzNastepnyResponse(BuildPobierzNastepnyResponse(Received{Status: Status{Code: 2}}))
	wantKind(t, err, engine.KindInvalid)
	empty := []byte(`<s:Envelope xmlns:s="` + NSSOAP + `"><s:Body><o:OdpowiedzPullPobierz xmlns:o="` + NSObiekty + `"><status><kod>1</kod><komunikat/></status></o:OdpowiedzPullPobierz></s:Body></s:Envelope>`)
	_, err = ParsePobierzNastepnyResponse(empty)
	wantKind(t, err, engine.KindNotFound)

	must[Status](t)(ParsePotwierdzOdebranieResponse(BuildPotwierdzOdebranieResponse(Status{1, "OK"})))

	nin := NadajResponse{Status: Status{1, "OK"}, DocumentID: "1", UPPID: "2", RecipientStatus: &Status{1, ""}, UPP: &Document{FileName: "UPP.xml", Content: fixture(t, "upp.example.xml")}}
	n := must[*NadajResponse](t)(ParseNadajResponse(BuildNadajResponse(nin)))
	if n.DocumentID != "1" || n.UPPID != "2" || *n.RecipientStatus != *nin.RecipientStatus || !bytes.Equal(n.UPP.Content, nin.UPP.Content) {
		t.Errorf("nadaj response %+v", n)
	}
	d := must[*DoreczResponse](t)(ParseDoreczResponse(BuildDoreczResponse(DoreczResponse{Status{1, "OK"}, "d", "z"})))
	eq(t, "dorecz", *d, DoreczResponse{Status{1, "OK"}, "d", "z"})
}

func TestSOAPAction(t *testing.T) {
	eq(t, "pull", SOAPAction(OpPobierzNastepny), "http://ws.epuap.gov.pl/pull/pobierzNastepny")
	eq(t, "dorecz", SOAPAction(OpDorecz), "http://ws.epuap.gov.pl/doreczyciel/dorecz")
	eq(t, "unknown", SOAPAction("x"), "")
}

func TestMTOMRefused(t *testing.T) {
	env := []byte(`<s:Envelope xmlns:s="` + NSSOAP + `"><s:Body><o:OdpowiedzSkrytki xmlns:o="` + NSObiekty + `"><status><kod>1</kod><komunikat/></status><identyfikatorDokumentu>1</identyfikatorDokumentu>` +
		`<zalacznik><nazwaPliku>UPP.xml</nazwaPliku><zawartosc><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:1"/></zawartosc></zalacznik></o:OdpowiedzSkrytki></s:Body></s:Envelope>`)
	_, err := ParseNadajResponse(env)
	wantKind(t, err, engine.KindInvalid)
	if !strings.Contains(err.Error(), "MTOM") {
		t.Errorf("error %v does not name MTOM", err)
	}
}
