// Package edoreczenia connects Obieg to e-Doręczenia, the Polish public
// service of registered electronic delivery (ustawa z dnia 18 listopada
// 2020 r. o doręczeniach elektronicznych), through its User Agent API
// (testdata/uaapi_3.0.8.1.yaml, OpenAPI 3.0.3, version 3.0.8).
//
// What it covers:
//
//   - addresses: [ParseADE] checks AE:PL-NNNNN-NNNNN-XXXXX-NN and its check
//     digits ([ADEChecksum] says where the algorithm comes from and how sure
//     it is);
//   - [Client]: messages (send, list, get, attachments), drafts, threads
//     (which carry case signatures), evidences, subscriptions; OAuth 2.0
//     client credentials with a secret or an RS256 client assertion signed
//     with the office's key ([Auth], RFC 7523) and mutual TLS ([TLSConfig]).
//     The client never retries: every error is an *engine.Error whose kind
//     tells the caller whether to (KindUnavailable) or not;
//   - evidences: [ParseEvidence] reads ETSI EN 319 522 evidence XML (root
//     Evidence in http://uri.etsi.org/19522/v1#) within size and depth
//     limits, refusing DOCTYPE; [Evidence.DeliveryFact] maps it to
//     submitted / delivered / opened / deemed / failed;
//   - the legal rule: [DeliveryDate] gives the delivery date of a letter to a
//     private recipient — opened, or deemed on the day after 14 days pass
//     (art. 41–42 of the act; domain-rules §2);
//   - [Sender] sends a letter once (look-up by our reference before
//     sending) and [Inbox] registers incoming letters once, with their
//     attachments and proofs, remembering what it fetched, reacting to
//     callbacks ([Inbox.CallbackHandler]) and polling as a fallback.
//
// Uncertain, because the API document does not say: how a deemed delivery
// is marked in an evidence (assumed: a reason whose code or details say
// "deemed" / "uznana za doręczoną" / "fikcja"), the values of a callback's
// notificationType (assumed: NewMessage, NewEvidence), the encoding of an
// attachment's hash (base64 of SHA3-256 is sent), and where in the evidence
// XML the message id sits (several element names are accepted).
//
// The simulator in package sim serves the same API for tests and demos.
package edoreczenia
