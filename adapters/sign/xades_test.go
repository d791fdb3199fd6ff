package sign

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
)

func signPismo(t *testing.T, roles ...string) []byte {
	t.Helper()
	var frags [][]byte
	for _, r := range roles {
		frags = append(frags, []byte(r))
	}
	out, err := SignEnvelopedWith(readTestdata(t, "pismo-ogolne-1410.xml"), fixtures(t).key,
		time.Now().Truncate(time.Second),
		EnvelopedOptions{ClaimedRoles: frags})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustVerify(t *testing.T, doc []byte) *Result {
	t.Helper()
	res, err := VerifyEnveloped(doc, fixtures(t).pool)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestEnvelopedRoundTrip(t *testing.T) {
	f := fixtures(t)
	now := time.Now().Truncate(time.Second)
	for _, name := range []string{"pismo-ogolne-1410.xml", "upp.xml"} {
		in := readTestdata(t, name)
		out, err := SignEnveloped(in, f.key, now)
		if err != nil {
			t.Fatal(err)
		}
		// the document's bytes are kept, the signature is inserted before the root's end tag
		end := bytes.LastIndex(in, []byte("</"))
		if !bytes.HasPrefix(out, in[:end]) || !bytes.HasSuffix(out, in[end:]) {
			t.Fatalf("%s: the document bytes were changed", name)
		}
		res := mustVerify(t, out)
		if !res.Valid || len(res.Problems) > 0 {
			t.Fatalf("%s: %v", name, res.Problems)
		}
		if !res.Signer.Equal(f.leaf) || !res.SigningTime.Equal(now) || res.ProfilZaufany != nil {
			t.Fatalf("%s: %+v", name, res)
		}
		// without a trust store only the signature is checked
		if res, _ := VerifyEnveloped(out, nil); !res.Valid {
			t.Fatal(res.Problems)
		}
	}
}

func TestEnvelopedStructure(t *testing.T) {
	out := string(signPismo(t))
	for _, want := range []string{
		`<ds:Reference Id="id-`, `URI="">`,
		`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`,
		`Type="http://uri.etsi.org/01903#SignedProperties" URI="#xades-id-`,
		`<xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#id-`,
		`<xades:SignedProperties Id="xades-id-`, `<xades:SigningTime>`, `<xades:CertDigest>`, `<ds:X509SerialNumber>`,
		`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>`,
		"</ds:Signature></wnio:Dokument>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("signed document lacks %s", want)
		}
	}
}

func TestProfilZaufanyIdentity(t *testing.T) {
	res := mustVerify(t, signPismo(t, `<rola xmlns="urn:obieg:rola">Sekretarz</rola>`, podpisZP))
	want := PZIdentity{GivenName: "JAN", FamilyName: "KOWALSKI", PESEL: "00000000000", Shape: "PodpisZP"}
	if !res.Valid || res.ProfilZaufany == nil || *res.ProfilZaufany != want {
		t.Fatalf("%+v %+v", res, res.ProfilZaufany)
	}
	res = mustVerify(t, signPismo(t, epSignature))
	want = PZIdentity{GivenName: "ANNA", FamilyName: "NOWAK-ZIELIŃSKA", PESEL: "00000000001", Shape: "EPSignature"}
	if !res.Valid || res.ProfilZaufany == nil || *res.ProfilZaufany != want {
		t.Fatalf("%+v %+v", res, res.ProfilZaufany)
	}
	// NumerPESEL / FirstName / Surname spellings in another namespace
	res = mustVerify(t, signPismo(t, `<p:EPSignatureData xmlns:p="urn:x"><p:FirstName>Ewa</p:FirstName><p:Surname>Lis</p:Surname><p:NumerPESEL>00000000002</p:NumerPESEL></p:EPSignatureData>`))
	want = PZIdentity{GivenName: "Ewa", FamilyName: "Lis", PESEL: "00000000002", Shape: "EPSignature"}
	if res.ProfilZaufany == nil || *res.ProfilZaufany != want {
		t.Fatalf("%+v", res.ProfilZaufany)
	}
	// an identity in an unsigned ds:Object is not taken
	doc := replaceOnce(t, signPismo(t), "</ds:Object>", "</ds:Object><ds:Object>"+podpisZP+"</ds:Object>")
	if res := mustVerify(t, doc); !res.Valid || res.ProfilZaufany != nil {
		t.Fatalf("unsigned identity read: %+v", res.ProfilZaufany)
	}
	// changing the identity breaks SignedProperties
	doc = replaceOnce(t, signPismo(t, podpisZP), "KOWALSKI", "NOWAK")
	if res := mustVerify(t, doc); res.Valid || res.ProfilZaufany != nil || !hasProblemWith(res, "SignedProperties", "digest") {
		t.Fatalf("%+v", res)
	}
}

func TestEnvelopedTampering(t *testing.T) {
	f := fixtures(t)
	signed := signPismo(t, podpisZP)
	otherCert := base64.StdEncoding.EncodeToString(f.otherLeaf.Raw)
	firstCert := regexp.MustCompile(`<ds:X509Certificate>[^<]+</ds:X509Certificate>`)
	cases := []struct {
		name   string
		tamper func([]byte) []byte
		words  []string
	}{
		{"content byte", func(b []byte) []byte { return replaceOnce(t, b, "Rynek", "Rynek!") }, []string{"document reference", "digest"}},
		{"attribute", func(b []byte) []byte { return replaceOnce(t, b, `typDaty="stworzony"`, `typDaty="zmieniony"`) }, []string{"document reference"}},
		{"signing time", func(b []byte) []byte {
			return regexp.MustCompile(`<xades:SigningTime>[^<]+<`).ReplaceAll(b, []byte("<xades:SigningTime>2020-01-01T00:00:00Z<"))
		}, []string{"SignedProperties", "digest"}},
		{"KeyInfo certificate swapped", func(b []byte) []byte {
			return firstCert.ReplaceAll(b, []byte("<ds:X509Certificate>"+otherCert+"</ds:X509Certificate>"))
		}, []string{"SigningCertificate digest"}},
		{"signature value", func(b []byte) []byte { return replaceOnce(t, b, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA") }, []string{"SignatureValue"}},
		{"SignedInfo", func(b []byte) []byte { return replaceOnce(t, b, `-ref-doc"`, `-ref-dok"`) }, []string{"SignatureValue"}},
		{"SignedProperties reference removed", func(b []byte) []byte {
			return regexp.MustCompile(`<ds:Reference Id="[^"]+-ref-xades".*?</ds:Reference>`).ReplaceAll(b, nil)
		}, []string{"SignedProperties"}},
		{"document reference removed", func(b []byte) []byte {
			return regexp.MustCompile(`<ds:Reference Id="[^"]+-ref-doc".*?</ds:Reference>`).ReplaceAll(b, nil)
		}, []string{"whole document"}},
		{"duplicate SignedProperties Id", func(b []byte) []byte {
			id := regexp.MustCompile(`SignedProperties Id="([^"]+)"`).FindSubmatch(b)[1]
			return replaceOnce(t, b, "<wnio:OpisDokumentu>", `<wnio:OpisDokumentu><x Id="`+string(id)+`"/>`)
		}, []string{"duplicate Id"}},
		{"signature removed", func(b []byte) []byte {
			return regexp.MustCompile(`(?s)<ds:Signature .*</ds:Signature>`).ReplaceAll(b, nil)
		}, []string{"no ds:Signature"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := c.tamper(bytes.Clone(signed))
			if bytes.Equal(bad, signed) {
				t.Fatal("nothing tampered")
			}
			res := mustVerify(t, bad)
			if res.Valid || len(res.Problems) == 0 {
				t.Fatalf("tampered document accepted: %+v", res)
			}
			if c.words != nil && !hasProblemWith(res, c.words...) {
				t.Fatalf("no problem naming %v: %q", c.words, res.Problems)
			}
			t.Logf("problems: %q", res.Problems)
		})
	}
}

func TestEnvelopedUntrustedChain(t *testing.T) {
	f := fixtures(t)
	signed, err := SignEnveloped(readTestdata(t, "upp.xml"), f.otherKey, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res := mustVerify(t, signed)
	if res.Valid || !hasProblemWith(res, "certificate chain") || len(res.Problems) != 1 || !res.Signer.Equal(f.otherLeaf) {
		t.Fatalf("%+v", res)
	}
	if res, _ := VerifyEnveloped(signed, nil); !res.Valid {
		t.Fatal(res.Problems)
	}
}

func TestSignEnvelopedInput(t *testing.T) {
	f := fixtures(t)
	if _, err := SignEnveloped([]byte("<a/>"), f.key, time.Now()); err != nil {
		t.Fatal("self-closing root:", err)
	} else if out, _ := SignEnveloped([]byte("<a/>"), f.key, time.Now()); !mustVerify(t, out).Valid {
		t.Fatal("self-closing root does not verify")
	}
	signed := signPismo(t)
	for name, in := range map[string][]byte{
		"already signed": signed,
		"not XML":        []byte("PDF-1.7"),
		"DOCTYPE":        []byte(`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`),
		"bad role":       nil,
	} {
		var err error
		if in == nil {
			_, err = SignEnvelopedWith([]byte("<a/>"), f.key, time.Now(), EnvelopedOptions{ClaimedRoles: [][]byte{[]byte("<x>")}})
		} else {
			_, err = SignEnveloped(in, f.key, time.Now())
		}
		if !engine.Is(engine.KindInvalid, err) {
			t.Errorf("%s: want KindInvalid, got %v", name, err)
		}
	}
	// unreadable input is an error from VerifyEnveloped, an unsigned document a problem
	if _, err := VerifyEnveloped([]byte("<a>"), nil); !engine.Is(engine.KindInvalid, err) {
		t.Fatal(err)
	}
	if res, err := VerifyEnveloped(readTestdata(t, "upp.xml"), nil); err != nil || res.Valid {
		t.Fatal(res, err)
	}
}
