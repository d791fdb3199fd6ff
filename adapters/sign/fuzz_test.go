package sign

import (
	"bytes"
	"encoding/xml"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

// The fuzz targets check that verification never panics and never calls
// valid what was not signed: a verdict of valid is re-verified, must name
// the test signer, must survive a canonical round trip, and the content it
// covers, read by encoding/xml's own decoder (independent of this
// package's parser and canonicalizer), must be that of a signed seed.

// Seeds are the same in every fuzzing process: deterministic keys, a fixed
// time and Body Ids set before signing.
var fuzzNow = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

func FuzzVerifyEnveloped(f *testing.F) {
	fx := fixtures(f)
	now := fuzzNow
	signed := map[string]bool{}
	addSigned := func(doc []byte, roles ...string) {
		var frags [][]byte
		for _, r := range roles {
			frags = append(frags, []byte(r))
		}
		out, err := SignEnvelopedWith(doc, fx.key, now, EnvelopedOptions{ClaimedRoles: frags})
		if err != nil {
			f.Fatal(err)
		}
		fp, ok := contentFingerprint(out, false)
		if !ok {
			f.Fatal("seed has no fingerprint")
		}
		signed[fp] = true
		f.Add(out)
		f.Add(bytes.Replace(out, []byte("<ds:DigestValue>"), []byte("<ds:DigestValue>A"), 1))
	}
	addSigned(readTestdata(f, "pismo-ogolne-1410.xml"), podpisZP)
	addSigned(readTestdata(f, "upp.xml"), epSignature)
	addSigned([]byte(defaultNSDoc))
	addSigned([]byte(`<a xml:lang="pl"><b Id="x">tekst</b></a>`))
	f.Add(readTestdata(f, "upp.xml"))
	f.Add([]byte(`<a><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></a>`))

	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := VerifyEnveloped(data, fx.pool)
		if err != nil {
			if res != nil {
				t.Fatal("result with an error")
			}
			return
		}
		if res.Valid != (len(res.Problems) == 0) {
			t.Fatalf("Valid=%v with problems %q", res.Valid, res.Problems)
		}
		if !res.Valid {
			return
		}
		again, err := VerifyEnveloped(data, fx.pool)
		if err != nil || !again.Valid || !again.Signer.Equal(res.Signer) {
			t.Fatalf("re-verification differs: %+v %v", again, err)
		}
		if !res.Signer.Equal(fx.leaf) {
			t.Fatal("valid with a signer other than the test key")
		}
		if fp, ok := contentFingerprint(data, false); !ok || !signed[fp] {
			t.Fatalf("valid, but the content was never signed:\n%s", data)
		}
		d, err := parse("t", data)
		if err != nil {
			t.Fatal(err)
		}
		if rt, err := VerifyEnveloped(d.serialize(), fx.pool); err != nil || !rt.Valid {
			t.Fatalf("valid document not valid after a canonical round trip: %+v %v", rt, err)
		}
	})
}

func FuzzVerifySOAP(f *testing.F) {
	fx := fixtures(f)
	now := fuzzNow
	signed := map[string]bool{}
	// a seed whose Body is most of its bytes, so that mutations often land there
	bigBody := bytes.Replace(readTestdata(f, "soap-skrytka-nadaj.xml"), []byte("PD94bWwg…"),
		[]byte(strings.Repeat("PD94bWwgdmVyc2lvbj0iMS4wIj8+PGE+", 100)), 1)
	for _, in := range [][]byte{readTestdata(f, "soap-skrytka-nadaj.xml"), readTestdata(f, "soap-pull-oczekujace.xml"), bigBody} {
		in = bytes.Replace(in, []byte("<soapenv:Body>"), []byte(`<soapenv:Body xmlns:wsu="`+nsWSU+`" wsu:Id="id-body">`), 1)
		out, err := SignSOAP(in, fx.key, now)
		if err != nil {
			f.Fatal(err)
		}
		fp, ok := contentFingerprint(out, true)
		if !ok {
			f.Fatal("seed has no fingerprint")
		}
		signed[fp] = true
		f.Add(out)
		f.Add(bytes.Replace(out, []byte(`wsu:Id="TS-`), []byte(`wsu:Id="X-`), 1))
		f.Add(in)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		cert, err := VerifySOAP(data, fx.pool, now)
		if err != nil {
			if cert != nil {
				t.Fatal("certificate with an error")
			}
			return
		}
		if again, err := VerifySOAP(data, fx.pool, now); err != nil || !again.Equal(cert) {
			t.Fatalf("re-verification differs: %v", err)
		}
		if !cert.Equal(fx.leaf) {
			t.Fatal("valid with a signer other than the test key")
		}
		if fp, ok := contentFingerprint(data, true); !ok || !signed[fp] {
			t.Fatalf("valid, but the Body was never signed:\n%s", data)
		}
		d, err := parse("t", data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := VerifySOAP(d.serialize(), fx.pool, now); err != nil {
			t.Fatalf("valid envelope not valid after a canonical round trip: %v", err)
		}
	})
}

