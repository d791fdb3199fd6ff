// Package epuap holds the wire formats of ePUAP, the Polish national
// e-government platform: the SOAP 1.1 messages of its web services and the
// XML documents that travel through them.
//
// What it covers:
//
//   - the pull service (oczekujaceDokumenty, pobierzNastepny,
//     potwierdzOdebranie): request builders and response parsers; the skrot
//     that acknowledges a document is base64(SHA-1(content)), see [Skrot];
//   - skrytka nadaj and doręczyciel dorecz, whose parameters travel in SOAP
//     headers as the WSDL bindings say, with the UPP attachment of nadaj;
//   - SOAP faults as typed errors ([Fault] wrapped in an engine error:
//     KindInvalid for client faults, KindUnavailable for server faults) and
//     the ePUAP status (kod 1 = OK, anything else a [StatusError]);
//   - [ParseSOAPRequest] and the Build*Response functions, so that a
//     simulator can serve the same messages the client sends;
//   - CRD forms such as the "pismo ogólne do podmiotu publicznego" (1410,
//     4566, and unknown forms through the common CRD structure):
//     [ParseDocument];
//   - the receipts UPP and UPD: [ParseReceipt].
//
// Parsers match elements by namespace and local name and tolerate extra
// elements: the reference examples are shapes, real traffic differs in
// detail. Every parser bounds its input (size, nesting depth, element count),
// refuses DOCTYPE and ENTITY declarations (nothing is ever expanded), and
// returns errors of the engine's kinds rather than panicking.
//
// What it must not do: no network (the client and the simulator live
// elsewhere and use this package), no signing and no signature verification
// (the request envelopes are built unsigned with a wsu:Id on the Body, see
// [BodyID]; signed documents and receipts are handed over with their raw
// bytes to the signing package), no database and no clock.
package epuap
