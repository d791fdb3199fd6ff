package sign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// TimestampTTL is how long a wsu:Timestamp made by SignSOAP is valid.
const TimestampTTL = 5 * time.Minute

// ClockSkew is the difference between clocks VerifySOAP tolerates when it
// checks a wsu:Timestamp.
const ClockSkew = time.Minute

// ErrBadSignature is wrapped by the errors VerifySOAP returns for a message
// that was read but whose signature, certificate or timestamp is not
// acceptable (as opposed to input that is not a SOAP message at all).
var ErrBadSignature = errors.New("signature rejected")

const wsuTime = "2006-01-02T15:04:05.000Z07:00"

// SignSOAP signs a SOAP 1.1 envelope the way ePUAP accepts: it adds to the
// Header a wsse:Security with a wsu:Timestamp (valid TimestampTTL from now),
// a BinarySecurityToken with key's certificate and a ds:Signature (exclusive
// c14n, rsa-sha256, sha256) over the Body (given a wsu:Id when it has none)
// and the Timestamp, whose KeyInfo points at the token. An existing empty
// wsse:Security header is filled in.
func SignSOAP(envelope []byte, key *Key, now time.Time) ([]byte, error) {
	const op = "sign.SignSOAP"
	if err := key.check(op); err != nil {
		return nil, err
	}
	doc, err := parse(op, envelope)
	if err != nil {
		return nil, err
	}
	env := doc.root
	if !env.is(nsSOAP11, "Envelope") {
		return nil, invalid(op, "not a SOAP 1.1 envelope", nil)
	}
	body, err := only(env, nsSOAP11, "Body")
	if err != nil {
		return nil, invalid(op, "bad SOAP envelope", err)
	}
	ids, dups := doc.ids()
	if len(dups) > 0 {
		return nil, invalid(op, "duplicate Id values: "+strings.Join(dups, ", "), nil)
	}
	headers := env.all(nsSOAP11, "Header")
	var header *node
	switch len(headers) {
	case 0:
		header = elem(env.prefix, "Header")
		env.insertChild(indexOf(env, body), header)
	case 1:
		header = headers[0]
	default:
		return nil, invalid(op, "more than one SOAP Header", nil)
	}
	sec := header.all(nsWSSE, "Security")
	if len(sec) > 1 {
		return nil, invalid(op, "more than one wsse:Security header", nil)
	}
	var security *node
	if len(sec) == 1 {
		security = sec[0]
		for _, c := range security.children {
			if c.is(nsDS, "Signature") || c.is(nsWSU, "Timestamp") || c.is(nsWSSE, "BinarySecurityToken") {
				return nil, invalid(op, "the envelope is already signed", nil)
			}
		}
	} else {
		security = elem("wsse", "Security").declare("wsse", nsWSSE)
		header.insertChild(0, security)
	}

	bodyID, ok := body.attr(nsWSU, "Id")
	if !ok {
		bodyID = newID("id-", ids)
		body.setAttr(bindPrefix(body, "wsu", nsWSU), "Id", bodyID)
	}
	tsID, tokenID, sigID := newID("TS-", ids), newID("X509-", ids), newID("SIG-", ids)

	ts := elem("wsu", "Timestamp",
		textElem("wsu", "Created", now.UTC().Format(wsuTime)),
		textElem("wsu", "Expires", now.Add(TimestampTTL).UTC().Format(wsuTime)))
	token := &node{kind: textNode, data: b64(key.Certificate.Raw)}
	bst := elem("wsse", "BinarySecurityToken", token).
		setAttr("", "EncodingType", tokenEncoding).
		setAttr("", "ValueType", tokenValueType)
	sig := elem("ds", "Signature").declare("ds", nsDS).setAttr("", "Id", sigID)
	for i, n := range []*node{ts, bst, sig} {
		security.insertChild(i, n)
	}
	ensureNS(ts, "wsu", nsWSU).setAttr("wsu", "Id", tsID)
	ensureNS(ensureNS(bst, "wsse", nsWSSE), "wsu", nsWSU).setAttr("wsu", "Id", tokenID)

	si := newSignedInfo(
		newReference("", "#"+bodyID, "", sum(crypto.SHA256, canonElem(body, excC14N, nil)), algExcC14N),
		newReference("", "#"+tsID, "", sum(crypto.SHA256, canonElem(ts, excC14N, nil)), algExcC14N))
	sig.appendChild(si)
	value, err := signSignedInfo(si, key)
	if err != nil {
		return nil, engine.E(op, "signing failed", err)
	}
	sig.appendChild(textElem("ds", "SignatureValue", value))
	str := elem("wsse", "SecurityTokenReference",
		elem("wsse", "Reference").setAttr("", "URI", "#"+tokenID).setAttr("", "ValueType", tokenValueType))
	sig.appendChild(elem("ds", "KeyInfo", str))
	ensureNS(str, "wsse", nsWSSE)
	out := doc.serialize()
	// Sign, then verify what is handed out (from a fresh parse).
	if _, err := VerifySOAP(out, nil, now); err != nil {
		return nil, engine.E(op, engine.KindOther, "internal error: the signed envelope does not verify: "+err.Error())
	}
	return out, nil
}

