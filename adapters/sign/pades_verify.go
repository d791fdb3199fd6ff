package sign

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/verify"
	"github.com/digitorus/pkcs7"

	"obieg.dev/obieg/engine"
)

// PDFResult is the outcome of VerifyPDF. Valid is true only when the PDF
// has at least one signature, every signature passed every check and
// nothing was added after the last one; Problems then is empty.
type PDFResult struct {
	Valid      bool
	Signatures []PDFSignature // in the order the file lists them, usually the signing order
	// ModifiedAfterSigning: the file goes on after the part the last
	// signature covers, i.e. someone changed it after it was signed.
	ModifiedAfterSigning bool
	Problems             []string
}

func (r *PDFResult) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// PDFSignature is one signature of a PDF. The strings and SigningTime are
// what the signature claims and are filled in even when it is not valid.
type PDFSignature struct {
	SubFilter string // "ETSI.CAdES.detached" (PAdES), "adbe.pkcs7.detached", …
	Name      string // from the signature dictionary
	Reason    string
	Location  string
	Contact   string
	// Signer is the certificate the CMS names; SignerName its subject's
	// common name (or the whole subject when it has none).
	Signer     *x509.Certificate
	SignerName string
	// SigningTime is the RFC 3161 timestamp's time when Timestamped, else
	// the time the signer claims (/M, or the CMS signing-time attribute).
	SigningTime time.Time
	Timestamped bool
	// SignatureValid: the digest of the signed bytes and the signature
	// value verify with Signer's key.
	SignatureValid bool
	// SigningCertificate: an ESS signing-certificate(-v2) attribute binds
	// Signer to the signature, as PAdES baseline B requires.
	SigningCertificate bool
	// Trusted: Signer chains to the pool given to VerifyPDF (false when
	// it was given none).
	Trusted bool
	// ByteRange is the part of the file signed: [0 a b c] covers [0, a)
	// and [b, b+c), the gap being this signature's /Contents.
	ByteRange [4]int64
	// WholeFile: the signature covers the file up to its end.
	WholeFile bool
}

// VerifyPDF verifies every signature of a PDF: with digitorus/pdfsign's
// verify package the digest of the bytes each one covers and its
// signature value; here its byte range (it must start the file, its gap
// must be exactly its own /Contents, it must not run past the end), the
// ESS signing-certificate attribute against the signer's certificate
// (required for ETSI.CAdES.detached), the signer's key usage and, when
// trust is not nil, the chain to trust at the signing time (the time the
// signer claims when there is no timestamp). It also reports whether the
// file was changed after the last signature. Revocation is not checked and
// nothing is fetched.
//
// A signature that fails is reported in PDFResult (Valid false, Problems);
// an error means the input is not a readable PDF.
func VerifyPDF(doc []byte, trust *x509.CertPool) (*PDFResult, error) {
	const op = "sign.VerifyPDF"
	if len(doc) > MaxPDFSize {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("the PDF is larger than %d bytes", MaxPDFSize))
	}
	dicts, err := signatureDicts(doc)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("pdf"), "cannot read the PDF", err)
	}
	res := &PDFResult{}
	if len(dicts) == 0 {
		res.problem("the PDF has no signature")
		return res, nil
	}

	opts := verify.DefaultVerifyOptions()
	opts.EnableExternalRevocationCheck = false // no network
	resp, err := verify.VerifyWithOptions(bytes.NewReader(doc), int64(len(doc)), opts)
	if err != nil {
		res.problem("cannot verify the signatures: %v", err)
		resp = &verify.Response{}
	}
	// pdfsign walks the same objects in the same order and leaves out those
	// whose CMS does not parse: match its signers to ours that way, and
	// check the match by the dictionary's strings and (pdfsign lists them
	// only for signatures that verify) the certificates.
	k := 0
	end := int64(0)
	for i, d := range dicts {
		s := &d.sig
		at := fmt.Sprintf("signature %d", i+1)
		if d.p7 == nil {
			res.problem("%s: the CMS does not parse: %v", at, d.err)
		} else {
			var got *verify.Signer
			if k < len(resp.Signers) {
				got = &resp.Signers[k]
			}
			k++
			checkPDFSignature(&d, got, doc, trust, res, at)
		}
		if e := s.ByteRange[2] + s.ByteRange[3]; d.rangeLen == 4 && e > end && e <= int64(len(doc)) {
			end = e
		}
		res.Signatures = append(res.Signatures, *s)
	}
	if k != len(resp.Signers) {
		res.problem("pdfsign reports %d signatures, the file has %d", len(resp.Signers), k)
	}
	if rest := bytes.TrimRight(doc[end:], " \t\r\n\x00"); len(rest) > 0 {
		res.ModifiedAfterSigning = true
		res.problem("the PDF was changed after the last signature: %d bytes are not signed", len(rest))
	}
	res.Valid = len(res.Problems) == 0
	return res, nil
}

