package sign

import (
	"bytes"
	"context"
	"crypto"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	pdfsign "github.com/digitorus/pdfsign/sign"
	"golang.org/x/text/unicode/norm"

	"obieg.dev/obieg/engine"
)

// MaxPDFSize bounds the PDFs SignPDF and VerifyPDF accept: both hold the
// whole file in memory.
const MaxPDFSize = 100 << 20

// PDFOptions are what a PDF signature says about itself. The strings go
// into the signature dictionary, where PDF readers show them; Time is the
// claimed signing time (the dictionary's /M), taken from the caller's clock
// because nothing here reads the system clock.
type PDFOptions struct {
	Name        string // the signer, e.g. "Jan Kowalski, Wójt Gminy Przykładowo"
	Reason      string // e.g. "Decyzja w sprawie podatku od nieruchomości"
	Location    string // e.g. "Przykładowo"
	ContactInfo string
	Time        time.Time
}

// The SubFilter pdfsign v0.9.0 writes and the one of a PAdES signature
// (ETSI EN 319 142-1 §4): equally long, so one replaces the other in place.
const (
	subFilterPKCS7 = "/SubFilter /adbe.pkcs7.detached"
	subFilterCAdES = "/SubFilter /ETSI.CAdES.detached"
)

var byteRangeRE = regexp.MustCompile(`/ByteRange ?\[(\d+) (\d+) (\d+) (\d+) *\]`)

// SignPDF signs a PDF with a PAdES baseline B-B signature (ETSI EN 319
// 142-1: SubFilter ETSI.CAdES.detached, a detached CMS with SHA-256, the
// ESS signing-certificate-v2 attribute, no signing-time attribute and the
// claimed time in /M) added as an incremental update, so the bytes of doc
// are kept and earlier signatures stay valid. The signer's certificate and
// key.Chain are embedded in the CMS. The first signature of a document is a
// certification signature that still allows further signatures (DocMDP
// P=2); later ones are approval signatures. The signature is invisible: the
// document itself says who signed it ("podpisano kwalifikowanym podpisem
// elektronicznym").
//
// There is no timestamp (B-T) and no revocation data (B-LT): nothing here
// talks to the network. What SignPDF returns has been verified with
// VerifyPDF before it is handed out.
//
// pdfsign v0.9.0 writes the PDF structure (signature field, catalog, xref,
// byte range); it only knows adbe.pkcs7.detached and puts a signing-time
// taken from the system clock into its CMS, so SignPDF lets it lay out the
// update around a placeholder signature, then switches the SubFilter and
// writes its own CMS (cms.go) into /Contents. key.Signer signs once.
func SignPDF(ctx context.Context, doc []byte, key *Key, opt PDFOptions) ([]byte, error) {
	const op = "sign.SignPDF"
	if err := key.check(op); err != nil {
		return nil, err
	}
	if opt.Time.IsZero() {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("time"), "the signing time is missing")
	}
	if len(doc) > MaxPDFSize {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("the PDF is larger than %d bytes", MaxPDFSize))
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("pdf"), "not a PDF (no %PDF- header)")
	}
	sized, err := cmsSignature(nil, key, false)
	if err != nil {
		return nil, engine.E(op, "cannot encode the CMS signature", err)
	}
	need := int64(hex.EncodedLen(len(sized)))

	// pdfsign reserves room for its own CMS; when ours needs more (a long
	// chain, a 4096-bit key), the second try pads the reservation through
	// the only size it takes from outside: the revocation data.
	var out []byte
	var br [4]int64
	pad := int64(0)
	for try := 0; ; try++ {
		out, br, err = layoutPDF(op, doc, key, opt, pad)
		if err != nil {
			return nil, err
		}
		room := br[2] - br[1] - 2
		if need <= room {
			break
		}
		if try > 0 {
			return nil, engine.E(op, fmt.Sprintf("internal error: the signature needs %d bytes, %d reserved", need, room))
		}
		pad = (need-room)/2 + 64
	}

	if err := ctx.Err(); err != nil {
		return nil, engine.E(op, err)
	}
	content := make([]byte, 0, br[1]+br[3])
	content = append(content, out[:br[1]]...)
	content = append(content, out[br[2]:br[2]+br[3]]...)
	cms, err := cmsSignature(content, key, true)
	if err != nil {
		return nil, engine.E(op, "signing failed", err)
	}
	contents := out[br[1]+1 : br[2]-1]
	if hex.EncodedLen(len(cms)) > len(contents) {
		return nil, engine.E(op, fmt.Sprintf("internal error: the signature has %d bytes, %d reserved", len(cms), len(contents)/2))
	}
	n := hex.Encode(contents, cms)
	for i := n; i < len(contents); i++ {
		contents[i] = '0'
	}

	// Sign, then verify what is handed out.
	res, err := VerifyPDF(out, nil)
	if err != nil || !res.Valid || len(res.Signatures) == 0 ||
		!res.Signatures[len(res.Signatures)-1].Signer.Equal(key.Certificate) {
		var why any = err
		if res != nil {
			why = res.Problems
		}
		return nil, engine.E(op, engine.KindOther, fmt.Sprintf("internal error: the signed PDF does not verify: %v", why))
	}
	return out, nil
}

