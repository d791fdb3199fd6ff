package edoreczenia

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// Directory looks addresses up in the search service of the public register
// of electronic addresses (baza adresów elektronicznych, ustawa o
// doręczeniach elektronicznych art. 25–26): who can be delivered to
// electronically, by PESEL, NIP or REGON. The search service has its own
// API, not part of the UA API document; Directory speaks the shape the
// simulator serves (GET {URL}?identifier=… → {"eDeliveryAddress": "…"},
// 404 when the person has no address) and is the one place to adapt when
// the office connects to the real one.
type Directory struct {
	URL  string // e.g. http://127.0.0.1:8082/search/addresses
	Auth *Auth  // the same OAuth2 client as the UA API; nil: none
	HTTP *http.Client
}

// FindADE returns the party's address, or an error of kind NotFound when
// the register has none (the dispatch then falls back to post).
func (d *Directory) FindADE(ctx context.Context, p registry.Party) (string, error) {
	const op = "edoreczenia.FindADE"
	for _, id := range []string{p.PESEL, p.NIP, p.REGON} {
		if id == "" {
			continue
		}
		ade, err := d.find(ctx, id)
		if engine.Is(engine.KindNotFound, err) {
			continue
		}
		return ade, err
	}
	return "", engine.Errorf(op, engine.KindNotFound, "%s has no address for electronic delivery in the register", p.Name)
}

func (d *Directory) find(ctx context.Context, id string) (string, error) {
	const op = "edoreczenia.FindADE"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+"?identifier="+url.QueryEscape(id), nil)
	if err != nil {
		return "", engine.E(op, err)
	}
	if d.Auth != nil {
		tok, err := d.Auth.Token(ctx)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	hc := d.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return "", engine.E(op, engine.KindUnavailable, "the address search service is unreachable", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode == http.StatusNotFound:
		return "", engine.Errorf(op, engine.KindNotFound, "no address")
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return "", engine.Errorf(op, engine.KindUnavailable, "the address search service answered %d", res.StatusCode)
	case res.StatusCode != http.StatusOK:
		return "", engine.Errorf(op, engine.KindOther, "the address search service answered %d: %s", res.StatusCode, body)
	}
	var out struct {
		Address string `json:"eDeliveryAddress"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", engine.E(op, engine.KindUnavailable, "unreadable answer of the address search service", err)
	}
	if _, err := ParseADE(out.Address); err != nil {
		return "", engine.E(op, fmt.Sprintf("the register gave %q", out.Address), err)
	}
	return out.Address, nil
}
