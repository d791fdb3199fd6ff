package sign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers of the CMS structures written here (RFC 5652, RFC
// 5035, RFC 5754, RFC 8017).
var (
	oidData                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSigningCertificate   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSAEncryption        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
)

// cmsSignature builds the detached CMS SignedData of a PAdES baseline B-B
// signature (ETSI EN 319 142-1 §6.3, CAdES per ETSI EN 319 122-1) over
// content: SHA-256, the signed attributes content-type (id-data),
// message-digest and ESS signing-certificate-v2 (RFC 5035, with
// issuerSerial), no signing-time (PAdES takes the claimed time from the
// signature dictionary's /M instead), the signer's certificate and the
// chain in certificates, and an RSA PKCS#1 v1.5 signature made by
// key.Signer.
//
// With sign false nothing is signed: the signature value is zeros of the
// length key.Signer would give, so the result has the size of the real one.
func cmsSignature(content []byte, key *Key, sign bool) ([]byte, error) {
	digest := sha256.Sum256(content)
	attrs, err := signedAttributes(digest[:], key.Certificate)
	if err != nil {
		return nil, err
	}
	var value []byte
	if sign {
		h := sha256.Sum256(attrs)
		value, err = key.Signer.Sign(rand.Reader, h[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
	} else {
		value = make([]byte, signatureSize(key))
	}

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { addAlgorithm(b, oidSHA256, false) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo, detached
					b.AddASN1ObjectIdentifier(oidData)
				})
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // certificates
					b.AddBytes(key.Certificate.Raw)
					for _, c := range key.Chain {
						b.AddBytes(c.Raw)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
							b.AddBytes(key.Certificate.RawIssuer)
							b.AddASN1BigInt(key.Certificate.SerialNumber)
						})
						addAlgorithm(b, oidSHA256, false)
						// signedAttrs [0] IMPLICIT: the SET signed, retagged.
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddBytes(setContents(attrs))
						})
						addAlgorithm(b, oidRSAEncryption, true)
						b.AddASN1OctetString(value)
					})
				})
			})
		})
	})
	return b.Bytes()
}

// signedAttributes is the DER SET OF the signed attributes, sorted as DER
// wants (the bytes that are signed, RFC 5652 §5.4).
func signedAttributes(digest []byte, cert *x509.Certificate) ([]byte, error) {
	certHash := sha256.Sum256(cert.Raw)
	attrs := [][]byte{
		attribute(oidContentType, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData) }),
		attribute(oidMessageDigest, func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) }),
		// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
		// ESSCertIDv2 ::= SEQUENCE { certHash, issuerSerial } (hashAlgorithm
		// left out: SHA-256 is the default).
		attribute(oidSigningCertificateV2, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(certHash[:])
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
								b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
									b.AddBytes(cert.RawIssuer) // directoryName
								})
							})
							b.AddASN1BigInt(cert.SerialNumber)
						})
					})
				})
			})
		}),
	}
	for _, a := range attrs {
		if a == nil {
			return nil, fmt.Errorf("cannot encode a signed attribute")
		}
	}
	slices.SortFunc(attrs, bytes.Compare)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, a := range attrs {
			b.AddBytes(a)
		}
	})
	return b.Bytes()
}

// attribute is Attribute ::= SEQUENCE { attrType, attrValues SET OF }
// with one value; nil when it cannot be encoded.
func attribute(oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, value)
	})
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}

// setContents strips the tag and length of a DER SET.
func setContents(set []byte) []byte {
	s := cryptobyte.String(set)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, cbasn1.SET) {
		return nil
	}
	return inner
}

func addAlgorithm(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

// signatureSize is the length of an RSA signature by key: the modulus's.
func signatureSize(key *Key) int {
	if pub, ok := key.Signer.Public().(*rsa.PublicKey); ok {
		return pub.Size()
	}
	return 0
}