// bindPrefix returns a prefix bound to uri at n; when there is none it
// declares on n want, or a variant of it not bound at n (so that content
// below n relying on an outer binding keeps its meaning).
func bindPrefix(n *node, want, uri string) string {
	for e := n; e != nil; e = e.parent {
		for _, d := range e.decls {
			if u, _ := n.lookup(d.prefix); d.prefix != "" && d.uri == uri && u == uri {
				return d.prefix
			}
		}
	}
	p := want
	for i := 1; ; i++ {
		if _, taken := n.lookup(p); !taken {
			break
		}
		p = fmt.Sprintf("%s%d", want, i)
	}
	n.declare(p, uri)
	return p
}

// ensureNS declares prefix on n (an element made here, whose whole subtree
// is ours) unless it is already bound to uri there.
func ensureNS(n *node, prefix, uri string) *node {
	if u, ok := n.lookup(prefix); !ok || u != uri {
		n.declare(prefix, uri)
	}
	return n
}

// path names n by the local names from the root, e.g. /Envelope/Header/Body.
func path(n *node) string {
	var parts []string
	for e := n; e != nil; e = e.parent {
		parts = append([]string{e.local}, parts...)
	}
	return "/" + strings.Join(parts, "/")
}

func indexOf(parent, child *node) int {
	for i, c := range parent.children {
		if c == child {
			return i
		}
	}
	return len(parent.children)
}

// VerifySOAP checks a WS-Security signed SOAP 1.1 envelope and returns the
// signer's certificate (from the BinarySecurityToken). It re-parses the
// message and requires: one Security header with one ds:Signature; a
// reference to the Body; every reference pointing at the Body or the
// Security's Timestamp (anything else is treated as signature wrapping);
// unique Ids; matching digests and SignatureValue; a Timestamp, when
// present, not expired at now; and, when trust is not nil, a certificate
// that chains to trust at now. Errors wrap ErrBadSignature when the
// message was readable but is not acceptable.
func VerifySOAP(envelope []byte, trust *x509.CertPool, now time.Time) (*x509.Certificate, error) {
	const op = "sign.VerifySOAP"
	doc, err := parse(op, envelope)
	if err != nil {
		return nil, err
	}
	reject := func(msg string, err error) error {
		if err != nil {
			msg += ": " + err.Error()
		}
		return engine.E(op, engine.KindInvalid, msg, ErrBadSignature)
	}
	env := doc.root
	if !env.is(nsSOAP11, "Envelope") {
		return nil, invalid(op, "not a SOAP 1.1 envelope", nil)
	}
	header, err := only(env, nsSOAP11, "Header")
	if err != nil {
		return nil, reject("no single SOAP Header", err)
	}
	body, err := only(env, nsSOAP11, "Body")
	if err != nil {
		return nil, reject("no single SOAP Body", err)
	}
	ids, dups := doc.ids()
	if len(dups) > 0 {
		return nil, reject("duplicate Id values (signature wrapping?): "+strings.Join(dups, ", "), nil)
	}
	sec, err := only(header, nsWSSE, "Security")
	if err != nil {
		return nil, reject("no single wsse:Security header", err)
	}
	sig, err := only(sec, nsDS, "Signature")
	if err != nil {
		return nil, reject("no single ds:Signature in wsse:Security", err)
	}
	stamps := sec.all(nsWSU, "Timestamp")
	if len(stamps) > 1 {
		return nil, reject("more than one wsu:Timestamp", nil)
	}
	_, refs, err := signedInfo(sig)
	if err != nil {
		return nil, reject("bad ds:Signature", err)
	}
	signedBody := false
	for _, ref := range refs {
		target, err := checkReference(doc, ids, sig, ref, false)
		uri, _ := ref.attr("", "URI")
		switch {
		case target == nil && err == nil:
			return nil, reject("reference to the whole envelope is not accepted", nil)
		case target == nil:
			return nil, reject(fmt.Sprintf("reference %q", uri), err)
		case target == body:
			signedBody = true
		case len(stamps) == 1 && target == stamps[0]:
		default:
			return nil, reject(fmt.Sprintf("reference %q points at %s, not the SOAP Body or the Security Timestamp (signature wrapping)", uri, path(target)), nil)
		}
		if err != nil {
			return nil, reject(fmt.Sprintf("reference %q to <%s>", uri, target.local), err)
		}
	}
	if !signedBody {
		return nil, reject("the SOAP Body is not signed", nil)
	}
	if len(stamps) == 1 {
		if err := checkTimestamp(stamps[0], now); err != nil {
			return nil, reject("wsu:Timestamp", err)
		}
	}
	cert, err := securityToken(sig, sec, ids)
	if err != nil {
		return nil, reject("signer's certificate", err)
	}
	if err := checkSignatureValue(sig, cert.PublicKey); err != nil {
		return nil, reject("SignatureValue", err)
	}
	if trust != nil {
		if err := checkChain(cert, nil, trust, x509.VerifyOptions{CurrentTime: now}); err != nil {
			return nil, reject("certificate chain", err)
		}
	}
	return cert, nil
}

