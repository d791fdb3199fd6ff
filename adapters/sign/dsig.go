package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash
	_ "crypto/sha512" // registers SHA-384 and SHA-512
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Namespaces and algorithm identifiers.
const (
	nsDS     = "http://www.w3.org/2000/09/xmldsig#"
	nsXAdES  = "http://uri.etsi.org/01903/v1.3.2#"
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsWSSE   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSU    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

	algEnveloped  = nsDS + "enveloped-signature"
	algRSASHA256  = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algSHA256     = "http://www.w3.org/2001/04/xmlenc#sha256"
	typeSignedPrp = "http://uri.etsi.org/01903#SignedProperties"

	tokenValueType = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
	tokenEncoding  = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)

var digestAlgs = map[string]crypto.Hash{
	algSHA256: crypto.SHA256,
	"http://www.w3.org/2001/04/xmldsig-more#sha384": crypto.SHA384,
	"http://www.w3.org/2001/04/xmlenc#sha512":       crypto.SHA512,
}

// Limits on the work one signature can ask for.
const (
	maxReferences   = 16
	maxTransforms   = 4
	maxCertificates = 16
)

type sigAlg struct {
	hash  crypto.Hash
	ecdsa bool
}

// Accepted when verifying; SHA-1 is refused.
var sigAlgs = map[string]sigAlg{
	algRSASHA256: {crypto.SHA256, false},
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384":   {crypto.SHA384, false},
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512":   {crypto.SHA512, false},
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": {crypto.SHA256, true},
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": {crypto.SHA384, true},
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": {crypto.SHA512, true},
}

func algorithm(n *node) string {
	if n == nil {
		return ""
	}
	a, _ := n.attr("", "Algorithm")
	return a
}

func sum(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// unb64 decodes base64 text as found in XML (line breaks allowed).
func unb64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}

func newID(prefix string, taken map[string]*node) string {
	for {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id := prefix + hex.EncodeToString(b[:])
		if _, ok := taken[id]; !ok {
			taken[id] = nil
			return id
		}
	}
}

// newReference builds a ds:Reference with sha256 digest.
func newReference(id, uri, typ string, digest []byte, transforms ...string) *node {
	ref := elem("ds", "Reference")
	if id != "" {
		ref.setAttr("", "Id", id)
	}
	if typ != "" {
		ref.setAttr("", "Type", typ)
	}
	ref.setAttr("", "URI", uri)
	tr := elem("ds", "Transforms")
	for _, t := range transforms {
		tr.appendChild(elem("ds", "Transform").setAttr("", "Algorithm", t))
	}
	ref.appendChild(tr)
	ref.appendChild(elem("ds", "DigestMethod").setAttr("", "Algorithm", algSHA256))
	ref.appendChild(textElem("ds", "DigestValue", b64(digest)))
	return ref
}

func newSignedInfo(refs ...*node) *node {
	si := elem("ds", "SignedInfo",
		elem("ds", "CanonicalizationMethod").setAttr("", "Algorithm", algExcC14N),
		elem("ds", "SignatureMethod").setAttr("", "Algorithm", algRSASHA256))
	for _, r := range refs {
		si.appendChild(r)
	}
	return si
}

// signSignedInfo signs the exclusive canonical form of si (which must be in
// its final place in the tree) with rsa-sha256.
func signSignedInfo(si *node, key *Key) (string, error) {
	digest := sum(crypto.SHA256, canonElem(si, excC14N, nil))
	sig, err := key.Signer.Sign(rand.Reader, digest, crypto.SHA256)
	if err != nil {
		return "", err
	}
	return b64(sig), nil
}

// only returns the single element child of n with the given name.
func only(n *node, space, local string) (*node, error) {
	all := n.all(space, local)
	if len(all) != 1 {
		return nil, fmt.Errorf("expected one %s in %s, found %d", local, n.local, len(all))
	}
	return all[0], nil
}

// refTarget resolves a Reference URI in the re-parsed tree: nil for the
// whole document (URI=""), the element for "#id".
func refTarget(ids map[string]*node, uri string) (*node, error) {
	if uri == "" {
		return nil, nil
	}
	id, ok := strings.CutPrefix(uri, "#")
	if !ok || id == "" || strings.ContainsAny(id, "()") {
		return nil, fmt.Errorf("unsupported reference URI %q (only \"\" and \"#id\")", uri)
	}
	n, found := ids[id]
	if !found {
		return nil, fmt.Errorf("reference URI %q: no element with this Id", uri)
	}
	if n == nil {
		return nil, fmt.Errorf("reference URI %q: the Id is not unique (signature wrapping?)", uri)
	}
	return n, nil
}

