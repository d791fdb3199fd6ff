package edoreczenia_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"obieg.dev/obieg/adapters/edoreczenia"
)

// recorder replaces t.Errorf in a specCheck, to see that it fires.
type recorder struct{ msgs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// The validating transport refuses requests the document does not allow —
// and does not send them — so a client bug fails the tests.
func TestSpecCheckRejectsBrokenRequests(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	e.check.Fail = rec.Errorf
	ctx := context.Background()
	tok, err := e.office.Auth.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: e.check}
	send := func(method, path, body string, auth bool) error {
		req, _ := http.NewRequestWithContext(ctx, method, e.srv.URL+"/api/v1"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := hc.Do(req)
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	broken := []struct{ name, method, path, body string }{
		{"messageMetadata without the required shippingService", "POST", "/" + officeADE + "/messages",
			`{"messageMetadata":{"to":[{"eDeliveryAddress":"` + citizenADE + `"}],"subject":"x"}}`},
		{"limit above the maximum", "GET", "/" + officeADE + "/messages?limit=5000", ""},
		{"format not in the enumeration", "GET", "/" + officeADE + "/messages?format=everything", ""},
		{"textBody longer than 5000", "POST", "/" + officeADE + "/messages",
			`{"messageMetadata":{"shippingService":"electronic"},"textBody":"` + strings.Repeat("a", 5001) + `"}`},
		{"operation the document does not have", "POST", "/" + officeADE + "/threads", `{}`},
		{"subscription URL that is not a string", "PUT", "/" + officeADE + "/message_subscriptions", `{"messageCallbackUrl":5}`},
	}
	before := e.sim.Count(citizenADE, "INBOX")
	for _, b := range broken {
		rec.msgs = nil
		if err := send(b.method, b.path, b.body, true); !errors.Is(err, errNotInSpec) {
			t.Errorf("%s: sent (err %v), want it refused", b.name, err)
		}
		if len(rec.msgs) == 0 {
			t.Errorf("%s: no failure recorded", b.name)
		}
	}
	rec.msgs = nil
	if err := send("GET", "/"+officeADE+"/messages", "", false); !errors.Is(err, errNotInSpec) || len(rec.msgs) == 0 {
		t.Errorf("a request without a bearer token passed: %v", err)
	}
	if n := e.sim.Count(citizenADE, "INBOX"); n != before {
		t.Errorf("a refused request reached the simulator")
	}
	// A good request passes and records nothing.
	rec.msgs = nil
	if err := send("GET", "/"+officeADE+"/messages?limit=10&format=metadata", "", true); err != nil || len(rec.msgs) != 0 {
		t.Errorf("a valid request: %v %v", err, rec.msgs)
	}
}

// Responses are checked too: a server answering outside the document is
// caught.
func TestSpecCheckRejectsBrokenResponses(t *testing.T) {
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/messages"):
			_, _ = w.Write([]byte(`{"messages":[{"messageMetadata":{"subject":"no shippingService"}}]}`)) // resultSize and shippingService missing
		default:
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"status":42}`))
		}
	}))
	defer stub.Close()
	check := newSpecCheck(t, stub.URL, nil)
	rec := &recorder{}
	check.Fail = rec.Errorf
	c := &edoreczenia.Client{BaseURL: stub.URL + "/api/v1", HTTP: &http.Client{Transport: check},
		Auth: nil}
	req, _ := http.NewRequest("GET", stub.URL+"/api/v1/"+officeADE+"/messages", nil)
	req.Header.Set("Authorization", "Bearer x")
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if len(rec.msgs) == 0 || !strings.Contains(rec.msgs[0], "response 200") {
		t.Fatalf("an invalid response was not caught: %v", rec.msgs)
	}
}
