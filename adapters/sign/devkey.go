package sign

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"time"

	"obieg.dev/obieg/engine"
)

// DevelopmentKey makes a key for demonstrations and tests: a fresh RSA key
// with a certificate for cn issued by a fresh "Obieg development CA"
// (returned as the chain). It is no qualified signature — nothing trusts
// that CA — but signatures made with it verify as signatures, which is what
// a demo office without a qualified certificate needs.
func DevelopmentKey(cn, organisation string, now time.Time) (*Key, error) {
	const op = "sign.DevelopmentKey"
	caKey, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		return nil, engine.E(op, err)
	}
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 96))
		return n
	}
	ca := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "Obieg development CA", Organization: []string{organisation}, Country: []string{"PL"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, engine.E(op, err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, engine.E(op, err)
	}
	key, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		return nil, engine.E(op, err)
	}
	leaf := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: cn, Organization: []string{organisation}, Country: []string{"PL"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, engine.E(op, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, engine.E(op, err)
	}
	return &Key{Certificate: cert, Chain: []*x509.Certificate{caCert}, Signer: key}, nil
}

// EncodePEM writes k as PEM: the certificate and its chain, and the
// private key (PKCS#8, unencrypted), for LoadPEM.
func EncodePEM(k *Key) (certPEM, keyPEM []byte, err error) {
	const op = "sign.EncodePEM"
	for _, c := range append([]*x509.Certificate{k.Certificate}, k.Chain...) {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		return nil, nil, engine.E(op, err)
	}
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
