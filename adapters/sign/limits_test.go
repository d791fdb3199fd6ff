package sign

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Inputs built to make a careless implementation slow (quadratic text
// merging, namespace copying, big-number parsing) must be handled in
// linear time.
func TestAdversarialInputsAreFast(t *testing.T) {
	ref := `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
		`<ds:Transform Algorithm="%s"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference>`
	signature := func(alg string) string {
		return `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
			`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
			strings.Repeat(fmt.Sprintf(ref, alg), maxReferences) + `</ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue>` +
			`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>` + b64(fixtures(t).leaf.Raw) + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
			`<ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#"><xades:SignedProperties Id="sp"><xades:SignedSignatureProperties><xades:SigningCertificate><xades:Cert><xades:IssuerSerial><ds:X509SerialNumber>` +
			strings.Repeat("9", 5<<20) + `</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>`
	}
	var nested strings.Builder
	levels := MaxDepth - 20
	for i := 0; i < levels; i++ {
		nested.WriteString("<e")
		for j := 0; j < MaxAttrs-1; j++ {
			fmt.Fprintf(&nested, ` xmlns:p%d="urn:%d"`, j, i)
		}
		nested.WriteString(">")
	}
	nested.WriteString(strings.Repeat(`<x xmlns:q="urn:q"/>`, 100_000))
	nested.WriteString(strings.Repeat("</e>", levels))

	cases := map[string]string{
		"CDATA and text alternating": "<a>" + strings.Repeat("x<![CDATA[y]]>", 500_000) + signature(algExcC14N) + "</a>",
		"namespaces, inclusive c14n": "<a>" + nested.String() + signature(algC14N) + "</a>",
		"namespaces, exclusive c14n": "<a>" + nested.String() + signature(algExcC14N) + "</a>",
	}
	for name, doc := range cases {
		start := time.Now()
		res, err := VerifyEnveloped([]byte(doc), fixtures(t).pool)
		if err != nil || res.Valid {
			t.Fatalf("%s: %v %+v", name, err, res)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s (%d bytes): %v", name, len(doc), d)
		} else {
			t.Logf("%s (%d bytes): %v, %d problems", name, len(doc), d, len(res.Problems))
		}
	}
}
