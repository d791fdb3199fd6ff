package epuap_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/epuap/sim"
	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
)

// officeKey makes a CA and the office system's certificate signed by it.
func officeKey(t *testing.T) (*sign.Key, *x509.CertPool, []byte) {
	t.Helper()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Urząd Gminy Testowo — system EZD"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	k, err := sign.LoadPEM(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return k, pool, certPEM
}

// The client signs every request (WS-Security); the simulator checks the
// signature against the trusted CA and refuses unsigned or altered requests.
func TestWSSecurityClientAndSimulator(t *testing.T) {
	key, trust, certPEM := officeKey(t)
	s := sim.New()
	s.Verify = func(env []byte) error { _, err := sign.VerifySOAP(env, trust, time.Now()); return err }
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	endpoints := epuap.Endpoints{Pull: srv.URL + "/pull", Skrytka: srv.URL + "/skrytka", Doreczyciel: srv.URL + "/doreczyciel"}
	signed := &epuap.Client{Endpoints: endpoints, Entity: "ugtestowo", Box: "skrytka",
		Signer: epuap.SignerFunc(func(env []byte) ([]byte, error) { return sign.SignSOAP(env, key, time.Now()) })}
	ctx := context.Background()
	res, err := signed.Send(ctx, epuap.NadajRequest{To: "/ugsasiednia/skrytka", Document: epuap.Document{FileName: "pismo.xml", Content: []byte("<pismo>Zażółć</pismo>")}})
	if err != nil || !res.Status.OK() || res.UPP == nil {
		t.Fatalf("signed nadaj: %v %+v", err, res)
	}
	if r, err := epuap.ParseReceipt(res.UPP.Content); err != nil || r.Kind != "UPP" {
		t.Errorf("UPP: %v %+v", err, r)
	}
	if n, err := signed.Waiting(ctx); err != nil || n != 0 {
		t.Errorf("signed pull: %d %v", n, err)
	}
	unsigned := &epuap.Client{Endpoints: endpoints, Entity: "ugtestowo", Box: "skrytka"}
	if _, err := unsigned.Waiting(ctx); !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "WS-Security") {
		t.Errorf("unsigned request: %v", err)
	}
	tampering := &epuap.Client{Endpoints: endpoints, Entity: "ugtestowo", Box: "skrytka",
		Signer: epuap.SignerFunc(func(env []byte) ([]byte, error) {
			out, err := sign.SignSOAP(env, key, time.Now())
			return bytes.Replace(out, []byte("ugtestowo"), []byte("ugobcy"), 1), err
		})}
	if _, err := tampering.Waiting(ctx); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("altered request: %v", err)
	}

	// The reference implementation agrees: xmlsec1 verifies a signed nadaj request.
	bin, err := exec.LookPath("xmlsec1")
	if err != nil {
		t.Fatal("xmlsec1 is required: apt-get install xmlsec1 (make test installs it)")
	}
	env, err := epuap.Nadaj(epuap.NadajRequest{Entity: "ugtestowo", To: "/ugsasiednia/skrytka", ReplyTo: "/ugtestowo/skrytka",
		Document: epuap.Document{FileName: "pismo.xml", Content: []byte("<pismo/>")}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := sign.SignSOAP(env, key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "req.xml"), out, 0o600)
	cmd := exec.Command(bin, "--verify", "--pubkey-cert-pem", "cert.pem",
		"--id-attr:Id", "http://schemas.xmlsoap.org/soap/envelope/:Body",
		"--id-attr:Id", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp", "req.xml")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xmlsec1 rejected a signed nadaj request: %v\n%s", err, msg)
	}
}

// Signed documents pulled from the box are verified on registration: the
// result — signer, Profil Zaufany identity, problems — is kept with the
// document; a document altered after signing is kept as invalid.
func TestPulledSignaturesVerified(t *testing.T) {
	b := setupInbox(t)
	key, trust, _ := officeKey(t)
	b.inbox.Trust = trust
	pismo := []byte(`<?xml version="1.0" encoding="UTF-8"?><wnio:Dokument xmlns:wnio="http://crd.gov.pl/wzor/2013/12/12/1410/"><wnio:TrescDokumentu><wnio:Tytul>Wniosek podpisany</wnio:Tytul><wnio:Tekst>Proszę o zaświadczenie.</wnio:Tekst></wnio:TrescDokumentu></wnio:Dokument>`)
	pz := []byte(`<PodpisZP xmlns="http://crd.gov.pl/xml/schematy/ppzp/"><DaneZP><DanePodpisujacego><Imie>Jan</Imie><Nazwisko>Kowalski</Nazwisko><PESEL>44051401359</PESEL></DanePodpisujacego></DaneZP></PodpisZP>`)
	signed, err := sign.SignEnvelopedWith(pismo, key, time.Now(), sign.EnvelopedOptions{ClaimedRoles: [][]byte{pz}})
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(signed, []byte("zaświadczenie"), []byte("zaświadczeniE"), 1)
	for i, doc := range [][]byte{signed, tampered} {
		b.sim.Put(b.box, epuap.Received{Sender: epuap.BoxSender{FirstName: "Jan", Surname: fmt.Sprint("Kowalski ", i)}, Document: epuap.Document{FileName: "wniosek.xml", Content: doc}})
	}
	if got, err := b.inbox.PullAll(b.ctx); err != nil || got.Registered != 2 {
		t.Fatalf("pull: %+v %v", got, err)
	}
	rows, err := b.db.Pool.Query(b.ctx, `SELECT s.valid, s.given_name, s.family_name, s.pesel, s.signer, s.problems::text, i.notes
		FROM document_signatures s JOIN incoming_items i ON i.document_id = s.document_id ORDER BY i.n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var results []string
	for rows.Next() {
		var valid bool
		var given, family, pesel, signer, problems, notes string
		if err := rows.Scan(&valid, &given, &family, &pesel, &signer, &problems, &notes); err != nil {
			t.Fatal(err)
		}
		results = append(results, fmt.Sprintf("%v|%s %s|%s|%s|%s", valid, given, family, pesel, problems, notes))
		if !strings.Contains(signer, "system EZD") {
			t.Errorf("signer %q", signer)
		}
	}
	if len(results) != 2 || !strings.HasPrefix(results[0], "true|Jan Kowalski|44051401359|[]") || !strings.HasPrefix(results[1], "false|") ||
		!strings.Contains(results[1], "NIEWAŻNY") {
		t.Fatalf("signature checks:\n%s", strings.Join(results, "\n"))
	}
	t.Logf("tampered copy: %s", results[1])
}
