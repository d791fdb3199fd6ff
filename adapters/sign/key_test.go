package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"obieg.dev/obieg/engine"
)

func TestLoadPKCS12(t *testing.T) {
	f := fixtures(t)
	p12, err := pkcs12.Modern.Encode(f.leafKey, f.leaf, []*x509.Certificate{f.ca}, "tajne hasło")
	if err != nil {
		t.Fatal(err)
	}
	k, err := LoadPKCS12(p12, "tajne hasło")
	if err != nil {
		t.Fatal(err)
	}
	if !k.Certificate.Equal(f.leaf) || len(k.Chain) != 1 || !k.Chain[0].Equal(f.ca) {
		t.Fatalf("%+v", k)
	}
	signed, err := SignEnveloped([]byte("<a>b</a>"), k, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res := mustVerify(t, signed); !res.Valid {
		t.Fatal(res.Problems)
	}
	if _, err := LoadPKCS12(p12, "złe"); !engine.Is(engine.KindInvalid, err) {
		t.Fatal("wrong password:", err)
	}
	if _, err := LoadPKCS12(nil, ""); !engine.Is(engine.KindInvalid, err) {
		t.Fatal(err)
	}
}

func TestLoadPEM(t *testing.T) {
	f := fixtures(t)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(f.leafKey)
	for name, keyPEM := range map[string][]byte{
		"PKCS#8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		"PKCS#1": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(f.leafKey)}),
	} {
		k, err := LoadPEM(certPEM(f.leaf, f.ca), keyPEM)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !k.Certificate.Equal(f.leaf) || len(k.Chain) != 1 {
			t.Fatalf("%s: %+v", name, k)
		}
	}
	// the other key does not belong to the certificate
	other, _ := x509.MarshalPKCS8PrivateKey(f.otherKey.Signer)
	_, err := LoadPEM(certPEM(f.leaf), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: other}))
	if !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "does not belong") {
		t.Fatal(err)
	}
	if _, err := LoadPEM(nil, nil); !engine.Is(engine.KindInvalid, err) {
		t.Fatal(err)
	}
}

func TestNonRSAKeysRejected(t *testing.T) {
	f := fixtures(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := *f.leaf
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, f.ca, &ec.PublicKey, f.caKey)
	if err != nil {
		t.Fatal(err)
	}
	ecCert, _ := x509.ParseCertificate(der)
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	_, err = LoadPEM(certPEM(ecCert), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}))
	if !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "RSA") {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(ec)
	_, err = LoadPEM(certPEM(ecCert), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	if !engine.Is(engine.KindInvalid, err) || !strings.Contains(err.Error(), "only RSA keys") {
		t.Fatal(err)
	}
	k := &Key{Certificate: ecCert, Signer: ec}
	if _, err := SignSOAP(readTestdata(t, "soap-pull-oczekujace.xml"), k, time.Now()); !strings.Contains(err.Error(), "only RSA keys") {
		t.Fatal(err)
	}
	if _, err := SignEnveloped([]byte("<a/>"), k, time.Now()); !strings.Contains(err.Error(), "only RSA keys") {
		t.Fatal(err)
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	if err := (&Key{Certificate: f.leaf, Signer: small}).check("t"); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Fatal(err)
	}
	if _, err := SignEnveloped([]byte("<a/>"), nil, time.Now()); !engine.Is(engine.KindInvalid, err) {
		t.Fatal(err)
	}
}
