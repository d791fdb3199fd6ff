package sign

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"math/big"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// Result is the outcome of VerifyEnveloped. Valid is true only when every
// check passed; Problems then is empty. Signer and SigningTime are what the
// signature claims and are filled in even when it is not valid (to show
// what failed); ProfilZaufany is read only from signed content whose
// reference verified.
type Result struct {
	Valid         bool
	Signer        *x509.Certificate
	SigningTime   time.Time
	Problems      []string
	ProfilZaufany *PZIdentity
}

func (r *Result) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// EnvelopedOptions adds optional content to a XAdES signature.
type EnvelopedOptions struct {
	// ClaimedRoles are XML fragments (each one element with its own
	// namespace declarations), each put into its own xades:ClaimedRole of
	// SignedProperties, e.g. an office role or a Profil Zaufany PodpisZP.
	ClaimedRoles [][]byte
}

// SignEnveloped signs an XML document (pismo ogólne, UPP, UPD, …) with an
// enveloped XAdES-BES signature appended as the last child of the root.
func SignEnveloped(doc []byte, key *Key, now time.Time) ([]byte, error) {
	return SignEnvelopedWith(doc, key, now, EnvelopedOptions{})
}

// SignEnvelopedWith is SignEnveloped with options. The signature has a
// reference URI="" (enveloped-signature, exclusive c14n, sha256) to the
// document and one (Type SignedProperties) to xades:SignedProperties with
// SigningTime (now), SigningCertificate (sha256 CertDigest and
// IssuerSerial) and any claimed roles; KeyInfo holds the certificate and
// the chain. The bytes of the document are kept; the signature is inserted
// before the root's end tag.
func SignEnvelopedWith(doc []byte, key *Key, now time.Time, opt EnvelopedOptions) ([]byte, error) {
	const op = "sign.SignEnveloped"
	if err := key.check(op); err != nil {
		return nil, err
	}
	d, err := parse(op, doc)
	if err != nil {
		return nil, err
	}
	ids, dups := d.ids()
	if len(dups) > 0 {
		return nil, invalid(op, "duplicate Id values: "+strings.Join(dups, ", "), nil)
	}
	if d.root.first(nsDS, "Signature") != nil {
		return nil, invalid(op, "the document already has a ds:Signature (co-signing is not supported)", nil)
	}
	var roles []*node
	for i, frag := range opt.ClaimedRoles {
		f, err := parse(op, frag)
		if err != nil {
			return nil, engine.E(op, engine.Field(fmt.Sprintf("ClaimedRoles[%d]", i)), err)
		}
		roles = append(roles, f.root)
	}
	docDigest := sum(crypto.SHA256, canonDoc(d, excC14N, nil))

	sigID := newID("id-", ids)
	spID := "xades-" + sigID
	certDigest := sum(crypto.SHA256, key.Certificate.Raw)
	ssp := elem("xades", "SignedSignatureProperties",
		textElem("xades", "SigningTime", now.UTC().Format(time.RFC3339)),
		elem("xades", "SigningCertificate", elem("xades", "Cert",
			elem("xades", "CertDigest",
				elem("ds", "DigestMethod").setAttr("", "Algorithm", algSHA256),
				textElem("ds", "DigestValue", b64(certDigest))),
			elem("xades", "IssuerSerial",
				textElem("ds", "X509IssuerName", key.Certificate.Issuer.String()),
				textElem("ds", "X509SerialNumber", key.Certificate.SerialNumber.String())))))
	if len(roles) > 0 {
		claimed := elem("xades", "ClaimedRoles")
		for _, r := range roles {
			claimed.appendChild(elem("xades", "ClaimedRole", r))
		}
		ssp.appendChild(elem("xades", "SignerRole", claimed))
	}
	sp := elem("xades", "SignedProperties", ssp).setAttr("", "Id", spID)
	qp := elem("xades", "QualifyingProperties", sp).declare("xades", nsXAdES).setAttr("", "Target", "#"+sigID)
	x509Data := elem("ds", "X509Data", textElem("ds", "X509Certificate", b64(key.Certificate.Raw)))
	for _, c := range key.Chain {
		x509Data.appendChild(textElem("ds", "X509Certificate", b64(c.Raw)))
	}
	sig := elem("ds", "Signature").declare("ds", nsDS).setAttr("", "Id", sigID)
	d.root.appendChild(sig)
	for _, r := range roles { // an unprefixed fragment must not take the document's default namespace
		if u, _ := r.parent.lookup(""); u != "" && !hasDefaultDecl(r) {
			r.declare("", "")
		}
	}
	spRef := newReference(sigID+"-ref-xades", "#"+spID, typeSignedPrp, nil, algExcC14N)
	si := newSignedInfo(newReference(sigID+"-ref-doc", "", "", docDigest, algEnveloped, algExcC14N), spRef)
	sig.appendChild(si)
	sig.appendChild(textElem("ds", "SignatureValue", ""))
	sig.appendChild(elem("ds", "KeyInfo", x509Data))
	sig.appendChild(elem("ds", "Object", qp))

	// SignedProperties is digested in its final place, then SignedInfo signed.
	spRef.first(nsDS, "DigestValue").children[0].data = b64(sum(crypto.SHA256, canonElem(sp, excC14N, nil)))
	value, err := signSignedInfo(si, key)
	if err != nil {
		return nil, engine.E(op, "signing failed", err)
	}
	sig.first(nsDS, "SignatureValue").children[0].data = value

	var out []byte
	if d.root.endStart < 0 { // <root/>: no end tag to insert before
		out = d.serialize()
	} else {
		var b bytes.Buffer
		b.Write(d.src[:d.root.endStart])
		writeNode(&b, sig)
		b.Write(d.src[d.root.endStart:])
		out = b.Bytes()
	}
	// Sign, then verify what is handed out (from a fresh parse).
	if res, err := VerifyEnveloped(out, nil); err != nil || !res.Valid {
		var why any = err
		if res != nil {
			why = res.Problems
		}
		return nil, engine.E(op, engine.KindOther, fmt.Sprintf("internal error: the signed document does not verify: %v", why))
	}
	return out, nil
}

