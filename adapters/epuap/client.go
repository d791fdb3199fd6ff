package epuap

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"obieg.dev/obieg/engine"
)

// SOAPSigner adds WS-Security to a request envelope (adapters/sign does it
// with the office system's certificate).
type SOAPSigner interface {
	SignSOAP(envelope []byte) ([]byte, error)
}

// Endpoints are the addresses of ePUAP's services (or the simulator's).
type Endpoints struct {
	Pull        string // e.g. https://ws.epuap.gov.pl/pk_external_ws/services/pull
	Skrytka     string // e.g. https://epuap.gov.pl/skrytka
	Doreczyciel string
}

// Client calls ePUAP's SOAP services for one office box.
type Client struct {
	Endpoints Endpoints
	Entity    string // podmiot: the office's ePUAP identifier
	Box       string // nazwaSkrytki, e.g. "skrytka"
	Signer    SOAPSigner
	HTTP      *http.Client // default: 60 s timeout
}

func (c *Client) box() string { return BoxAddress(c.Entity, c.Box) }

// call posts a signed envelope and returns the response body. Transport
// failures, timeouts and HTTP 5xx are KindUnavailable (retry later);
// SOAP faults are parsed by the caller's response parser.
func (c *Client) call(ctx context.Context, url, op string, envelope []byte) ([]byte, error) {
	opName := "epuap." + op
	if url == "" {
		return nil, engine.Errorf(opName, engine.KindInvalid, "no endpoint configured for %s", op)
	}
	if c.Signer != nil {
		signed, err := c.Signer.SignSOAP(envelope)
		if err != nil {
			return nil, engine.E(opName, "signing the request", err)
		}
		envelope = signed
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(envelope))
	if err != nil {
		return nil, engine.E(opName, engine.KindInvalid, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"`+SOAPAction(op)+`"`)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
			return nil, engine.E(opName, engine.KindUnavailable, "ePUAP did not answer", err)
		}
		return nil, engine.E(opName, engine.KindUnavailable, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxEnvelopeSize+1))
	if err != nil {
		return nil, engine.E(opName, engine.KindUnavailable, "reading the answer", err)
	}
	if len(body) > MaxEnvelopeSize {
		return nil, engine.Errorf(opName, engine.KindTooLarge, "the answer is larger than %d bytes", MaxEnvelopeSize)
	}
	if res.StatusCode >= 500 && !bytes.Contains(body, []byte("Fault")) {
		return nil, engine.Errorf(opName, engine.KindUnavailable, "ePUAP answered HTTP %d", res.StatusCode)
	}
	return body, nil
}

// Waiting asks how many documents wait in the box.
func (c *Client) Waiting(ctx context.Context) (int, error) {
	body, err := c.call(ctx, c.Endpoints.Pull, OpOczekujaceDokumenty, OczekujaceDokumenty(c.Entity, c.Box))
	if err != nil {
		return 0, err
	}
	w, err := ParseOczekujaceDokumentyResponse(body)
	if err != nil {
		return 0, err
	}
	return w.Count, nil
}

// Next fetches the next document without removing it: the box keeps it
// until Ack. An empty box is an error of kind KindNotFound.
func (c *Client) Next(ctx context.Context) (*Received, error) {
	body, err := c.call(ctx, c.Endpoints.Pull, OpPobierzNastepny, PobierzNastepny(c.Entity, c.Box))
	if err != nil {
		return nil, err
	}
	return ParsePobierzNastepnyResponse(body)
}

// Ack confirms a document was taken; ePUAP then removes it from the box.
func (c *Client) Ack(ctx context.Context, content []byte) error {
	body, err := c.call(ctx, c.Endpoints.Pull, OpPotwierdzOdebranie, PotwierdzOdebranie(c.Entity, c.Box, content))
	if err != nil {
		return err
	}
	st, err := ParsePotwierdzOdebranieResponse(body)
	if err != nil {
		return err
	}
	return st.Err("epuap.Ack")
}

// Send submits a document to a box (skrytka nadaj); the answer may carry the UPP.
func (c *Client) Send(ctx context.Context, r NadajRequest) (*NadajResponse, error) {
	if r.Entity == "" {
		r.Entity = c.Entity
	}
	if r.ReplyTo == "" {
		r.ReplyTo = c.box()
	}
	env, err := Nadaj(r)
	if err != nil {
		return nil, err
	}
	body, err := c.call(ctx, c.Endpoints.Skrytka, OpNadaj, env)
	if err != nil {
		return nil, err
	}
	return ParseNadajResponse(body)
}

// Deliver serves an XAdES-signed document officially (doręczyciel dorecz);
// the UPD arrives later in the reply box.
func (c *Client) Deliver(ctx context.Context, r DoreczRequest) (*DoreczResponse, error) {
	env, err := Dorecz(r)
	if err != nil {
		return nil, err
	}
	body, err := c.call(ctx, c.Endpoints.Doreczyciel, OpDorecz, env)
	if err != nil {
		return nil, err
	}
	return ParseDoreczResponse(body)
}

// SignerFunc adapts a function to SOAPSigner.
type SignerFunc func(envelope []byte) ([]byte, error)

// SignSOAP calls f.
func (f SignerFunc) SignSOAP(envelope []byte) ([]byte, error) { return f(envelope) }
