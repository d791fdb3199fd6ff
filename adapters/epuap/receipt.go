package epuap

import (
	"crypto/x509"
	"fmt"
	"time"

	"obieg.dev/obieg/adapters/sign"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// UPP (urzędowe poświadczenie przedłożenia, proof of submission) and UPD
// (urzędowe poświadczenie doręczenia, proof of delivery): ePUAP's receipts,
// namespace NSUPO, root Dokument with child UPP or UPD, and an enveloped
// ds:Signature by ePUAP. Elements and attributes are matched by local name
// (ePUAP writes both TypIdentyfikatora and pos:TypIdentyfikatora).

// Receipt is a parsed UPP or UPD. The signature is not verified here; verify
// Raw with the signing package before relying on the receipt.
type Receipt struct {
	Kind       string // "UPP" or "UPD"
	ReceiptID  string // IdentyfikatorPoswiadczenia
	DocumentID string // IdentyfikatorDokumentu: the document the receipt is about
	CaseID     string // IdentyfikatorSprawy (UPD)
	// Sender: Nadawca (who submitted or sent); for a UPD without Nadawca,
	// the Issuer.
	Sender    ReceiptParty
	Recipient ReceiptParty // Adresat
	Issuer    ReceiptParty // PodmiotWystawiajacyPoswiadczenie (UPD)
	// SubmittedAt: DataNadania when present, else for a UPP its DataDoreczenia
	// (the moment the document entered the recipient's box is the moment
	// of submission).
	SubmittedAt time.Time
	// DeliveredAt: UPP DataDoreczenia; UPD DataOdbioru (the addressee
	// collected it), else DataDoreczenia.
	DeliveredAt time.Time
	// IssuedAt: DataWytworzeniaPoswiadczenia (UPP) / DataUtworzeniaPoswiadczenia (UPD).
	IssuedAt       time.Time
	DocumentDigest Digest        // the skrót of the document the receipt is about, when given
	Info           []ReceiptInfo // InformacjaUzupelniajaca
	Signed         bool          // carries a ds:Signature (not verified by ParseReceipt)
	Raw            []byte        // the receipt as received, for signature verification
	// Signature is the verification of ePUAP's signature (VerifyReceipt),
	// filled by the Inbox and the Sender before they hand the receipt on;
	// nil from ParseReceipt.
	Signature *registry.SignatureCheck
}

// ReceiptParty is a party named in a receipt.
type ReceiptParty struct {
	Name   string // Nazwa
	ID     string // IdentyfikatorPodmiotu, e.g. an ePUAP identifier
	IDType string // @TypIdentyfikatora
}

// ReceiptInfo is an InformacjaUzupelniajaca.
type ReceiptInfo struct {
	Type  string // @TypInformacjiUzupelniajacej
	Value string
}

// Digest is a document digest named in a receipt.
type Digest struct {
	Algorithm string // algorithm URI (xmldsig DigestMethod) or name, as written
	Value     string // base64, as written
}

// ParseReceipt reads a UPP or UPD. It fails with KindInvalid on input that
// is not a receipt (other root, neither UPP nor UPD) or has a date that does
// not parse; a date element that is absent leaves the time zero.
func ParseReceipt(data []byte) (*Receipt, error) {
	const op = "epuap.ParseReceipt"
	root, err := parseXML(op, data, MaxDocumentSize)
	if err != nil {
		return nil, err
	}
	if !root.is(NSUPO, "Dokument") {
		return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("not a UPP/UPD: root {%s}%s", root.space, root.local))
	}
	body := root.kidIn(NSUPO, "UPP")
	if body == nil {
		body = root.kidIn(NSUPO, "UPD")
	}
	if body == nil {
		return nil, engine.E(op, engine.KindInvalid, "not a UPP/UPD: Dokument has neither UPP nor UPD")
	}
	r := &Receipt{
		Kind:       body.local,
		ReceiptID:  body.kidStr("IdentyfikatorPoswiadczenia"),
		DocumentID: body.kidStr("IdentyfikatorDokumentu"),
		CaseID:     body.kidStr("IdentyfikatorSprawy"),
		Recipient:  receiptParty(body.kid("Adresat")),
		Signed:     root.has(func(n *node) bool { return n.is(NSDSig, "Signature") }),
		Raw:        append([]byte(nil), data...),
	}
	r.Sender, r.Issuer = receiptParty(body.kid("Nadawca")), receiptParty(body.kid("PodmiotWystawiajacyPoswiadczenie"))
	if r.Sender == (ReceiptParty{}) {
		r.Sender = r.Issuer
	}
	times := map[string]time.Time{}
	for _, name := range []string{"DataNadania", "DataDoreczenia", "DataOdbioru", "DataWytworzeniaPoswiadczenia", "DataUtworzeniaPoswiadczenia"} {
		s := body.kidStr(name)
		if s == "" {
			continue
		}
		t, err := parseTime(s)
		if err != nil {
			return nil, engine.E(op, engine.KindInvalid, engine.Field(name), err)
		}
		times[name] = t
	}
	first := func(names ...string) time.Time {
		for _, n := range names {
			if t, ok := times[n]; ok {
				return t
			}
		}
		return time.Time{}
	}
	if r.Kind == "UPP" {
		r.SubmittedAt = first("DataNadania", "DataDoreczenia")
		r.DeliveredAt = first("DataDoreczenia")
	} else {
		r.SubmittedAt = first("DataNadania")
		r.DeliveredAt = first("DataOdbioru", "DataDoreczenia")
	}
	r.IssuedAt = first("DataWytworzeniaPoswiadczenia", "DataUtworzeniaPoswiadczenia")
	for _, n := range body.kids {
		if n.local == "InformacjaUzupelniajaca" {
			r.Info = append(r.Info, ReceiptInfo{Type: n.attr("TypInformacjiUzupelniajacej"), Value: n.str()})
		}
	}
	r.DocumentDigest = receiptDigest(root, body)
	return r, nil
}

