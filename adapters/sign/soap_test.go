package sign

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

func signEnvelope(t *testing.T, name string, now time.Time) []byte {
	t.Helper()
	out, err := SignSOAP(readTestdata(t, name), fixtures(t).key, now)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSOAPRoundTrip(t *testing.T) {
	f := fixtures(t)
	now := time.Now()
	for _, name := range []string{"soap-skrytka-nadaj.xml", "soap-pull-oczekujace.xml"} {
		signed := signEnvelope(t, name, now)
		s := string(signed)
		for _, want := range []string{
			`<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">`,
			`<wsu:Timestamp xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" wsu:Id="TS-`,
			`<wsse:BinarySecurityToken`, `ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" wsu:Id="X509-`,
			`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>`,
			`<ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#X509-`,
			`<wsu:Created>` + now.UTC().Format("2006-01-02T15:04:05.000Z") + `</wsu:Created><wsu:Expires>` + now.Add(5*time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"),
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: signed envelope lacks %s\n%s", name, want, s)
			}
		}
		if !regexp.MustCompile(`<soapenv:Body [^>]*wsu:Id="([^"]+)"`).MatchString(s) {
			t.Errorf("%s: Body has no wsu:Id", name)
		}
		cert, err := VerifySOAP(signed, f.pool, now.Add(4*time.Minute))
		if err != nil || !cert.Equal(f.leaf) {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := VerifySOAP(signed, nil, now); err != nil {
			t.Fatalf("%s without trust store: %v", name, err)
		}
	}
}

func TestSOAPRejects(t *testing.T) {
	f := fixtures(t)
	now := time.Now()
	signed := signEnvelope(t, "soap-skrytka-nadaj.xml", now)
	bodyRe := regexp.MustCompile(`(?s)<soapenv:Body .*</soapenv:Body>`)
	body := string(bodyRe.Find(signed))
	// wrap moves the signed Body into the Header and puts a forged Body with
	// the given Id in its place
	wrap := func(id string) []byte {
		forged := strings.Replace(strings.Replace(body, "odpowiedz.xml", "zlosliwy.xml", 1), `wsu:Id="id-1"`, `wsu:Id="`+id+`"`, 1)
		out := bodyRe.ReplaceAll(signed, []byte(forged))
		return replaceOnce(t, out, "<obi:DaneDodatkowe/>", "<obi:DaneDodatkowe>"+body+"</obi:DaneDodatkowe>")
	}
	cases := []struct {
		name  string
		doc   []byte
		now   time.Time
		words string
	}{
		{"tampered Body", replaceOnce(t, signed, "odpowiedz.xml", "inny.xml"), now, "digest mismatch"},
		{"tampered Timestamp", regexp.MustCompile(`<wsu:Expires>[^<]+<`).ReplaceAll(signed, []byte("<wsu:Expires>2099-01-01T00:00:00Z<")), now, "digest mismatch"},
		{"expired", signed, now.Add(7 * time.Minute), "expired"},
		{"created in the future", signed, now.Add(-10 * time.Minute), "future"},
		// wrapping: the signed Body moved into the Header under the same Id, a new Body without one
		{"wrapping, duplicate Id", wrap("id-1"), now, "duplicate Id"},
		{"wrapping, signed element is not the Body", wrap("id-2"), now, "signature wrapping"},
		{"no Body reference", regexp.MustCompile(`<ds:Reference URI="#id-1">.*?</ds:Reference>`).ReplaceAll(signed, nil), now, "Body is not signed"},
		{"untrusted", mustSignSOAP(t, f.otherKey, now), now, "certificate chain"},
		{"signature value", replaceOnce(t, signed, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA"), now, "SignatureValue"},
		{"no Security", regexp.MustCompile(`(?s)<wsse:Security .*</wsse:Security>`).ReplaceAll(signed, nil), now, "wsse:Security"},
		{"token swapped", regexp.MustCompile(`(">)MII[^<]+(</wsse:BinarySecurityToken>)`).ReplaceAll(signed,
			[]byte("${1}"+b64(f.otherLeaf.Raw)+"${2}")), now, "SignatureValue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if bytes.Equal(c.doc, signed) && c.now.Equal(now) {
				t.Fatal("nothing changed")
			}
			_, err := VerifySOAP(c.doc, f.pool, c.now)
			if err == nil || !strings.Contains(err.Error(), c.words) || !errors.Is(err, ErrBadSignature) || !engine.Is(engine.KindInvalid, err) {
				t.Fatalf("want an error about %q, got %v", c.words, err)
			}
			t.Log(err)
		})
	}
}

func mustSignSOAP(t *testing.T, key *Key, now time.Time) []byte {
	out, err := SignSOAP(readTestdata(t, "soap-pull-oczekujace.xml"), key, now)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSignSOAPInput(t *testing.T) {
	f := fixtures(t)
	signed := signEnvelope(t, "soap-pull-oczekujace.xml", time.Now())
	for name, in := range map[string]string{
		"already signed": string(signed),
		"SOAP 1.2":       `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`,
		"no Body":        `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>`,
		"entity":         `<!DOCTYPE e [<!ENTITY a "b">]><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>&a;</e:Body></e:Envelope>`,
	} {
		if _, err := SignSOAP([]byte(in), f.key, time.Now()); !engine.Is(engine.KindInvalid, err) {
			t.Errorf("%s: want KindInvalid, got %v", name, err)
		}
	}
	// a default-namespace envelope whose Body content uses the wsu prefix for something else
	in := `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsu="urn:inne"><Body><wsu:x>1</wsu:x></Body></Envelope>`
	out, err := SignSOAP([]byte(in), f.key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySOAP(out, f.pool, time.Now()); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), `<wsu:x>1</wsu:x>`) || !strings.Contains(string(out), `xmlns:wsu1="http://docs.oasis-open.org`) {
		t.Fatalf("Body content changed meaning:\n%s", out)
	}
	ok, msg := runXmlsec(t, map[string][]byte{"envelope.xml": out, "cert.pem": certPEM(f.leaf)}, xmlsecSOAPArgs...)
	if !ok {
		t.Fatal(msg)
	}
	if _, err := VerifySOAP([]byte("<a"), nil, time.Now()); !engine.Is(engine.KindInvalid, err) || errors.Is(err, ErrBadSignature) {
		t.Fatal(err)
	}
}