// sigDict is a signature dictionary as read from the file.
type sigDict struct {
	sig      PDFSignature
	contents []byte // /Contents: the CMS, padded
	rangeLen int    // elements of /ByteRange
	mTime    time.Time
	p7       *pkcs7.PKCS7
	err      error
}

// signatureDicts reads every signature dictionary (Filter Adobe.PPKLite)
// the way pdfsign's verify package finds them.
func signatureDicts(doc []byte) (dicts []sigDict, err error) {
	defer func() { // the PDF reader panics on some damaged files
		if r := recover(); r != nil {
			dicts, err = nil, fmt.Errorf("%v", r)
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, err
	}
	for _, x := range rdr.Xref() {
		v := rdr.Resolve(x.Ptr(), x.Ptr())
		if v.Key("Filter").Name() != "Adobe.PPKLite" {
			continue
		}
		d := sigDict{
			sig: PDFSignature{
				SubFilter: v.Key("SubFilter").Name(),
				Name:      v.Key("Name").Text(),
				Reason:    v.Key("Reason").Text(),
				Location:  v.Key("Location").Text(),
				Contact:   v.Key("ContactInfo").Text(),
			},
			contents: []byte(v.Key("Contents").RawString()),
			rangeLen: v.Key("ByteRange").Len(),
		}
		for i := 0; i < 4 && i < d.rangeLen; i++ {
			d.sig.ByteRange[i] = v.Key("ByteRange").Index(i).Int64()
		}
		if m := v.Key("M").Text(); m != "" {
			d.mTime, _ = parsePDFDate(m)
		}
		d.p7, d.err = pkcs7.Parse(d.contents)
		dicts = append(dicts, d)
	}
	return dicts, nil
}

// checkPDFSignature fills in d.sig from the CMS and pdfsign's verdict got
// (nil when pdfsign has none) and reports what fails.
func checkPDFSignature(d *sigDict, got *verify.Signer, doc []byte, trust *x509.CertPool, res *PDFResult, at string) {
	s := &d.sig
	s.Signer = d.p7.GetOnlySigner()
	if s.Signer == nil {
		res.problem("%s: the CMS must have one signer with its certificate", at)
		return
	}
	s.SignerName = s.Signer.Subject.CommonName
	if s.SignerName == "" {
		s.SignerName = s.Signer.Subject.String()
	}

	checkByteRange(d, doc, res, at)

	switch {
	case got == nil || got.Name != s.Name || got.Reason != s.Reason || got.Location != s.Location ||
		len(got.Certificates) > 0 && !hasCert(got.Certificates, s.Signer):
		res.problem("%s: pdfsign has no result for it", at)
	case !got.ValidSignature:
		res.problem("%s: the signature does not match the signed bytes (the document was changed or the signature is damaged)", at)
	default:
		s.SignatureValid = true
	}

	s.SigningTime = d.mTime
	if got != nil && got.TimeStamp != nil && !got.TimeStamp.Time.IsZero() {
		s.SigningTime, s.Timestamped = got.TimeStamp.Time, true
	} else if s.SigningTime.IsZero() {
		var t time.Time
		if d.p7.UnmarshalSignedAttribute(oidSigningTime, &t) == nil {
			s.SigningTime = t
		}
	}

	switch err := checkSigningCertificate(d.p7, s.Signer); {
	case err == nil:
		s.SigningCertificate = true
	case s.SubFilter == "ETSI.CAdES.detached":
		res.problem("%s: signing-certificate attribute: %v", at, err)
	}
	if ku := s.Signer.KeyUsage; ku != 0 && ku&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		res.problem("%s: the certificate's key usage allows neither digitalSignature nor nonRepudiation", at)
	}
	if trust != nil {
		when := s.SigningTime
		if when.IsZero() {
			when = time.Now()
		}
		if err := checkChain(s.Signer, d.p7.Certificates, trust, x509.VerifyOptions{CurrentTime: when}); err != nil {
			res.problem("%s: certificate chain: %v", at, err)
		} else {
			s.Trusted = true
		}
	}
}