func receiptParty(n *node) ReceiptParty {
	id := n.kid("IdentyfikatorPodmiotu")
	return ReceiptParty{Name: n.kidStr("Nazwa"), ID: id.str(), IDType: id.attr("TypIdentyfikatora")}
}

// receiptDigest finds the digest of the document a receipt is about: an
// explicit skrót element in the UPP/UPD (SkrotDokumentu, Skrot,
// WartoscSkrotu, with its algorithm in an attribute or a sibling
// DigestMethod), else the ds:Reference of ePUAP's signature that points
// outside the receipt (not URI="" — the receipt itself — and not the XAdES
// SignedProperties).
func receiptDigest(root, body *node) Digest {
	if s := body.find(byLocal("SkrotDokumentu", "Skrot", "WartoscSkrotu")); s != nil {
		alg := firstNonEmpty(s.attr("algorytm"), s.attr("Algorithm"), s.attr("AlgorytmSkrotu"), s.attr("algorytmSkrotu"))
		if alg == "" {
			alg = firstNonEmpty(body.find(byLocal("AlgorytmSkrotu")).str(), body.find(func(n *node) bool { return n.local == "DigestMethod" }).attr("Algorithm"))
		}
		return Digest{Algorithm: alg, Value: s.str()}
	}
	sig := root.kidIn(NSDSig, "Signature")
	for _, ref := range sig.kid("SignedInfo").children() {
		if ref.local != "Reference" || ref.attr("URI") == "" || ref.attr("Type") == "http://uri.etsi.org/01903#SignedProperties" {
			continue
		}
		return Digest{Algorithm: ref.kid("DigestMethod").attr("Algorithm"), Value: ref.kidStr("DigestValue")}
	}
	return Digest{}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// VerifyReceipt checks ePUAP's enveloped XAdES signature on a UPP or UPD
// (domain-rules §3: every ds:Reference including SignedProperties, the
// signing-certificate digest, the chain to trust at the signing time) and
// returns the result to store with the receipt's document. A receipt is
// evidence of a legal fact (the date of delivery decides the appeal period,
// KPA art. 129 §2), so a receipt that fails is not refused — refusing it
// would lose the fact ePUAP reports — but recorded with Valid false and the
// failing checks. An unsigned receipt and, without a trust store, every
// chain count as failures: an unverified receipt is never reported valid.
func VerifyReceipt(r *Receipt, trust *x509.CertPool) *registry.SignatureCheck {
	if !r.Signed {
		return &registry.SignatureCheck{Problems: []string{"poświadczenie " + r.Kind + " bez podpisu ePUAP"}}
	}
	return verifySignature(r.Raw, trust)
}

// verifySignature checks the XAdES signature of a document: every
// reference with SignedProperties, the signing certificate's digest, the
// chain to trust — with no trust store the chain is reported untrusted.
func verifySignature(doc []byte, trust *x509.CertPool) *registry.SignatureCheck {
	if trust == nil {
		trust = x509.NewCertPool()
	}
	res, err := sign.VerifyEnveloped(doc, trust)
	if err != nil {
		return &registry.SignatureCheck{Problems: []string{"podpis nieczytelny: " + err.Error()}}
	}
	c := &registry.SignatureCheck{Valid: res.Valid, Problems: res.Problems}
	if res.Signer != nil {
		c.Signer = res.Signer.Subject.String()
	}
	if !res.SigningTime.IsZero() {
		t := res.SigningTime
		c.SigningTime = &t
	}
	if pz := res.ProfilZaufany; pz != nil {
		c.GivenName, c.FamilyName, c.PESEL = pz.GivenName, pz.FamilyName, pz.PESEL
	}
	return c
}