// checkReference dereferences ref, applies its transforms and compares the
// digest. It returns the referenced element (nil: the whole document) even
// when the digest does not match.
func checkReference(d *document, ids map[string]*node, sig, ref *node, allowEnveloped bool) (*node, error) {
	uri, ok := ref.attr("", "URI")
	if !ok {
		return nil, errors.New("reference without URI")
	}
	target, err := refTarget(ids, uri)
	if err != nil {
		return nil, err
	}
	alg := c14nAlg{} // the default conversion of a node-set to octets
	var exclude *node
	sawC14N := false
	if trs := ref.all(nsDS, "Transforms"); len(trs) > 1 {
		return target, errors.New("more than one Transforms")
	} else if len(trs) == 1 {
		if len(trs[0].children) > 2*maxTransforms+1 {
			return target, errors.New("too many transforms")
		}
		for _, tr := range trs[0].children {
			if tr.kind != elemNode {
				continue
			}
			a := algorithm(tr)
			if !tr.is(nsDS, "Transform") || sawC14N {
				return target, fmt.Errorf("unsupported transform sequence (%s after canonicalization)", a)
			}
			if a == algEnveloped && allowEnveloped {
				exclude = sig
				continue
			}
			c, ok := c14nFor(a, tr)
			if !ok {
				return target, fmt.Errorf("unsupported transform %q", a)
			}
			c.comments = false // same-document references never include comments
			alg, sawC14N = c, true
		}
	}
	dm, err := only(ref, nsDS, "DigestMethod")
	if err != nil {
		return target, err
	}
	h, ok := digestAlgs[algorithm(dm)]
	if !ok {
		return target, fmt.Errorf("unsupported digest algorithm %q", algorithm(dm))
	}
	dv, err := only(ref, nsDS, "DigestValue")
	if err != nil {
		return target, err
	}
	want, err := unb64(dv.text())
	if err != nil {
		return target, errors.New("DigestValue is not base64")
	}
	var data []byte
	if target == nil {
		data = canonDoc(d, alg, exclude)
	} else {
		data = canonElem(target, alg, exclude)
	}
	if !bytes.Equal(sum(h, data), want) {
		return target, errors.New("digest mismatch: the referenced content was changed")
	}
	return target, nil
}

// signedInfo returns the SignedInfo of sig and its references, checking
// the order ds:Signature and ds:SignedInfo require.
func signedInfo(sig *node) (*node, []*node, error) {
	var els []*node
	for _, c := range sig.children {
		if c.kind == elemNode {
			els = append(els, c)
		}
	}
	if len(els) < 2 || !els[0].is(nsDS, "SignedInfo") || !els[1].is(nsDS, "SignatureValue") {
		return nil, nil, errors.New("ds:Signature must start with SignedInfo and SignatureValue")
	}
	if len(sig.all(nsDS, "SignedInfo")) != 1 || len(sig.all(nsDS, "SignatureValue")) != 1 || len(sig.all(nsDS, "KeyInfo")) > 1 {
		return nil, nil, errors.New("ds:Signature has repeated SignedInfo, SignatureValue or KeyInfo")
	}
	si := els[0]
	var kids []*node
	for _, c := range si.children {
		if c.kind == elemNode {
			kids = append(kids, c)
		}
	}
	if len(kids) < 3 || !kids[0].is(nsDS, "CanonicalizationMethod") || !kids[1].is(nsDS, "SignatureMethod") {
		return nil, nil, errors.New("SignedInfo must hold CanonicalizationMethod, SignatureMethod and references")
	}
	if len(kids)-2 > maxReferences {
		return nil, nil, fmt.Errorf("more than %d references", maxReferences)
	}
	for _, r := range kids[2:] {
		if !r.is(nsDS, "Reference") {
			return nil, nil, fmt.Errorf("unexpected %s in SignedInfo", r.local)
		}
	}
	return si, kids[2:], nil
}

// checkSignatureValue verifies the SignatureValue of sig over its
// canonical SignedInfo with pub.
func checkSignatureValue(sig *node, pub crypto.PublicKey) error {
	si, _, err := signedInfo(sig)
	if err != nil {
		return err
	}
	cm := si.first(nsDS, "CanonicalizationMethod")
	alg, ok := c14nFor(algorithm(cm), cm)
	if !ok {
		return fmt.Errorf("unsupported canonicalization %q", algorithm(cm))
	}
	sm := si.first(nsDS, "SignatureMethod")
	sa, ok := sigAlgs[algorithm(sm)]
	if !ok {
		return fmt.Errorf("unsupported signature algorithm %q", algorithm(sm))
	}
	value, err := unb64(sig.first(nsDS, "SignatureValue").text())
	if err != nil {
		return errors.New("SignatureValue is not base64")
	}
	digest := sum(sa.hash, canonElem(si, alg, nil))
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if sa.ecdsa {
			return errors.New("ECDSA algorithm with an RSA key")
		}
		if rsa.VerifyPKCS1v15(k, sa.hash, digest, value) != nil {
			return errors.New("signature value does not match")
		}
	case *ecdsa.PublicKey:
		if !sa.ecdsa || len(value) == 0 || len(value)%2 != 0 {
			return errors.New("bad ECDSA signature")
		}
		r := new(big.Int).SetBytes(value[:len(value)/2])
		s := new(big.Int).SetBytes(value[len(value)/2:])
		if !ecdsa.Verify(k, digest, r, s) {
			return errors.New("signature value does not match")
		}
	default:
		return fmt.Errorf("unsupported public key %T", pub)
	}
	return nil
}

// checkChain verifies cert up to a root in trust at time t.
func checkChain(cert *x509.Certificate, others []*x509.Certificate, trust *x509.CertPool, opts x509.VerifyOptions) error {
	inter := x509.NewCertPool()
	for _, c := range others {
		inter.AddCert(c)
	}
	opts.Roots, opts.Intermediates = trust, inter
	opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	_, err := cert.Verify(opts)
	return err
}
