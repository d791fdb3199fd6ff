// Package tax is property tax of natural persons (podatek od
// nieruchomości osób fizycznych): the office's dictionaries with validity
// (council rates checked against the Minister of Finance's maximum,
// instalment days, reminder cost, interest rates), the taxpayer register
// with virtual accounts, objects and their periods, IN-1 declarations and
// corrections, and the workflows tax-assessment (declaration → assessment →
// approval → PAdES-signed decision → delivery) and tax-delivery (dispatch →
// delivery date → instalments), plus the annual batch of decisions.
//
// The arithmetic and the dates are the pure rules of package rules; the
// form is package forms/in1; the decision PDF is forms.WriteDecisionPDF.
// Cases, documents and metryka entries are written through registry.Tx in
// the same transaction as the tax rows, so nothing is half-done after a
// crash. Legal basis: ustawa o podatkach i opłatach lokalnych (upol) art.
// 1a–6; Ordynacja podatkowa art. 12, 21, 47, 63, 207–210, 223, 293.
package tax