func hasDefaultDecl(n *node) bool {
	for _, d := range n.decls {
		if d.prefix == "" {
			return true
		}
	}
	return false
}

// VerifyEnveloped verifies the enveloped XML signature of a document (the
// first ds:Signature child of the root, or else the first ds:Signature in
// it) as XAdES-BES: every ds:Reference (the whole-document one and the one
// to SignedProperties, which must both be present), the SigningCertificate
// digest and serial against the KeyInfo certificate, the SignatureValue and,
// when trust is not nil, the certificate chain to trust at the signing time.
// A signature that fails is reported in Result (Valid false, Problems);
// an error means the input is not readable XML.
func VerifyEnveloped(doc []byte, trust *x509.CertPool) (*Result, error) {
	const op = "sign.VerifyEnveloped"
	d, err := parse(op, doc)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	verifyEnveloped(d, trust, res)
	res.Valid = len(res.Problems) == 0
	return res, nil
}

func verifyEnveloped(d *document, trust *x509.CertPool, res *Result) {
	ids, dups := d.ids()
	for _, id := range dups {
		res.problem("duplicate Id %q in the document (signature wrapping?)", id)
	}
	sig := findSignature(d.root)
	if sig == nil {
		res.problem("the document has no ds:Signature")
		return
	}
	_, refs, err := signedInfo(sig)
	if err != nil {
		res.problem("malformed ds:Signature: %v", err)
		return
	}
	var sp *node
	var signed []*node // elements whose reference verified
	docRef, spRef := false, false
	for _, ref := range refs {
		uri, _ := ref.attr("", "URI")
		typ, _ := ref.attr("", "Type")
		target, err := checkReference(d, ids, sig, ref, true)
		isSP := strings.HasPrefix(typ, "http://uri.etsi.org/01903") && strings.HasSuffix(typ, "#SignedProperties")
		spTarget := target != nil && target.local == "SignedProperties" &&
			strings.HasPrefix(target.space(), "http://uri.etsi.org/01903/") && target.within(sig)
		switch {
		case isSP || spTarget:
			if !spTarget {
				if target != nil || err == nil {
					err = fmt.Errorf("does not point at xades:SignedProperties of this signature")
				}
				res.problem("SignedProperties reference URI=%q: %v", uri, err)
				continue
			}
			if sp == nil {
				sp = target
			}
			if err != nil {
				res.problem("SignedProperties reference URI=%q: %v", uri, err)
				continue
			}
			spRef = true
		case uri == "" || target != nil && target == d.root:
			if err != nil {
				res.problem("document reference URI=%q: %v", uri, err)
				continue
			}
			docRef = true
		case err != nil:
			res.problem("reference URI=%q: %v", uri, err)
			continue
		}
		if target != nil && !sig.within(target) { // the enveloped signature itself is not signed content
			signed = append(signed, target)
		}
	}
	if !docRef && !hasProblem(res, "document reference") {
		res.problem("no reference covers the whole document (URI=\"\")")
	}
	if sp == nil {
		res.problem("no reference to xades:SignedProperties: not a XAdES signature")
	} else if target, ok := sp.parent.attr("", "Target"); ok {
		if id, _ := sig.attr("", "Id"); target != "#"+id {
			res.problem("QualifyingProperties Target %q is not this signature", target)
		}
	}

	certs, err := x509Certs(sig.first(nsDS, "KeyInfo"))
	if err != nil {
		res.problem("KeyInfo: %v", err)
	}
	if len(certs) == 0 {
		res.problem("KeyInfo holds no X509Certificate")
		return
	}
	res.Signer = certs[0]
	if sp != nil {
		x := sp.space()
		ssp := sp.first(x, "SignedSignatureProperties")
		if st := ssp.first(x, "SigningTime"); st != nil {
			if t, err := parseTime(st); err != nil {
				res.problem("SigningTime: %v", err)
			} else {
				res.SigningTime = t
			}
		}
		res.Signer = signingCert(x, ssp, certs, res)
	}
	if err := checkSignatureValue(sig, res.Signer.PublicKey); err != nil {
		res.problem("SignatureValue: %v", err)
	}
	if trust != nil {
		at := res.SigningTime
		if at.IsZero() {
			at = time.Now()
		}
		if err := checkChain(res.Signer, certs, trust, x509.VerifyOptions{CurrentTime: at}); err != nil {
			res.problem("certificate chain: %v", err)
		}
	}
	if spRef {
		res.ProfilZaufany = findPZ(signed)
	}
}