// checkByteRange checks that the byte range is [0 a b c] with the gap
// [a, b) being exactly "<hex of /Contents>", inside the file: what pdfsign
// hashes is then everything but this signature's own value.
func checkByteRange(d *sigDict, doc []byte, res *PDFResult, at string) {
	br, size := d.sig.ByteRange, int64(len(doc))
	if d.rangeLen != 4 || br[0] != 0 || br[1] <= 0 || br[2] < br[1]+2 || br[3] < 0 || br[2] > size || br[3] > size-br[2] {
		res.problem("%s: /ByteRange %v does not fit a file of %d bytes", at, br, size)
		return
	}
	gap := doc[br[1]:br[2]]
	value := make([]byte, hex.DecodedLen(len(gap)-2))
	if gap[0] != '<' || gap[len(gap)-1] != '>' || len(gap)%2 != 0 {
		res.problem("%s: /ByteRange leaves out more than the signature value", at)
		return
	}
	if _, err := hex.Decode(value, gap[1:len(gap)-1]); err != nil || !bytes.Equal(value, d.contents) {
		res.problem("%s: /ByteRange leaves out bytes that are not this signature's /Contents", at)
		return
	}
	end := br[2] + br[3]
	d.sig.WholeFile = len(bytes.TrimRight(doc[end:], " \t\r\n\x00")) == 0
}

func hasCert(certs []verify.Certificate, c *x509.Certificate) bool {
	for _, x := range certs {
		if x.Certificate != nil && x.Certificate.Equal(c) {
			return true
		}
	}
	return false
}

// essCertIDv2 is ESSCertIDv2 of RFC 5035; essCertID ESSCertID of RFC 2634.
type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  asn1.RawValue `asn1:"optional"`
}

type essCertID struct {
	CertHash     []byte
	IssuerSerial asn1.RawValue `asn1:"optional"`
}

// checkSigningCertificate checks the ESS signing-certificate-v2 (or v1)
// signed attribute: its first certificate hash must be that of signer.
func checkSigningCertificate(p7 *pkcs7.PKCS7, signer *x509.Certificate) error {
	var v2 struct {
		Certs    []essCertIDv2
		Policies asn1.RawValue `asn1:"optional"`
	}
	var want, got []byte
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &v2); err == nil && len(v2.Certs) > 0 {
		h := crypto.SHA256
		switch alg := v2.Certs[0].HashAlgorithm.Algorithm; {
		case len(alg) == 0 || alg.Equal(oidSHA256):
		case alg.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}):
			h = crypto.SHA384
		case alg.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}):
			h = crypto.SHA512
		default:
			return fmt.Errorf("unsupported hash algorithm %v", alg)
		}
		hh := h.New()
		hh.Write(signer.Raw)
		want, got = hh.Sum(nil), v2.Certs[0].CertHash
	} else {
		var v1 struct {
			Certs    []essCertID
			Policies asn1.RawValue `asn1:"optional"`
		}
		if err := p7.UnmarshalSignedAttribute(oidSigningCertificate, &v1); err != nil || len(v1.Certs) == 0 {
			return fmt.Errorf("missing")
		}
		hh := crypto.SHA1.New()
		hh.Write(signer.Raw)
		want, got = hh.Sum(nil), v1.Certs[0].CertHash
	}
	if !bytes.Equal(want, got) {
		return fmt.Errorf("it names another certificate than the signer's")
	}
	return nil
}

// parsePDFDate parses a PDF date (ISO 32000-1 §7.9.4) such as
// "D:20261124101500+01'00'", "D:20261124101500Z" or "D:20261124".
func parsePDFDate(s string) (time.Time, error) {
	for _, layout := range []string{
		"D:20060102150405Z07'00'", "D:20060102150405Z07'00", "D:20060102150405Z0700",
		"D:20060102150405Z", "D:20060102150405", "D:200601021504", "D:20060102",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad PDF date %q", s)
}