func checkTimestamp(ts *node, now time.Time) error {
	exp, err := parseTime(ts.first(nsWSU, "Expires"))
	if err != nil {
		return fmt.Errorf("timestamp expiry: %w", err)
	}
	if now.After(exp.Add(ClockSkew)) {
		return fmt.Errorf("expired at %s", exp.Format(time.RFC3339))
	}
	if c := ts.first(nsWSU, "Created"); c != nil {
		created, err := parseTime(c)
		if err != nil {
			return fmt.Errorf("timestamp creation: %w", err)
		}
		if created.After(now.Add(ClockSkew)) {
			return fmt.Errorf("created in the future (%s)", created.Format(time.RFC3339))
		}
	}
	return nil
}

// parseTime reads an xsd:dateTime; without a zone it is taken as UTC.
func parseTime(n *node) (time.Time, error) {
	if n == nil {
		return time.Time{}, errors.New("missing")
	}
	s := strings.TrimSpace(n.text())
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date-time %q", s)
	}
	return t, nil
}

// securityToken finds the certificate KeyInfo refers to: a
// BinarySecurityToken of the same Security header through a
// SecurityTokenReference, or an X509Certificate in X509Data.
func securityToken(sig, sec *node, ids map[string]*node) (*x509.Certificate, error) {
	ki := sig.first(nsDS, "KeyInfo")
	if ki == nil {
		return nil, errors.New("no KeyInfo")
	}
	if xd := ki.first(nsDS, "X509Data"); xd != nil {
		certs, err := x509Certs(ki)
		if err != nil || len(certs) == 0 {
			return nil, errors.New("no readable X509Certificate in KeyInfo")
		}
		return certs[0], nil
	}
	ref := ki.first(nsWSSE, "SecurityTokenReference").first(nsWSSE, "Reference")
	if ref == nil {
		return nil, errors.New("KeyInfo has no SecurityTokenReference/Reference")
	}
	uri, _ := ref.attr("", "URI")
	tok, err := refTarget(ids, uri)
	if err != nil || tok == nil {
		return nil, fmt.Errorf("token reference %q does not resolve", uri)
	}
	if !tok.is(nsWSSE, "BinarySecurityToken") || tok.parent != sec {
		return nil, fmt.Errorf("token reference %q does not point at a BinarySecurityToken of this Security header", uri)
	}
	if vt, ok := tok.attr("", "ValueType"); ok && vt != tokenValueType {
		return nil, fmt.Errorf("token ValueType %q is not X509v3", vt)
	}
	if et, ok := tok.attr("", "EncodingType"); ok && et != tokenEncoding {
		return nil, fmt.Errorf("token EncodingType %q is not Base64Binary", et)
	}
	der, err := unb64(tok.text())
	if err != nil {
		return nil, errors.New("token is not base64")
	}
	return x509.ParseCertificate(der)
}

// x509Certs reads the certificates in ki's X509Data elements.
func x509Certs(ki *node) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, xd := range ki.all(nsDS, "X509Data") {
		for _, xc := range xd.all(nsDS, "X509Certificate") {
			if len(out) == maxCertificates {
				return out, fmt.Errorf("more than %d certificates", maxCertificates)
			}
			der, err := unb64(xc.text())
			if err != nil {
				return out, errors.New("X509Certificate is not base64")
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return out, fmt.Errorf("X509Certificate: %w", err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}
