package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/digitorus/pdf"
	pdfsign "github.com/digitorus/pdfsign/sign"

	"obieg.dev/obieg/engine"
)

// The PDF tests read the signed files back with poppler's pdfsig, as a
// person's viewer would: they fail, not skip, where poppler-utils is missing.

var signedAt = time.Date(2026, 11, 24, 10, 15, 0, 0, time.FixedZone("CET", 3600))

func pdfOptions() PDFOptions {
	return PDFOptions{
		Name:        "Jan Kowalski, Wójt Gminy Zażółć",
		Reason:      "Decyzja w sprawie podatku od nieruchomości",
		Location:    "Zażółć",
		ContactInfo: "urzad@zazolc.example",
		Time:        signedAt,
	}
}

// minimalPDF is a one-page PDF made with fpdf.
func minimalPDF(t testing.TB) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(signedAt)
	pdf.SetModificationDate(signedAt)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Text(20, 20, "Decyzja nr 1/2026")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func signPDF(t *testing.T, doc []byte, key *Key, opt PDFOptions) []byte {
	t.Helper()
	out, err := SignPDF(context.Background(), doc, key, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pdfsig runs poppler's pdfsig on doc and returns what it prints; its exit
// status is not an error (it is 1… for invalid signatures).
func pdfsig(t *testing.T, doc []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		t.Fatal("pdfsig is not on PATH: install poppler-utils (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "signed.pdf")
	if dir := os.Getenv("FORMS_OUT"); dir != "" {
		path = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pdf")
	}
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, path).CombinedOutput()
	return string(out)
}

// pdfsigBlocks splits pdfsig's report into one block per signature.
func pdfsigBlocks(out string) []string {
	parts := regexp.MustCompile(`(?m)^Signature #\d+:\n`).Split(out, -1)
	return parts[1:]
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func hasPDFProblem(res *PDFResult, word string) bool {
	for _, p := range res.Problems {
		if strings.Contains(p, word) {
			return true
		}
	}
	return false
}

func TestSignPDF(t *testing.T) {
	f := fixtures(t)
	doc := minimalPDF(t)
	out := signPDF(t, doc, f.key, pdfOptions())
	if !bytes.HasPrefix(out, doc) {
		t.Fatal("the signed PDF does not keep the original bytes")
	}

	rep := pdfsig(t, out)
	blocks := pdfsigBlocks(rep)
	if len(blocks) != 1 {
		t.Fatalf("pdfsig reports %d signatures:\n%s", len(blocks), rep)
	}
	mustContain(t, "pdfsig", blocks[0],
		"Signature Validation: Signature is Valid.",
		"Total document signed",
		"Signature Type: ETSI.CAdES.detached",
		"Signer Certificate Common Name: Urząd Gminy X – system EZD",
		"Signing Hash Algorithm: SHA-256",
	)

	res, err := VerifyPDF(out, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid || len(res.Signatures) != 1 || res.ModifiedAfterSigning {
		t.Fatalf("VerifyPDF: %+v", res)
	}
	s := res.Signatures[0]
	if s.SubFilter != "ETSI.CAdES.detached" || !s.SignatureValid || !s.Trusted || !s.WholeFile || !s.SigningCertificate {
		t.Errorf("signature: %+v", s)
	}
	if s.SignerName != "Urząd Gminy X – system EZD" || !s.Signer.Equal(f.leaf) {
		t.Errorf("signer %q", s.SignerName)
	}
	if !s.SigningTime.Equal(signedAt) || s.Timestamped {
		t.Errorf("signing time %v (timestamped %v), want %v", s.SigningTime, s.Timestamped, signedAt)
	}
	opt := pdfOptions()
	if s.Name != opt.Name || s.Reason != opt.Reason || s.Location != opt.Location || s.Contact != opt.ContactInfo {
		t.Errorf("dictionary: %q %q %q %q", s.Name, s.Reason, s.Location, s.Contact)
	}

	// Another trust store: the signature is intact but not trusted.
	other := x509.NewCertPool()
	other.AddCert(f.otherCA)
	res, err = VerifyPDF(out, other)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || res.Signatures[0].Trusted || !res.Signatures[0].SignatureValid || !hasPDFProblem(res, "certificate chain") {
		t.Errorf("untrusted: %+v", res)
	}
}

// A key without a chain: the CMS fits what pdfsign reserves at once.
func TestSignPDFNoChain(t *testing.T) {
	f := fixtures(t)
	key := &Key{Certificate: f.leaf, Signer: f.leafKey}
	out := signPDF(t, minimalPDF(t), key, pdfOptions())
	mustContain(t, "pdfsig", pdfsig(t, out), "Signature Validation: Signature is Valid.")
	res, err := VerifyPDF(out, f.pool) // the CA is in the pool, not in the PDF
	if err != nil || !res.Valid {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestSignPDFTampered(t *testing.T) {
	f := fixtures(t)
	doc := minimalPDF(t)
	out := signPDF(t, doc, f.key, pdfOptions())
	// fpdf compresses the page content: change the creation date (a byte
	// of the original revision, inside the signed range).
	i := bytes.Index(out, []byte("/CreationDate (D:2026"))
	if i < 0 || i > len(doc) {
		t.Fatal("nothing to change")
	}
	bad := bytes.Clone(out)
	bad[i+len("/CreationDate (D:202")] = '7'

	rep := pdfsig(t, bad)
	if strings.Contains(rep, "Signature is Valid") || !strings.Contains(rep, "Signature Validation:") {
		t.Errorf("pdfsig accepts the changed file:\n%s", rep)
	}
	mustContain(t, "pdfsig", rep, "Digest Mismatch")

	res, err := VerifyPDF(bad, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || len(res.Signatures) != 1 || res.Signatures[0].SignatureValid || !hasPDFProblem(res, "does not match") {
		t.Errorf("VerifyPDF accepts the changed file: %+v", res)
	}
}

// Bytes appended after signing (an unsigned incremental update) are
// reported, by pdfsig and by VerifyPDF, while the signature itself holds.
func TestSignPDFAppended(t *testing.T) {
	f := fixtures(t)
	out := signPDF(t, minimalPDF(t), f.key, pdfOptions())
	bad := append(bytes.Clone(out), []byte("\n99 0 obj\n(dopisane po podpisaniu)\nendobj\n")...)

	rep := pdfsig(t, bad)
	mustContain(t, "pdfsig", rep, "Signature Validation: Signature is Valid.", "Not total document signed")

	res, err := VerifyPDF(bad, f.pool)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || !res.ModifiedAfterSigning || res.Signatures[0].WholeFile || !res.Signatures[0].SignatureValid {
		t.Errorf("VerifyPDF: %+v", res)
	}
}

// A second signature keeps the first valid; the first no longer covers the
// whole file, which is not a change after the last signature.
func TestSignPDFTwice(t *testing.T) {
	f := fixtures(t)
	once := signPDF(t, minimalPDF(t), f.key, pdfOptions())
	opt := pdfOptions()
	opt.Name = "Anna Nowak, Skarbnik"
	opt.Time = signedAt.Add(time.Hour)
	twice := signPDF(t, once, f.otherKey, opt)

	blocks := pdfsigBlocks(pdfsig(t, twice))
	if len(blocks) != 2 {
		t.Fatalf("pdfsig reports %d signatures", len(blocks))
	}
	mustContain(t, "pdfsig first", blocks[0], "Signature Validation: Signature is Valid.", "Not total document signed")
	mustContain(t, "pdfsig second", blocks[1], "Signature Validation: Signature is Valid.", "Total document signed")

	res, err := VerifyPDF(twice, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid || len(res.Signatures) != 2 || res.ModifiedAfterSigning {
		t.Fatalf("VerifyPDF: %+v", res)
	}
	if a, b := res.Signatures[0], res.Signatures[1]; a.WholeFile || !b.WholeFile ||
		!a.Signer.Equal(f.leaf) || !b.Signer.Equal(f.otherLeaf) || b.Name != opt.Name || !b.SigningTime.Equal(opt.Time) {
		t.Errorf("signatures: %+v", res.Signatures)
	}
	// With the first CA only, the second signer is not trusted.
	res, _ = VerifyPDF(twice, f.pool)
	if res.Valid || !res.Signatures[0].Trusted || res.Signatures[1].Trusted {
		t.Errorf("trust: %+v", res)
	}
}

func TestSignPDFInvalid(t *testing.T) {
	f := fixtures(t)
	ctx := context.Background()
	doc := minimalPDF(t)
	noTime := pdfOptions()
	noTime.Time = time.Time{}
	for name, c := range map[string]struct {
		doc  []byte
		key  *Key
		opt  PDFOptions
		kind engine.Kind
	}{
		"not a PDF": {[]byte("<xml/>"), f.key, pdfOptions(), engine.KindInvalid},
		"damaged":   {[]byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), f.key, pdfOptions(), engine.KindInvalid},
		"no time":   {doc, f.key, noTime, engine.KindInvalid},
		"no key":    {doc, nil, pdfOptions(), engine.KindInvalid},
		"too large": {make([]byte, MaxPDFSize+1), f.key, pdfOptions(), engine.KindTooLarge},
	} {
		if _, err := SignPDF(ctx, c.doc, c.key, c.opt); !engine.Is(c.kind, err) {
			t.Errorf("%s: got %v, want kind %v", name, err, c.kind)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := SignPDF(cancelled, doc, f.key, pdfOptions()); err == nil {
		t.Error("cancelled: no error")
	}

	if _, err := VerifyPDF([]byte("not a pdf"), nil); !engine.Is(engine.KindInvalid, err) {
		t.Errorf("VerifyPDF(garbage): %v", err)
	}
	res, err := VerifyPDF(doc, nil)
	if err != nil || res.Valid || !hasPDFProblem(res, "no signature") {
		t.Errorf("VerifyPDF(unsigned): %v %+v", err, res)
	}
}

func TestPDFText(t *testing.T) {
	for in, want := range map[string]string{
		"Jan Kowalski (Wójt)":    "Jan Kowalski [Wójt]",
		"Jan Kowalski (Wojt)":    "Jan Kowalski (Wojt)", // ASCII: pdfsign escapes it
		"Zażółć\tgęślą\njaźń":    "Zażółć gęślą jaźń",
		"Ivana Kovačević":        "Ivana Kovac\u030cević",
		"Łódź \\ Śródmieście":    "Łódź / Śródmieście",
		"Ŝ":                      "S\u0302",
		"\u2028":                 "?",
		"plain ASCII, no change": "plain ASCII, no change",
	} {
		if got := pdfText(in); got != want {
			t.Errorf("pdfText(%q) = %q, want %q", in, got, want)
		}
	}
	// Such names survive signing and reading back.
	f := fixtures(t)
	opt := pdfOptions()
	opt.Name = "Ivana Kovačević (Sekretarz)"
	res, err := VerifyPDF(signPDF(t, minimalPDF(t), f.key, opt), nil)
	if err != nil || !res.Valid {
		t.Fatalf("%v %+v", err, res)
	}
	if got := res.Signatures[0].Name; got != "Ivana Kovac\u030cević [Sekretarz]" {
		t.Errorf("name read back: %q", got)
	}
}

// A byte range that leaves out more than the signature's own value, or
// other bytes, is refused even where the digest would match.
func TestVerifyPDFByteRange(t *testing.T) {
	f := fixtures(t)
	out := signPDF(t, minimalPDF(t), f.key, pdfOptions())
	dicts, err := signatureDicts(out)
	if err != nil || len(dicts) != 1 {
		t.Fatalf("%v %d", err, len(dicts))
	}
	for name, change := range map[string]func(*[4]int64){
		"not from 0":     func(br *[4]int64) { br[0] = 1 },
		"wider gap":      func(br *[4]int64) { br[1] -= 2 },
		"gap shifted":    func(br *[4]int64) { br[1] += 2; br[2] += 2 },
		"past the end":   func(br *[4]int64) { br[3] += 10 },
		"negative":       func(br *[4]int64) { br[3] = -1 },
		"gap is content": func(br *[4]int64) { br[1], br[2] = 10, 20 },
	} {
		d := dicts[0]
		change(&d.sig.ByteRange)
		res := &PDFResult{}
		checkByteRange(&d, out, res, "s")
		if !hasPDFProblem(res, "/ByteRange") {
			t.Errorf("%s: %v accepted", name, d.sig.ByteRange)
		}
	}
	d := dicts[0]
	res := &PDFResult{}
	checkByteRange(&d, out, res, "s")
	if len(res.Problems) != 0 || !d.sig.WholeFile {
		t.Errorf("the real byte range: %v", res.Problems)
	}
}

// A signature pdfsign makes by itself (adbe.pkcs7.detached, with its own
// signing-time) verifies as well.
func TestVerifyPDFAdbe(t *testing.T) {
	f := fixtures(t)
	doc := minimalPDF(t)
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = pdfsign.Sign(bytes.NewReader(doc), &b, rdr, int64(len(doc)), pdfsign.SignData{
		Signature: pdfsign.SignDataSignature{
			CertType:   pdfsign.CertificationSignature,
			DocMDPPerm: pdfsign.AllowFillingExistingFormFieldsAndSignaturesPerms,
			Info:       pdfsign.SignDataSignatureInfo{Name: "pdfsign", Date: signedAt},
		},
		Signer:            f.leafKey,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       f.leaf,
		CertificateChains: [][]*x509.Certificate{{f.leaf, f.ca}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "pdfsig", pdfsig(t, b.Bytes()), "Signature Validation: Signature is Valid.", "adbe.pkcs7.detached")
	res, err := VerifyPDF(b.Bytes(), f.pool)
	if err != nil || !res.Valid {
		t.Fatalf("%v %+v", err, res)
	}
	if s := res.Signatures[0]; s.SubFilter != "adbe.pkcs7.detached" || !s.SigningCertificate || !s.Trusted || !s.SigningTime.Equal(signedAt) {
		t.Errorf("%+v", s)
	}
}

// VerifyPDF never panics, and calls valid only what the test key signed.
func FuzzVerifyPDF(f *testing.F) {
	fx := fixtures(f)
	doc := minimalPDF(f)
	out, err := SignPDF(context.Background(), doc, fx.key, pdfOptions())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out)
	f.Add(doc)
	f.Add(out[:len(out)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := VerifyPDF(data, fx.pool)
		if err != nil {
			return
		}
		if res.Valid {
			for _, s := range res.Signatures {
				if !s.Signer.Equal(fx.leaf) || !s.SignatureValid {
					t.Fatalf("valid with %+v", s)
				}
			}
		}
	})
}
