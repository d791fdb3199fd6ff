// Package forms prints the paper documents of a registry office
// (kancelaria) as PDF: register printouts (rejestr przesyłek wpływających,
// spis spraw …) as tables, sheets of address labels for envelopes, and
// return receipts (ZPO, potwierdzenie odbioru) for registered letters served
// under art. 39 KPA or art. 144 of the Ordynacja podatkowa, with the
// tracking number as a Code 128 barcode; and decisions: the property tax
// decision (WriteDecisionPDF) with its calculation, instalments, appeal
// instruction and the total in words (ZlotyWords), ready to be signed with
// a qualified electronic signature (adapters/sign.SignPDF); and ordinary
// letters of a case (WriteLetterPDF): summonses, notices, replies.
//
// Polish text prints as given: the DejaVu Sans fonts are embedded in the
// binary (see fonts/LICENSE), so nothing is read from the disk or the
// network at run time.
//
// The package only lays out the strings it is handed. It has no database,
// no storage and no knowledge of cases, documents or users beyond those
// strings: callers (the HTTP adapter, jobs) load the data, decide what goes
// on the paper and send the PDF where it belongs. Bad input is reported as
// an *engine.Error of kind engine.KindInvalid naming the field at fault.
package forms