func hasProblem(res *Result, prefix string) bool {
	for _, p := range res.Problems {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// findSignature returns the first ds:Signature child of root, or else the
// first ds:Signature in the document.
func findSignature(root *node) *node {
	if s := root.first(nsDS, "Signature"); s != nil {
		return s
	}
	var found *node
	walk(root, func(e *node) {
		if found == nil && e.is(nsDS, "Signature") {
			found = e
		}
	})
	return found
}

// signingCert checks xades:SigningCertificate (or SigningCertificateV2)
// against the KeyInfo certificates and returns the one it names (else the
// first KeyInfo certificate, with a problem noted).
func signingCert(x string, ssp *node, certs []*x509.Certificate, res *Result) *x509.Certificate {
	sc := ssp.first(x, "SigningCertificate")
	if sc == nil {
		sc = ssp.first(x, "SigningCertificateV2")
	}
	cert := sc.first(x, "Cert")
	if cert == nil {
		res.problem("SignedProperties lack xades:SigningCertificate")
		return certs[0]
	}
	cd := cert.first(x, "CertDigest")
	h, ok := digestAlgs[algorithm(cd.first(nsDS, "DigestMethod"))]
	if !ok {
		res.problem("SigningCertificate: unsupported or missing digest algorithm")
		return certs[0]
	}
	want, err := unb64(cd.first(nsDS, "DigestValue").text())
	if len(want) == 0 || err != nil {
		res.problem("SigningCertificate: unreadable CertDigest")
		return certs[0]
	}
	var signer *x509.Certificate
	for _, c := range certs {
		if bytes.Equal(sum(h, c.Raw), want) {
			signer = c
			break
		}
	}
	if signer == nil {
		res.problem("SigningCertificate digest does not match the KeyInfo certificate")
		return certs[0]
	}
	if serial := cert.first(x, "IssuerSerial").first(nsDS, "X509SerialNumber"); serial != nil {
		n, ok := new(big.Int), false
		if text := strings.TrimSpace(serial.text()); len(text) <= 64 {
			n, ok = n.SetString(text, 10)
		}
		if !ok || n.Cmp(signer.SerialNumber) != 0 {
			res.problem("SigningCertificate IssuerSerial serial number does not match the certificate")
		}
	}
	return signer
}
