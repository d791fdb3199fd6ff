// Package sim simulates the e-Doręczenia UA API (the same paths and JSON as
// ../testdata/uaapi_3.0.8.1.yaml, under /api/v1) for tests and demos:
// in-memory mailboxes keyed by ADE, an OAuth 2.0 token endpoint
// (/oauth2/token: client credentials with a secret or an RS256 JWT client
// assertion) whose bearer tokens the API requires, ETSI EN 319 522 evidences
// for sending (A.1), placing in the box (D.1), opening (E.1) and, by the
// injected clock, deemed delivery after 14 days (E.1 with a DeemedDelivery
// reason), callbacks to subscriptions with retries, and faults on request.
//
// Its own API, under /sim/: POST /sim/messages puts a letter into a box as
// if someone had sent it; POST /sim/messages/{id}/open opens a letter as
// its addressee would; POST /sim/tick applies the fiction of delivery by the
// clock; POST /sim/faults {"every":7,"status":503}, {"delay":"2s"},
// {"duplicates":true}; GET /sim/mailboxes/{ade} counts a box.
//
// It does not sign evidences and simulates electronic (not hybrid) letters
// only.
package sim
