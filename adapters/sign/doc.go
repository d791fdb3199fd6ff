// Package sign signs and verifies XML for ePUAP, the Polish e-government
// platform Obieg exchanges documents with, and the PDFs the office issues:
//
//   - WS-Security for the SOAP transport (SignSOAP, VerifySOAP): a SOAP 1.1
//     envelope gets a wsse:Security header with a wsu:Timestamp, the office
//     system's X.509 certificate as a BinarySecurityToken and a ds:Signature
//     (exclusive c14n, rsa-sha256, sha256 digests) over the Body and the
//     Timestamp, the form ePUAP's pull, skrytka and doręczyciel services
//     accept (domain rules §3).
//   - XAdES-BES enveloped signatures for documents (SignEnveloped,
//     VerifyEnveloped): pismo ogólne, UPP and UPD carry a ds:Signature as the
//     last child of the root with a reference to the whole document and one
//     to xades:SignedProperties (signing time, signing certificate digest).
//     Verification checks every reference, the certificate digest, the
//     SignatureValue and the chain to a trust store given by the caller, and
//     reads the signer's identity that a Profil Zaufany signature carries
//     (PodpisZP, or the EPSignature structure used since 2025).
//   - PAdES baseline B-B signatures for PDFs (SignPDF, VerifyPDF): decisions
//     and letters printed by the forms package get an invisible
//     ETSI.CAdES.detached signature (SHA-256, ESS signing-certificate-v2,
//     the chain embedded) as an incremental update; github.com/digitorus/
//     pdfsign writes the PDF structure and checks the signatures, this
//     package writes the CMS and checks byte ranges, the signing
//     certificate, the chain and changes made after signing.
//
// Keys come from PKCS#12 or PEM files (LoadPKCS12, LoadPEM); any
// crypto.Signer with an RSA key (an HSM) can be used through Key.
//
// XML is parsed here with encoding/xml into a tree that keeps prefixes and
// namespace declarations, canonicalized by this package (Canonical XML 1.0
// and Exclusive XML Canonicalization 1.0), and verified only from a fresh
// parse of the bytes given: nothing computed before parsing is trusted.
// Input is untrusted: it is bounded by MaxInputSize, MaxDepth and MaxAttrs
// (and the work one signature may ask for: references, transforms,
// certificates), DOCTYPEs and entities are refused, processing is linear in
// the input, and no function panics on any input. What SignSOAP and
// SignEnveloped return has been verified from a fresh parse before it is
// handed out.
//
// What it must not do: no network (no fetching of certificates, CRLs, OCSP
// or external references; only same-document references are followed), no
// knowledge of cases, registers or ePUAP services (the callers build the
// envelopes and decide what a valid signature means for a case), no storage
// of keys. Revocation is not checked: the caller owns trust decisions beyond
// the certificate pool it passes in.
package sign
