package sign

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Interoperability with xmlsec1 (libxmlsec1 + OpenSSL), the reference XML
// signature implementation. These tests are mandatory: without xmlsec1 they
// fail.

const xmlsecInstall = "xmlsec1 is required for the XML signature interoperability tests: install it (Debian: apt-get update && apt-get install -y xmlsec1)"

func xmlsec1(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Fatal(xmlsecInstall)
	}
	return p
}

// runXmlsec writes files into a temporary folder and runs xmlsec1 with
// args there; it returns whether it succeeded and its output.
func runXmlsec(t *testing.T, files map[string][]byte, args ...string) (bool, string) {
	t.Helper()
	bin := xmlsec1(t)
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("$ xmlsec1 %s\n%s", strings.Join(args, " "), out)
	return err == nil, string(out)
}

// Enveloped XAdES: the CA is the only trusted certificate; xmlsec1 learns
// that SignedProperties' Id attribute is an ID from --id-attr.
var xmlsecEnvelopedArgs = []string{"--verify", "--trusted-pem", "ca.pem",
	"--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "doc.xml"}

// WS-Security: xmlsec1 does not read a BinarySecurityToken, so the signer's
// certificate is given; Body and Timestamp carry wsu:Id attributes.
var xmlsecSOAPArgs = []string{"--verify", "--pubkey-cert-pem", "cert.pem",
	"--id-attr:Id", "http://schemas.xmlsoap.org/soap/envelope/:Body",
	"--id-attr:Id", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp",
	"envelope.xml"}

func TestXmlsec1VerifiesEnveloped(t *testing.T) {
	f := fixtures(t)
	cases := map[string]struct {
		doc   []byte
		roles []string
	}{
		"pismo ogólne with PodpisZP": {readTestdata(t, "pismo-ogolne-1410.xml"), []string{podpisZP}},
		"UPP with EPSignature":       {readTestdata(t, "upp.xml"), []string{epSignature}},
		"default namespace":          {[]byte(defaultNSDoc), []string{epSignature, `<rola>Sekretarz</rola>`}},
		"CRLF line ends":             {[]byte(strings.ReplaceAll(defaultNSDoc, "\n", "\r\n")), nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var roles [][]byte
			for _, r := range c.roles {
				roles = append(roles, []byte(r))
			}
			signed, err := SignEnvelopedWith(c.doc, f.key, time.Now(), EnvelopedOptions{ClaimedRoles: roles})
			if err != nil {
				t.Fatal(err)
			}
			ok, out := runXmlsec(t, map[string][]byte{"doc.xml": signed, "ca.pem": certPEM(f.ca)}, xmlsecEnvelopedArgs...)
			if !ok || !strings.Contains(out, "SignedInfo References (ok/all): 2/2") {
				t.Fatalf("xmlsec1 rejected the signature:\n%s\n%s", out, signed)
			}
			// tampered content: both xmlsec1 and VerifyEnveloped reject
			bad := bytes.Replace(signed, []byte("</wnio:Tytul>"), []byte("!</wnio:Tytul>"), 1)
			bad = bytes.Replace(bad, []byte("</pos:Nazwa>"), []byte("!</pos:Nazwa>"), 1)
			bad = bytes.Replace(bad, []byte("<b>"), []byte("<b>!"), 1)
			if bytes.Equal(bad, signed) {
				t.Fatal("nothing tampered")
			}
			if ok, out := runXmlsec(t, map[string][]byte{"doc.xml": bad, "ca.pem": certPEM(f.ca)}, xmlsecEnvelopedArgs...); ok {
				t.Fatalf("xmlsec1 accepted tampered content:\n%s", out)
			}
			if res, err := VerifyEnveloped(bad, f.pool); err != nil || res.Valid {
				t.Fatalf("VerifyEnveloped accepted tampered content: %+v %v", res, err)
			}
			// not trusted by xmlsec1 either when only another CA is trusted
			if ok, _ := runXmlsec(t, map[string][]byte{"doc.xml": signed, "ca.pem": certPEM(f.otherCA)}, xmlsecEnvelopedArgs...); ok {
				t.Fatal("xmlsec1 accepted a certificate from an untrusted CA")
			}
		})
	}
}

func TestXmlsec1VerifiesSOAP(t *testing.T) {
	f := fixtures(t)
	bodyText := map[string]string{"soap-skrytka-nadaj.xml": "odpowiedz.xml", "soap-pull-oczekujace.xml": "urzadgminyx</podmiot>"}
	for name, inBody := range bodyText {
		t.Run(name, func(t *testing.T) {
			now := time.Now()
			signed, err := SignSOAP(readTestdata(t, name), f.key, now)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{"envelope.xml": signed, "cert.pem": certPEM(f.leaf)}
			ok, out := runXmlsec(t, files, xmlsecSOAPArgs...)
			if !ok || !strings.Contains(out, "SignedInfo References (ok/all): 2/2") {
				t.Fatalf("xmlsec1 rejected the signature:\n%s\n%s", out, signed)
			}
			if _, err := VerifySOAP(signed, f.pool, now); err != nil {
				t.Fatal(err)
			}
			// tampered Body: both reject
			bad := bytes.Replace(signed, []byte(inBody), []byte("X"+inBody), 1)
			if bytes.Equal(bad, signed) {
				t.Fatal("nothing tampered")
			}
			files["envelope.xml"] = bad
			if ok, out := runXmlsec(t, files, xmlsecSOAPArgs...); ok {
				t.Fatalf("xmlsec1 accepted a tampered Body:\n%s", out)
			}
			if _, err := VerifySOAP(bad, f.pool, now); err == nil {
				t.Fatal("VerifySOAP accepted a tampered Body")
			}
			// another key: xmlsec1 rejects
			files["envelope.xml"], files["cert.pem"] = signed, certPEM(f.otherLeaf)
			if ok, out := runXmlsec(t, files, xmlsecSOAPArgs...); ok {
				t.Fatalf("xmlsec1 accepted the signature with another certificate:\n%s", out)
			}
		})
	}
}

// A document in a default namespace: the claimed role fragment without a
// namespace must keep having none.
const defaultNSDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Dokument xmlns="http://crd.gov.pl/wzor/2017/10/24/4566/" xmlns:x="urn:x" x:a="1"><a xml:lang="pl">tekst &amp; &lt;znaki&gt; "cudzysłów"</a>
<b>B</b><!-- komentarz -->
<c y="&#9;tab&#10;nl"/><d z="literal	tab and
newline" w='&apos;"'/><![CDATA[<cdata> & ]]><?pi dane ?>
</Dokument>
`