// FuzzSignEnveloped signs arbitrary documents: input is either refused as
// invalid or signed so that the signature verifies (SignEnveloped checks
// that itself: a KindOther error means it did not) and the signed content
// is the input's.
func FuzzSignEnveloped(f *testing.F) {
	fx := fixtures(f)
	f.Add([]byte(defaultNSDoc))
	f.Add([]byte(trickyDoc))
	f.Add(readTestdata(f, "upp.xml"))
	f.Add([]byte(`<a xmlns="urn:a"><b xmlns=""/><c:d xmlns:c="urn:c" c:e="&#xD;"/></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := SignEnvelopedWith(data, fx.key, fuzzNow, EnvelopedOptions{ClaimedRoles: [][]byte{[]byte(podpisZP)}})
		if err != nil {
			if k := engine.KindOf(err); k != engine.KindInvalid && k != engine.KindTooLarge {
				t.Fatalf("%v\n%q", err, data)
			}
			return
		}
		res, err := VerifyEnveloped(out, fx.pool)
		if err != nil || !res.Valid || res.ProfilZaufany == nil {
			t.Fatalf("%+v %v", res, err)
		}
		in, ok1 := contentFingerprint(data, false)
		signed, ok2 := contentFingerprint(out, false)
		if ok1 && (!ok2 || in != signed) {
			t.Fatalf("signed content differs from the input:\n%q\n%q", data, out)
		}
	})
}

// contentFingerprint renders, with encoding/xml's namespace-resolving
// decoder, what a signature covers: the SOAP Body (soapBody) or the root
// element without any ds:Signature in it. Comments and namespace
// declarations are left out and white space in attribute values is
// normalized, as XML parsing and canonicalization do.
func contentFingerprint(data []byte, soapBody bool) (string, bool) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var b strings.Builder
	var stack []xml.Name
	start, skip, done := 0, 0, false
	ws := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), done
		}
		if err != nil {
			return "", false
		}
		inside := start > 0 && skip == 0
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
			depth := len(stack)
			if start == 0 && !done {
				if !soapBody && depth == 1 || soapBody && depth == 2 && t.Name == (xml.Name{Space: nsSOAP11, Local: "Body"}) &&
					stack[0] == (xml.Name{Space: nsSOAP11, Local: "Envelope"}) {
					start, inside = depth, true
				}
			}
			if inside && !soapBody && t.Name == (xml.Name{Space: nsDS, Local: "Signature"}) {
				skip, inside = depth, false
			}
			if inside {
				var attrs []string
				for _, a := range t.Attr {
					if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
						attrs = append(attrs, a.Name.Space+" "+a.Name.Local+"="+ws.Replace(a.Value))
					}
				}
				sort.Strings(attrs)
				b.WriteString("<{" + t.Name.Space + "}" + t.Name.Local + " " + strings.Join(attrs, "|") + ">")
			}
		case xml.EndElement:
			if inside {
				b.WriteString("</>")
			}
			if skip == len(stack) {
				skip = 0
			}
			if start == len(stack) {
				start, done = 0, true
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if inside {
				b.WriteString("T:" + string(t) + "\x00")
			}
		case xml.ProcInst:
			if inside {
				b.WriteString("P:" + t.Target + " " + string(t.Inst) + "\x00")
			}
		}
	}
}
