package epuap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// FileRepo: a CRD document may carry an attachment as a reference
// (str:Zalacznik kodowanie="URI") into ePUAP's file repository instead of
// inline base64 (domain-rules §3). The office fetches it while taking the
// document from the box.
//
// The official FileRepo is a SOAP service (filerepo.wsdl: downloadFile with
// fileId and subject); the simulator, and this client, take the URI the
// document gives and GET it. Speaking downloadFile to the real service is
// not done yet.

// FetchFile downloads a file a document references by uri. It refuses URIs
// that are not http(s) on the host of one of the configured endpoints (the
// URI comes from whoever sent the document: fetching any address would let
// a sender make the office's server call its internal network — SSRF), and
// redirects off those hosts. The file may be at most MaxDocumentSize bytes.
//
// Errors: KindInvalid for a refused URI or an answer that is a client error,
// KindNotFound when the repository has no such file, KindTooLarge over the
// limit — all permanent; KindUnavailable for transport failures, timeouts,
// HTTP 429 and 5xx — retry later.
func (c *Client) FetchFile(ctx context.Context, uri string) ([]byte, error) {
	const op = "epuap.FetchFile"
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, engine.Invalid(op, "uri", "not an http(s) address of ePUAP: %q", uri)
	}
	if !c.onEPUAPHost(u) {
		return nil, engine.Invalid(op, "uri", "%s is not on the ePUAP host: not fetched", u.Host)
	}
	hc := http.Client{Timeout: 60 * time.Second}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 || !c.onEPUAPHost(req.URL) {
			return errRedirect
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, err)
	}
	res, err := hc.Do(req)
	if errors.Is(err, errRedirect) {
		return nil, engine.Invalid(op, "uri", "%s redirects off the ePUAP host: not followed", uri)
	}
	if err != nil {
		return nil, engine.E(op, engine.KindUnavailable, "ePUAP FileRepo did not answer", err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return nil, engine.Errorf(op, engine.KindNotFound, "FileRepo has no file %s", uri)
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return nil, engine.Errorf(op, engine.KindUnavailable, "FileRepo answered HTTP %d", res.StatusCode)
	case res.StatusCode != http.StatusOK:
		return nil, engine.Errorf(op, engine.KindInvalid, "FileRepo answered HTTP %d for %s", res.StatusCode, uri)
	}
	if res.ContentLength > MaxDocumentSize {
		return nil, tooLarge(op, res.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxDocumentSize+1))
	if err != nil {
		return nil, engine.E(op, engine.KindUnavailable, "reading the file", err)
	}
	if len(data) > MaxDocumentSize {
		return nil, tooLarge(op, int64(len(data)))
	}
	return data, nil
}

var errRedirect = errors.New("redirect refused")

func tooLarge(op string, n int64) error {
	return engine.E(op, engine.KindTooLarge, fmt.Sprintf("the file has %d bytes or more; the limit is %d", n, MaxDocumentSize))
}

// onEPUAPHost reports whether u has the scheme and host (with port) of one
// of the client's endpoints.
func (c *Client) onEPUAPHost(u *url.URL) bool {
	for _, ep := range []string{c.Endpoints.Pull, c.Endpoints.Skrytka, c.Endpoints.Doreczyciel} {
		e, err := url.Parse(ep)
		if err != nil || e.Host == "" {
			continue
		}
		if strings.EqualFold(e.Scheme, u.Scheme) && strings.EqualFold(e.Host, u.Host) {
			return true
		}
	}
	return false
}
