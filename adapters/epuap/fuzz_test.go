package epuap

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

// seed adds every XML fixture to the fuzz corpus.
func seed(f *testing.F, extra ...[]byte) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, b := range extra {
		f.Add(b)
	}
}

// checkErr asserts an error is an engine error of a kind a parser may give.
func checkErr(t *testing.T, err error, kinds ...engine.Kind) {
	t.Helper()
	if err == nil {
		return
	}
	k := engine.KindOf(err)
	for _, want := range kinds {
		if k == want {
			return
		}
	}
	t.Fatalf("error %q of kind %v", err, k)
}

func FuzzParseDocument(f *testing.F) {
	seed(f, []byte(`<d xmlns:str="http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"><str:Zalacznik kodowanie="base64">YWJj</str:Zalacznik></d>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument(data)
		checkErr(t, err, engine.KindInvalid, engine.KindTooLarge)
		if err != nil {
			return
		}
		if !bytes.Equal(d.Raw, data) || d.Title == "" {
			t.Fatalf("raw kept: %v, title %q", bytes.Equal(d.Raw, data), d.Title)
		}
		// Independently decode each inline attachment's DaneZalacznika.
		root, err := parseXML("fuzz", data, MaxDocumentSize)
		if err != nil {
			t.Fatalf("ParseDocument accepted what parseXML refuses: %v", err)
		}
		zs := root.findAll(func(n *node) bool { return n.isIn(nsStruktura, "Zalacznik") }, nil)
		if len(zs) != len(d.Attachments) {
			t.Fatalf("%d attachments, %d Zalacznik elements", len(d.Attachments), len(zs))
		}
		for i, a := range d.Attachments {
			if a.Problem != "" {
				if a.Content != nil {
					t.Fatalf("attachment %d has content and a problem", i)
				}
				continue
			}
			switch strings.ToLower(a.Encoding) {
			case "base64":
				want, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(zs[i].kid("DaneZalacznika").str()), ""))
				if err != nil || !bytes.Equal(want, a.Content) || a.URI != "" {
					t.Fatalf("attachment %d: content %q, base64 decodes to %q (%v)", i, a.Content, want, err)
				}
			case "uri":
				if a.Content != nil {
					t.Fatalf("attachment %d by URI has content", i)
				}
			default:
				if a.Content != nil || a.URI != "" {
					t.Fatalf("attachment %d of encoding %q has data", i, a.Encoding)
				}
			}
		}
	})
}

func FuzzParseReceipt(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReceipt(data)
		checkErr(t, err, engine.KindInvalid, engine.KindTooLarge)
		if err != nil {
			return
		}
		if r.Kind != "UPP" && r.Kind != "UPD" {
			t.Fatalf("kind %q", r.Kind)
		}
		if !bytes.Equal(r.Raw, data) {
			t.Fatal("raw not kept")
		}
		if r.Kind == "UPP" && r.SubmittedAt.IsZero() && !r.DeliveredAt.IsZero() {
			t.Fatal("UPP delivered but not submitted")
		}
	})
}

func FuzzParseSOAP(f *testing.F) {
	nadaj, _ := Nadaj(NadajRequest{Entity: "u", To: "/a/b", ReplyTo: "/u/b", Extra: []byte("<x/>"), Document: Document{FileName: "a", Content: []byte("<a/>")}})
	dorecz, _ := Dorecz(DoreczRequest{Entity: "u", To: "/a/b", ReplyTo: "/u/b", Deadline: time.Unix(0, 0), UPD: &Document{FileName: "u"}, Document: Document{FileName: "a", Content: signedDoc()}})
	seed(f, nadaj, dorecz, OczekujaceDokumenty("u", "s"), PobierzNastepny("u", "s"), PotwierdzOdebranie("u", "s", []byte("x")),
		BuildFault(Fault{Code: "Client", String: "x", Status: &Status{2, "y"}}),
		BuildPobierzNastepnyResponse(Received{Status: Status{Code: 1}, Document: Document{FileName: "a", Content: []byte("x")}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRequest(t, data)

		_, err := ParseOczekujaceDokumentyResponse(data)
		checkResponseErr(t, err)
		r, err := ParsePobierzNastepnyResponse(data)
		checkResponseErr(t, err)
		if err == nil && (!r.Status.OK() || len(r.Document.Content) > MaxDocumentSize) {
			t.Fatalf("received %+v", r)
		}
		_, err = ParsePotwierdzOdebranieResponse(data)
		checkResponseErr(t, err)
		n, err := ParseNadajResponse(data)
		checkResponseErr(t, err)
		if err == nil && !n.Status.OK() {
			t.Fatal("nadaj: status not OK without error")
		}
		_, err = ParseDoreczResponse(data)
		checkResponseErr(t, err)
		checkResponseErr(t, ParseFault(data))
	})
}

// checkResponseErr: faults map to Invalid/Unavailable by their code, the rest
// to Invalid, TooLarge or NotFound (empty box).
func checkResponseErr(t *testing.T, err error) {
	t.Helper()
	checkErr(t, err, engine.KindInvalid, engine.KindTooLarge, engine.KindUnavailable, engine.KindNotFound)
	var f *Fault
	if errors.As(err, &f) && f.Client() != (engine.KindOf(err) == engine.KindInvalid) {
		t.Fatalf("fault %q has kind %v", f.Code, engine.KindOf(err))
	}
}

// checkRequest parses data as a request; what parses must rebuild into an
// envelope that parses to the same parameters.
func checkRequest(t *testing.T, data []byte) {
	req, err := ParseSOAPRequest(data)
	checkResponseErr(t, err)
	if err != nil {
		return
	}
	if SOAPAction(req.Operation) == "" {
		t.Fatalf("unknown operation %q", req.Operation)
	}
	set := 0
	for _, p := range []bool{req.Pull != nil, req.Nadaj != nil, req.Dorecz != nil, req.UPD != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		t.Fatalf("%s: %d payloads", req.Operation, set)
	}
	var again []byte
	switch req.Operation {
	case OpOczekujaceDokumenty:
		again = OczekujaceDokumenty(req.Pull.Entity, req.Pull.Box)
	case OpPobierzNastepny:
		again = PobierzNastepny(req.Pull.Entity, req.Pull.Box)
	case OpNadaj:
		again, _ = Nadaj(*req.Nadaj)
	case OpDorecz:
		again, _ = Dorecz(*req.Dorecz)
	}
	if again == nil {
		return
	}
	req2, err := ParseSOAPRequest(again)
	if err != nil {
		t.Fatalf("rebuilt %s does not parse: %v\n%s", req.Operation, err, again)
	}
	eq(t, "operation", req2.Operation, req.Operation)
	switch req.Operation {
	case OpOczekujaceDokumenty, OpPobierzNastepny:
		if req2.Pull.Entity != req.Pull.Entity || req2.Pull.Box != req.Pull.Box {
			t.Fatalf("pull %+v -> %+v", req.Pull, req2.Pull)
		}
	case OpNadaj:
		a, b := *req.Nadaj, *req2.Nadaj
		if !bytes.Equal(a.Extra, b.Extra) || !bytes.Equal(a.Document.Content, b.Document.Content) {
			t.Fatal("nadaj bytes changed")
		}
		if a.Entity+"|"+a.To+"|"+a.ReplyTo+"|"+a.Document.FileName+"|"+a.Document.MediaType != b.Entity+"|"+b.To+"|"+b.ReplyTo+"|"+b.Document.FileName+"|"+b.Document.MediaType || a.Trial != b.Trial {
			t.Fatalf("nadaj %+v -> %+v", a, b)
		}
	case OpDorecz:
		a, b := *req.Dorecz, *req2.Dorecz
		if !a.Deadline.Equal(b.Deadline) || !bytes.Equal(a.Document.Content, b.Document.Content) ||
			a.Entity+a.To+a.ReplyTo+a.DocumentID+a.CaseID != b.Entity+b.To+b.ReplyTo+b.DocumentID+b.CaseID {
			t.Fatalf("dorecz %+v -> %+v", a, b)
		}
	}
}
