package sign

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"

	"obieg.dev/obieg/engine"
)

// MinRSABits is the smallest RSA key accepted for signing.
const MinRSABits = 2048

// Key is what signs: the signer's certificate, the certificates that chain
// it to a root (may be empty) and the private key (in memory or an HSM
// behind crypto.Signer). Only RSA keys are supported (rsa-sha256).
type Key struct {
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	Signer      crypto.Signer
}

// LoadPKCS12 reads a .p12/.pfx file holding a private key, its certificate
// and optionally CA certificates.
func LoadPKCS12(data []byte, password string) (*Key, error) {
	const op = "sign.LoadPKCS12"
	if len(data) == 0 {
		return nil, engine.E(op, engine.KindInvalid, "empty PKCS#12 data")
	}
	priv, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, "cannot read PKCS#12 (wrong password or damaged file)", err)
	}
	signer, _ := priv.(crypto.Signer)
	k := &Key{Certificate: cert, Chain: cas, Signer: signer}
	if err := k.check(op); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadPEM reads a PEM certificate (the signer's first, then any chain
// certificates) and an unencrypted PEM private key (PKCS#8 or PKCS#1).
func LoadPEM(certPEM, keyPEM []byte) (*Key, error) {
	const op = "sign.LoadPEM"
	k := &Key{}
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, engine.E(op, engine.KindInvalid, engine.Field("cert"), "cannot parse certificate", err)
		}
		if k.Certificate == nil {
			k.Certificate = c
		} else {
			k.Chain = append(k.Chain, c)
		}
	}
	if k.Certificate == nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("cert"), "no CERTIFICATE block in the certificate PEM")
	}
	var block *pem.Block
	for rest := keyPEM; ; {
		if block, rest = pem.Decode(rest); block == nil || block.Type != "CERTIFICATE" {
			break
		}
	}
	if block == nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("key"), "no private key block in the key PEM")
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "" {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("key"), "encrypted PEM keys are not supported: use PKCS#12 with a password")
	}
	var priv any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		err = errors.New("EC keys are not supported: ePUAP signatures need an RSA key (rsa-sha256)")
	default:
		err = fmt.Errorf("unknown PEM block %q", block.Type)
	}
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("key"), "cannot use the private key", err)
	}
	k.Signer, _ = priv.(crypto.Signer)
	if err := k.check(op); err != nil {
		return nil, err
	}
	return k, nil
}

// check reports whether k can sign with rsa-sha256: it has a certificate
// and an RSA signer whose public key is the certificate's.
func (k *Key) check(op string) error {
	if k == nil || k.Certificate == nil || k.Signer == nil {
		return engine.E(op, engine.KindInvalid, engine.Field("key"), "key needs a certificate and a private key")
	}
	pub, ok := k.Signer.Public().(*rsa.PublicKey)
	if !ok {
		return engine.E(op, engine.KindInvalid, engine.Field("key"),
			fmt.Sprintf("only RSA keys are supported (rsa-sha256), got %T", k.Signer.Public()))
	}
	if pub.N.BitLen() < MinRSABits {
		return engine.E(op, engine.KindInvalid, engine.Field("key"),
			fmt.Sprintf("RSA key of %d bits is too short (at least %d)", pub.N.BitLen(), MinRSABits))
	}
	if !pub.Equal(k.Certificate.PublicKey) {
		return engine.E(op, engine.KindInvalid, engine.Field("key"), "the private key does not belong to the certificate")
	}
	return nil
}
