-- SQL of property tax. Every statement runs in a tenant transaction: row
-- level security keeps it to the office.

-- name: UnitID
SELECT id FROM units WHERE symbol = $1;

-- name: CloseOpenEntry
-- An open entry that began before the new one ends the day before it.
UPDATE tax_dictionary SET valid_to = $4
WHERE kind = $1 AND key = $2 AND valid_to IS NULL AND valid_from < $3;

-- name: OverlappingEntry
SELECT valid_from FROM tax_dictionary
WHERE kind = $1 AND key = $2
  AND valid_from <= coalesce($4::date, 'infinity'::date)
  AND coalesce(valid_to, 'infinity'::date) >= $3
LIMIT 1;

-- name: InsertEntry
INSERT INTO tax_dictionary (id, office_id, kind, key, value, valid_from, valid_to, legal_basis, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: ListEntries
SELECT id, kind, key, value, valid_from, valid_to, legal_basis, created_at FROM tax_dictionary
WHERE ($1 = '' OR kind = $1)
  AND ($2::date IS NULL OR (valid_from <= $2 AND coalesce(valid_to, 'infinity'::date) >= $2))
ORDER BY kind, key, valid_from;

-- name: EntriesOn
SELECT key, value FROM tax_dictionary
WHERE kind = $1 AND valid_from <= $2 AND coalesce(valid_to, 'infinity'::date) >= $2
ORDER BY key;

-- name: PartyByIdentifier
SELECT id FROM parties
WHERE merged_into IS NULL AND (($1 <> '' AND pesel = $1) OR ($2 <> '' AND nip = $2))
ORDER BY created_at LIMIT 1;

-- name: TaxpayerByParty
SELECT id, number, account FROM tax_taxpayers WHERE party_id = $1;

-- name: NextTaxpayerNumber
SELECT coalesce(max(number), 0) + 1 FROM tax_taxpayers;

-- name: InsertTaxpayer
INSERT INTO tax_taxpayers (id, office_id, party_id, number, account, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: TaxpayerCase
-- The taxpayer's open tax case of the year: of a declaration or a decision.
SELECT x.case_id, c.signature FROM (
	SELECT case_id, registered_at AS at FROM tax_declarations WHERE taxpayer_id = $1 AND year = $2
	UNION ALL
	SELECT case_id, created_at FROM tax_decisions WHERE taxpayer_id = $1 AND year = $2
) x JOIN cases c ON c.id = x.case_id
WHERE c.status <> 'closed'
ORDER BY x.at DESC LIMIT 1;

-- name: DeclarationTaxpayer
SELECT taxpayer_id FROM tax_declarations WHERE id = $1;

-- name: DeclarationEvent
SELECT event_date FROM tax_declarations WHERE id = $1;

-- name: InsertDeclaration
INSERT INTO tax_declarations (id, office_id, taxpayer_id, year, kind, corrects, event_date, case_id, document_id, body, registered_by, registered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: SupersedeHoldingsOf
UPDATE tax_holdings SET superseded_by = $2 WHERE declaration_id = $1 AND superseded_by IS NULL;

-- name: EndHoldings
UPDATE tax_holdings SET event_to = $2
WHERE taxpayer_id = $1 AND superseded_by IS NULL AND event_to IS NULL;

-- name: FindObject
-- The object a subject names again: the same category and place among what
-- the taxpayer holds or held.
SELECT o.id FROM tax_objects o JOIN tax_holdings h ON h.object_id = o.id
WHERE o.category = $1 AND o.parcel = $2 AND o.address = $3 AND o.kw = $4 AND h.taxpayer_id = $5
LIMIT 1;

-- name: InsertObject
INSERT INTO tax_objects (id, office_id, category, parcel, address, kw, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: InsertHolding
INSERT INTO tax_holdings (id, office_id, object_id, taxpayer_id, declaration_id, base, share_num, share_den, event_from, new_building, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: HoldingsForYear
-- The periods in force (not superseded) that touch the year.
SELECT o.category, o.parcel, o.address, h.base, h.share_num, h.share_den, h.event_from, h.event_to, h.new_building
FROM tax_holdings h JOIN tax_objects o ON o.id = h.object_id
WHERE h.taxpayer_id = $1 AND h.superseded_by IS NULL
  AND h.event_from < make_date($2, 12, 31) AND (h.event_to IS NULL OR h.event_to >= make_date($2, 1, 1))
ORDER BY o.category, o.parcel, h.event_from;

-- name: Taxpayer
SELECT t.id, t.party_id, t.number, t.account, p.name, p.pesel, p.street, p.postal_code, p.city, p.address
FROM tax_taxpayers t JOIN parties p ON p.id = t.party_id WHERE t.id = $1;

-- name: CurrentDecision
SELECT id, status FROM tax_decisions WHERE taxpayer_id = $1 AND year = $2 AND status NOT IN ('replaced', 'rejected')
FOR UPDATE;

-- name: InsertDecision
INSERT INTO tax_decisions (id, office_id, taxpayer_id, year, case_id, status, total, lines, replaces, batch_id, created_by, created_at, updated_at, request_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13);

-- name: DecisionByKey
SELECT d.id, d.taxpayer_id, d.year, d.case_id, c.signature, d.status, d.total, d.lines, d.instalments, d.replaces,
	d.batch_id, d.document_id, d.delivered_on, d.created_at
FROM tax_decisions d JOIN cases c ON c.id = d.case_id WHERE d.request_key = $1;

-- name: SetDecisionStatus
UPDATE tax_decisions SET status = $2, updated_at = $3 WHERE id = $1;

-- name: Decision
SELECT d.id, d.taxpayer_id, d.year, d.case_id, c.signature, d.status, d.total, d.lines, d.instalments, d.replaces,
	d.batch_id, d.document_id, d.delivered_on, d.created_at
FROM tax_decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = $1;

-- name: LockDecision
SELECT status FROM tax_decisions WHERE id = $1 FOR UPDATE;

-- name: SignDecision
UPDATE tax_decisions SET status = 'signed', document_id = $2, updated_at = $3 WHERE id = $1 AND status = 'draft';

-- name: DeliverDecision
UPDATE tax_decisions SET status = 'delivered', delivered_on = $2, instalments = $3, updated_at = $4
WHERE id = $1 AND status = 'signed';

-- name: DecisionsOf
SELECT d.id, d.taxpayer_id, d.year, d.case_id, c.signature, d.status, d.total, d.lines, d.instalments, d.replaces,
	d.batch_id, d.document_id, d.delivered_on, d.created_at
FROM tax_decisions d JOIN cases c ON c.id = d.case_id
WHERE ($1::uuid IS NULL OR d.taxpayer_id = $1) AND ($2 = 0 OR d.year = $2)
ORDER BY d.created_at DESC LIMIT 500;

-- name: InsertBatch
INSERT INTO tax_batches (id, office_id, year, status, created_by, created_at) VALUES ($1, $2, $3, 'running', $4, $5);

-- name: RunningBatch
SELECT id FROM tax_batches WHERE year = $1 AND status = 'running' ORDER BY created_at LIMIT 1;

-- name: BatchPending
-- Taxpayers holding something in the year with no decision in force for it.
SELECT t.id FROM tax_taxpayers t
WHERE EXISTS (SELECT 1 FROM tax_holdings h WHERE h.taxpayer_id = t.id AND h.superseded_by IS NULL
		AND h.event_from < make_date($1, 12, 31) AND (h.event_to IS NULL OR h.event_to >= make_date($1, 1, 1)))
  AND NOT EXISTS (SELECT 1 FROM tax_decisions d WHERE d.taxpayer_id = t.id AND d.year = $1 AND d.status NOT IN ('replaced', 'rejected'))
  AND t.id > $2
ORDER BY t.id LIMIT $3;

-- name: BatchIssued
-- Counted from the decisions themselves: a run killed after its commits
-- never updated a counter.
UPDATE tax_batches SET issued = (SELECT count(*) FROM tax_decisions WHERE batch_id = $1) WHERE id = $1;

-- name: FinishBatch
UPDATE tax_batches SET status = 'done', finished_at = $2 WHERE id = $1;

-- name: Batch
SELECT id, year, status, issued, created_at, finished_at FROM tax_batches WHERE id = $1;

-- name: FindTaxpayers
SELECT t.id, t.party_id, t.number, t.account, p.name, p.pesel, p.street, p.postal_code, p.city, p.address
FROM tax_taxpayers t JOIN parties p ON p.id = t.party_id
WHERE $1 = '' OR p.name ILIKE '%' || $1 || '%' OR p.pesel = $1 OR p.nip = $1 OR t.account = $1
ORDER BY p.name LIMIT 100;

-- name: HoldingsHistory
-- Every period ever recorded for the taxpayer, superseded ones too.
SELECT o.id, o.category, o.parcel, o.address, o.kw, h.base, h.share_num, h.share_den, h.event_from, h.event_to,
	h.declaration_id, h.superseded_by, h.recorded_at
FROM tax_holdings h JOIN tax_objects o ON o.id = h.object_id
WHERE h.taxpayer_id = $1
ORDER BY o.category, o.parcel, h.recorded_at;
