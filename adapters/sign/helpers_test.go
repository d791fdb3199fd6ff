package sign

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixture holds a test PKI made at test time: a CA with a leaf (the office
// system), and an unrelated CA with its own leaf.
type fixture struct {
	ca, leaf           *x509.Certificate
	caKey, leafKey     *rsa.PrivateKey
	key                *Key // leaf with chain [ca]
	pool               *x509.CertPool
	otherCA, otherLeaf *x509.Certificate
	otherKey           *Key
}

var (
	fxOnce sync.Once
	fx     fixture
)

func fixtures(tb testing.TB) *fixture {
	tb.Helper()
	fxOnce.Do(func() {
		fx.ca, fx.caKey = newCert(tb, "Test CA Obieg", nil, nil)
		fx.leaf, fx.leafKey = newCert(tb, "Urząd Gminy X – system EZD", fx.ca, fx.caKey)
		fx.key = &Key{Certificate: fx.leaf, Chain: []*x509.Certificate{fx.ca}, Signer: fx.leafKey}
		fx.pool = x509.NewCertPool()
		fx.pool.AddCert(fx.ca)
		var otherCAKey *rsa.PrivateKey
		fx.otherCA, otherCAKey = newCert(tb, "Other CA", nil, nil)
		var otherLeafKey *rsa.PrivateKey
		fx.otherLeaf, otherLeafKey = newCert(tb, "Intruz", fx.otherCA, otherCAKey)
		fx.otherKey = &Key{Certificate: fx.otherLeaf, Chain: []*x509.Certificate{fx.otherCA}, Signer: otherLeafKey}
	})
	if fx.key == nil {
		tb.Fatal("fixtures failed")
	}
	return &fx
}

// newCert makes a CA (parent nil) or a leaf signed by parent. Keys and
// certificates are derived from cn, so every process of a test binary (the
// fuzzing workers too) makes the same ones; they are test-only, made at
// test time, and protect nothing.
func newCert(tb testing.TB, cn string, parent *x509.Certificate, parentKey *rsa.PrivateKey) (*x509.Certificate, *rsa.PrivateKey) {
	tb.Helper()
	seed := sha256.Sum256([]byte(cn))
	r := mrand.NewChaCha8(seed)
	key := deterministicRSA(tb, r)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(seed[:12]),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Obieg test"}, Country: []string{"PL"}},
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(r, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert, key
}

// deterministicRSA makes a 2048-bit RSA key from r (rsa.GenerateKey
// ignores its reader since Go 1.26).
func deterministicRSA(tb testing.TB, r io.Reader) *rsa.PrivateKey {
	prime := func() *big.Int {
		b := make([]byte, 128)
		for {
			_, _ = io.ReadFull(r, b)
			b[0] |= 0xc0
			b[127] |= 1
			if p := new(big.Int).SetBytes(b); p.ProbablyPrime(20) {
				return p
			}
		}
	}
	one := big.NewInt(1)
	for i := 0; i < 10; i++ {
		p, q := prime(), prime()
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(big.NewInt(65537), phi)
		if p.Cmp(q) == 0 || d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if k.Validate() == nil {
			return k
		}
	}
	tb.Fatal("no RSA key")
	return nil
}

func certPEM(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// replaceOnce replaces old with new in b, failing when old is not there.
func replaceOnce(tb testing.TB, b []byte, old, new string) []byte {
	tb.Helper()
	if !bytes.Contains(b, []byte(old)) {
		tb.Fatalf("%q not found in:\n%s", old, b)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func hasProblemWith(res *Result, words ...string) bool {
	for _, p := range res.Problems {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(p, w)
		}
		if ok {
			return true
		}
	}
	return false
}

// PodpisZP as in shared/reference/epuap/examples/pismo-ogolne-1410.example.xml.
const podpisZP = `<ppZP:PodpisZP xmlns:ppZP="http://crd.gov.pl/xml/schematy/ppzp/" xmlns:os="http://crd.gov.pl/xml/schematy/osoba/2009/03/06/">
  <ppZP:DaneZP>
    <ppZP:DaneZPOsobyFizycznej>
      <os:Nazwisko rodzajCzlonu="pierwszy">KOWALSKI</os:Nazwisko>
      <os:Imie>JAN</os:Imie>
      <os:PESEL>00000000000</os:PESEL>
      <ppZP:IdKontaUzytkownikaEpuap>jan_kowalski</ppZP:IdKontaUzytkownikaEpuap>
    </ppZP:DaneZPOsobyFizycznej>
  </ppZP:DaneZP>
</ppZP:PodpisZP>`

// An EPSignature-style identity (the structure ePUAP uses since 2025),
// unprefixed in its own default namespace.
const epSignature = `<EPSignature xmlns="http://epuap.gov.pl/podpis/2025">
  <Signer>
    <GivenName>ANNA</GivenName>
    <FamilyName>NOWAK-ZIELIŃSKA</FamilyName>
    <PersonalIdentifier>PNOPL-00000000001</PersonalIdentifier>
  </Signer>
</EPSignature>`