// layoutPDF has pdfsign append the signature's incremental update to doc,
// with a placeholder CMS, pad more bytes reserved for the signature and the
// SubFilter of a PAdES signature, and returns it with its byte range.
func layoutPDF(op string, doc []byte, key *Key, opt PDFOptions, pad int64) (out []byte, br [4]int64, err error) {
	defer func() { // pdfsign and its PDF reader panic on some damaged files
		if r := recover(); r != nil {
			err = engine.E(op, engine.KindInvalid, engine.Field("pdf"), fmt.Sprintf("cannot sign this PDF: %v", r))
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, br, engine.E(op, engine.KindInvalid, engine.Field("pdf"), "cannot read the PDF", err)
	}
	if rdr.Trailer().Key("Encrypt").Kind() != pdf.Null {
		return nil, br, engine.E(op, engine.KindInvalid, engine.Field("pdf"), "encrypted PDFs cannot be signed")
	}
	sd := pdfsign.SignData{
		Signature: pdfsign.SignDataSignature{
			CertType:   pdfsign.CertificationSignature,
			DocMDPPerm: pdfsign.AllowFillingExistingFormFieldsAndSignaturesPerms,
			Info: pdfsign.SignDataSignatureInfo{
				Name:        pdfText(opt.Name),
				Location:    pdfText(opt.Location),
				Reason:      pdfText(opt.Reason),
				ContactInfo: pdfText(opt.ContactInfo),
				Date:        opt.Time,
			},
		},
		Signer:          placeholderSigner{key.Signer.Public()},
		DigestAlgorithm: crypto.SHA256,
		Certificate:     key.Certificate,
	}
	if hasSignatures(rdr) { // a document has one certification signature, the first
		sd.Signature.CertType = pdfsign.ApprovalSignature
	}
	if pad > 0 {
		filler, err := asn1.Marshal(make([]byte, pad))
		if err != nil {
			return nil, br, engine.E(op, err)
		}
		sd.RevocationData = revocation.InfoArchival{CRL: []asn1.RawValue{{FullBytes: filler}}}
	}
	var b bytes.Buffer
	if err := pdfsign.Sign(bytes.NewReader(doc), &b, rdr, int64(len(doc)), sd); err != nil {
		return nil, br, engine.E(op, engine.KindInvalid, engine.Field("pdf"), "cannot sign this PDF", err)
	}
	out = b.Bytes()
	if len(out) <= len(doc) || !bytes.Equal(out[:len(doc)], doc) {
		return nil, br, engine.E(op, "internal error: pdfsign did not append to the PDF")
	}
	update := out[len(doc):]
	m := byteRangeRE.FindSubmatchIndex(update)
	if m == nil {
		return nil, br, engine.E(op, "internal error: no /ByteRange in the signature")
	}
	for i := range br {
		br[i], _ = strconv.ParseInt(string(update[m[2+2*i]:m[3+2*i]]), 10, 64)
	}
	if br[0] != 0 || br[1] <= int64(len(doc)) || br[2] <= br[1]+2 || br[2]+br[3] != int64(len(out)) ||
		out[br[1]] != '<' || out[br[2]-1] != '>' {
		return nil, br, engine.E(op, fmt.Sprintf("internal error: unexpected /ByteRange %v", br))
	}
	sf := bytes.Index(update, []byte(subFilterPKCS7))
	if sf < 0 || int64(len(doc)+sf) > br[1] {
		return nil, br, engine.E(op, fmt.Sprintf("internal error: no %s in the signature dictionary", subFilterPKCS7))
	}
	copy(update[sf:], subFilterCAdES)
	return out, br, nil
}

// hasSignatures reports whether the document has a signature field.
func hasSignatures(rdr *pdf.Reader) bool {
	fields := rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		if fields.Index(i).Key("FT").Name() == "Sig" {
			return true
		}
	}
	return false
}

// placeholderSigner stands for the key while pdfsign lays out the PDF: its
// signature is thrown away, so it signs nothing.
type placeholderSigner struct{ pub crypto.PublicKey }

func (s placeholderSigner) Public() crypto.PublicKey { return s.pub }

func (placeholderSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return []byte{0}, nil
}

// pdfText makes s safe for pdfsign's PDF strings. pdfsign escapes ASCII
// text but writes other text as UTF-16BE unescaped, where a byte 0x28 "(",
// 0x29 ")", 0x5C "\" or a line end would end the string early or be
// misread: in such text parentheses become brackets, a backslash a slash,
// and a letter with such a byte (č is U+010D) is written decomposed
// (c and a combining caron), or as "?" when that does not help. Control
// characters become spaces.
func pdfText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	ascii := true
	for i := 0; i < len(s); i++ {
		ascii = ascii && s[i] < utf8.RuneSelf
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '(':
			r = '['
		case ')':
			r = ']'
		case '\\':
			r = '/'
		}
		if safeUTF16(r) {
			b.WriteRune(r)
			continue
		}
		d := norm.NFD.String(string(r))
		ok := true
		for _, c := range d {
			ok = ok && safeUTF16(c)
		}
		if !ok {
			d = "?"
		}
		b.WriteString(d)
	}
	return b.String()
}

// safeUTF16 reports whether no byte of r in UTF-16BE is one a PDF literal
// string treats specially.
func safeUTF16(r rune) bool {
	for _, u := range utf16.Encode([]rune{r}) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			switch c {
			case '(', ')', '\\', '\r', '\n':
				return false
			}
		}
	}
	return true
}
