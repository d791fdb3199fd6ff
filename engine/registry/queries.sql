-- SQL of the registry. Each statement is run by name from Go (postgres.Queries).
-- Tenant statements run under row-level security as obieg_app; they still
-- filter by office where it helps the planner, never relying on it alone.

-- name: InsertOffice
INSERT INTO offices (id, name, short_name, created_at) VALUES ($1, $2, $3, $4);

-- name: OfficeByShortName
SELECT id, name, short_name FROM offices WHERE short_name = $1;

-- name: InsertUnit
INSERT INTO units (id, office_id, parent_id, symbol, name, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: ListUnits
SELECT id, parent_id, symbol, name FROM units ORDER BY symbol;

-- name: UnitBySymbol
SELECT id, parent_id, symbol, name FROM units WHERE symbol = $1;

-- name: InsertPosition
INSERT INTO positions (id, office_id, unit_id, name, is_head, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: InsertUser
INSERT INTO users (id, office_id, login, name, email, password_hash, roles, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: UserByLogin
SELECT id, office_id, login, name, password_hash, roles, active FROM users WHERE login = $1;

-- name: AssignPosition
INSERT INTO user_positions (office_id, user_id, position_id) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING;

-- name: InsertSubstitution
INSERT INTO substitutions (id, office_id, position_id, user_id, valid_from, valid_to, reason, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: ActorUser
SELECT login, name, roles, active FROM users WHERE id = $1;

-- name: ActorPositions
SELECT p.id, p.name, p.unit_id, p.is_head, false
FROM user_positions up JOIN positions p ON p.id = up.position_id
WHERE up.user_id = $1
UNION ALL
SELECT p.id, p.name, p.unit_id, p.is_head, true
FROM substitutions s JOIN positions p ON p.id = s.position_id
WHERE s.user_id = $1 AND $2::date BETWEEN s.valid_from AND s.valid_to;

-- name: UnitsBelow
WITH RECURSIVE t AS (
	SELECT id FROM units WHERE id = ANY($1::uuid[])
	UNION
	SELECT u.id FROM units u JOIN t ON u.parent_id = t.id
)
SELECT id FROM t;

-- name: InsertToken
INSERT INTO api_tokens (id, office_id, user_id, name, token_hash, scopes, expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: TokenLookup
SELECT t.office_id, t.user_id, t.expires_at, t.revoked_at, u.active
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1;

-- name: InsertJRWAVersion
INSERT INTO jrwa_versions (id, office_id, name, valid_from, valid_to, imported_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: InsertJRWAClass
INSERT INTO jrwa_classes (id, office_id, version_id, symbol, title, category_own, category_other, leaf, valid_from, valid_to)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: JRWAClassForDate
-- The leaf class with that symbol in the JRWA version in force on the date
-- (the newest version whose validity covers it).
SELECT c.id, c.symbol, c.title, c.category_own, c.category_other, c.leaf, v.name
FROM jrwa_classes c JOIN jrwa_versions v ON v.id = c.version_id
WHERE c.symbol = $1
  AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to >= $2)
  AND (c.valid_from IS NULL OR c.valid_from <= $2) AND (c.valid_to IS NULL OR c.valid_to >= $2)
ORDER BY v.valid_from DESC
LIMIT 1;

-- name: ListJRWA
SELECT c.symbol, c.title, c.category_own, c.category_other, c.leaf, v.name
FROM jrwa_classes c JOIN jrwa_versions v ON v.id = c.version_id
WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to >= $1)
ORDER BY v.valid_from DESC, c.symbol;

-- name: NextCaseNumber
-- Spis spraw numbering: the counter row is locked by the upsert until the
-- creating transaction ends, so concurrent creations queue and no number is
-- skipped or given twice; a rolled-back creation gives its number back.
INSERT INTO case_counters (office_id, unit_id, jrwa_symbol, year, last_n) VALUES ($1, $2, $3, $4, 1)
ON CONFLICT (office_id, unit_id, jrwa_symbol, year) DO UPDATE SET last_n = case_counters.last_n + 1
RETURNING last_n;

-- name: InsertCase
INSERT INTO cases (id, office_id, unit_id, jrwa_class_id, jrwa_symbol, year, n, signature, title, status,
	owner_position_id, sender, sender_ref, sender_date, started_on, deadline, notes, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12, $13, $14, $15, $16, $17, $18, $18);


-- name: GetCase
SELECT c.id, c.unit_id, u.symbol, c.jrwa_symbol, j.title, j.category_own, c.year, c.n, c.signature, c.title, c.status,
	c.owner_position_id, c.sender, c.sender_ref, c.sender_date, c.started_on, c.closed_on, c.deadline, c.notes,
	c.created_by, c.created_at, c.updated_at
FROM cases c JOIN units u ON u.id = c.unit_id JOIN jrwa_classes j ON j.id = c.jrwa_class_id
WHERE c.id = $1;

-- name: LockCase
SELECT c.id, c.unit_id, u.symbol, c.jrwa_symbol, j.title, j.category_own, c.year, c.n, c.signature, c.title, c.status,
	c.owner_position_id, c.sender, c.sender_ref, c.sender_date, c.started_on, c.closed_on, c.deadline, c.notes,
	c.created_by, c.created_at, c.updated_at
FROM cases c JOIN units u ON u.id = c.unit_id JOIN jrwa_classes j ON j.id = c.jrwa_class_id
WHERE c.id = $1
FOR UPDATE OF c;

-- name: ListCases
-- Filters are optional (NULL = any). Scope: $9 true = all cases, else the
-- units in $10 or the owner positions in $11. Keyset pagination on
-- (created_at, id) descending.
SELECT c.id, c.unit_id, u.symbol, c.jrwa_symbol, j.title, j.category_own, c.year, c.n, c.signature, c.title, c.status,
	c.owner_position_id, c.sender, c.sender_ref, c.sender_date, c.started_on, c.closed_on, c.deadline, c.notes,
	c.created_by, c.created_at, c.updated_at
FROM cases c JOIN units u ON u.id = c.unit_id JOIN jrwa_classes j ON j.id = c.jrwa_class_id
WHERE ($1::text IS NULL OR u.symbol = $1)
  AND ($2::text IS NULL OR c.jrwa_symbol = $2)
  AND ($3::int IS NULL OR c.year = $3)
  AND ($4::text IS NULL OR c.status = $4)
  AND ($5::text IS NULL OR EXISTS (
	SELECT FROM case_parties cp JOIN parties p ON p.id = cp.party_id
	WHERE cp.case_id = c.id AND (p.name ILIKE '%' || $5 || '%' OR p.pesel = $5 OR p.nip = $5)))
  AND ($6::text IS NULL OR c.title ILIKE '%' || $6 || '%' OR c.signature ILIKE '%' || $6 || '%' OR c.sender ILIKE '%' || $6 || '%')
  AND ($7::timestamptz IS NULL OR (c.created_at, c.id) < ($7, $8::uuid))
  AND ($9 OR c.unit_id = ANY($10::uuid[]) OR c.owner_position_id = ANY($11::uuid[]))
ORDER BY c.created_at DESC, c.id DESC
LIMIT $12;

-- name: SpisSpraw
SELECT c.n, c.signature, c.title, c.sender, c.sender_ref, c.sender_date, c.started_on, c.closed_on, c.notes, c.status
FROM cases c JOIN units u ON u.id = c.unit_id
WHERE u.symbol = $1 AND c.jrwa_symbol = $2 AND c.year = $3
ORDER BY c.n;

-- name: SetCaseStatus
UPDATE cases SET status = $2, closed_on = $3, updated_at = $4 WHERE id = $1;

-- name: InsertParty
INSERT INTO parties (id, office_id, kind, name, pesel, nip, regon, address, email, epuap_address, ade, created_at,
	street, postal_code, city, preferred_channel)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: PartyExists
SELECT name FROM parties WHERE id = $1;

-- name: AddCaseParty
INSERT INTO case_parties (office_id, case_id, party_id, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING;

-- name: CaseParties
SELECT p.id, p.kind, p.name, p.pesel, p.nip, p.regon, p.address, p.email, p.epuap_address, p.ade,
	p.street, p.postal_code, p.city, p.preferred_channel, cp.role
FROM case_parties cp JOIN parties p ON p.id = cp.party_id
WHERE cp.case_id = $1
ORDER BY p.name;

-- name: MetrykaHead
SELECT seq, hash FROM metryka WHERE case_id = $1 ORDER BY seq DESC LIMIT 1;

-- name: InsertMetryka
INSERT INTO metryka (id, office_id, case_id, seq, at, actor_id, actor_name, actor_position, action, document_id, details, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: ListMetryka
SELECT id, case_id, seq, at, actor_id, actor_name, actor_position, action, document_id, details, prev_hash, hash
FROM metryka WHERE case_id = $1 ORDER BY seq;

-- name: AllMetryka
-- For verification, across all offices (system role): every chain in order.
SELECT m.id, m.case_id, m.seq, m.at, m.actor_id, m.actor_name, m.actor_position, m.action, m.document_id, m.details,
	m.prev_hash, m.hash, c.signature
FROM metryka m JOIN cases c ON c.id = m.case_id
ORDER BY m.case_id, m.seq;

-- name: InsertDocument
INSERT INTO documents (id, office_id, case_id, title, kind, metadata, registered_by, registered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: InsertVersion
INSERT INTO document_versions (office_id, document_id, n, file_name, media_type, size, sha256, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: GetDocument
SELECT id, case_id, title, kind, metadata, registered_by, registered_at FROM documents WHERE id = $1;

-- name: LockDocument
SELECT id, case_id, title, kind, metadata, registered_by, registered_at FROM documents WHERE id = $1 FOR UPDATE;

-- name: DocumentVersions
SELECT n, file_name, media_type, size, sha256, created_by, created_at
FROM document_versions WHERE document_id = $1 ORDER BY n;

-- name: CaseDocuments
SELECT id, case_id, title, kind, metadata, registered_by, registered_at
FROM documents WHERE case_id = $1 ORDER BY registered_at, id;

-- name: AttachDocument
UPDATE documents SET case_id = $2 WHERE id = $1 AND case_id IS NULL;

-- name: InsertRelation
INSERT INTO document_relations (office_id, from_id, to_id, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING;

-- name: DocumentRelations
SELECT from_id, to_id, kind FROM document_relations WHERE from_id = $1 OR to_id = $1 ORDER BY created_at;

-- name: SetPassword
UPDATE users SET password_hash = $2 WHERE login = $1;

-- name: OfficeAdmin
SELECT id FROM users
WHERE office_id = $1 AND 'admin' = ANY(roles) AND active AND ($2 = '' OR login = $2)
ORDER BY created_at LIMIT 1;

-- name: NextRPW
INSERT INTO rpw_counters (office_id, year, last_n) VALUES ($1, $2, 1)
ON CONFLICT (office_id, year) DO UPDATE SET last_n = rpw_counters.last_n + 1
RETURNING last_n;

-- name: IncomingByExternal
SELECT id FROM incoming_items WHERE channel = $1 AND external_id = $2;

-- name: FindDuplicate
SELECT year, n FROM incoming_items
WHERE lower(sender_name) = lower($1) AND sender_ref = $2 AND content_digest = $3
ORDER BY received_at LIMIT 1;

-- name: InsertIncoming
INSERT INTO incoming_items (id, office_id, year, n, received_at, received_on, channel, kind, sender_party_id, sender_name,
	sender_ref, sender_date, subject, attachments, document_id, content_digest, external_id, notes, registered_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);


-- name: GetIncoming
SELECT i.id, i.year, i.n, i.received_at, i.received_on, i.channel, i.kind, i.sender_party_id, i.sender_name, i.sender_ref,
	i.sender_date, i.subject, i.attachments, i.document_id, i.content_digest, i.external_id, i.case_id, coalesce(c.signature, ''),
	i.unit_id, coalesce(u.symbol, ''), i.position_id, i.status, i.notes, i.registered_by
FROM incoming_items i LEFT JOIN cases c ON c.id = i.case_id LEFT JOIN units u ON u.id = i.unit_id
WHERE i.id = $1;

-- name: LockIncoming
SELECT id FROM incoming_items WHERE id = $1 FOR UPDATE;

-- name: ListIncoming
SELECT i.id, i.year, i.n, i.received_at, i.received_on, i.channel, i.kind, i.sender_party_id, i.sender_name, i.sender_ref,
	i.sender_date, i.subject, i.attachments, i.document_id, i.content_digest, i.external_id, i.case_id, coalesce(c.signature, ''),
	i.unit_id, coalesce(u.symbol, ''), i.position_id, i.status, i.notes, i.registered_by
FROM incoming_items i LEFT JOIN cases c ON c.id = i.case_id LEFT JOIN units u ON u.id = i.unit_id
WHERE ($1::date IS NULL OR i.received_on >= $1)
  AND ($2::date IS NULL OR i.received_on <= $2)
  AND ($3::text IS NULL OR i.channel = $3)
  AND ($4::text IS NULL OR u.symbol = $4)
  AND ($5::text IS NULL OR i.status = $5)
ORDER BY i.year, i.n
LIMIT $6;

-- name: UpdateIncomingAssignment
UPDATE incoming_items SET unit_id = $2, position_id = $3, status = $4 WHERE id = $1;

-- name: UpdateIncomingStatus
UPDATE incoming_items SET status = $2 WHERE id = $1;

-- name: UpdateIncomingCase
UPDATE incoming_items SET case_id = $2, status = 'in_case' WHERE id = $1;

-- name: SupersedeAssignments
UPDATE assignments SET state = 'superseded', decided_at = $2, decided_by = $3 WHERE item_id = $1 AND state = 'pending';

-- name: InsertAssignment
INSERT INTO assignments (id, office_id, item_id, unit_id, position_id, instruction, deadline, assigned_by, assigned_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: GetAssignment
SELECT a.id, a.item_id, a.unit_id, coalesce(u.symbol, ''), a.position_id, a.instruction, a.deadline, a.state,
	a.assigned_by, a.assigned_at, a.decided_by, a.decided_at, a.reason
FROM assignments a LEFT JOIN units u ON u.id = a.unit_id WHERE a.id = $1;

-- name: ItemAssignments
SELECT a.id, a.item_id, a.unit_id, coalesce(u.symbol, ''), a.position_id, a.instruction, a.deadline, a.state,
	a.assigned_by, a.assigned_at, a.decided_by, a.decided_at, a.reason
FROM assignments a LEFT JOIN units u ON u.id = a.unit_id WHERE a.item_id = $1 ORDER BY a.assigned_at;

-- name: DecideAssignment
UPDATE assignments SET state = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1 AND state = 'pending';

-- name: NextOutgoing
INSERT INTO outgoing_counters (office_id, year, last_n) VALUES ($1, $2, 1)
ON CONFLICT (office_id, year) DO UPDATE SET last_n = outgoing_counters.last_n + 1
RETURNING last_n;

-- name: InsertOutgoing
INSERT INTO outgoing_items (id, office_id, year, n, case_id, document_id, recipient_party_id, recipient_name, address,
	electronic_address, channel, postage, registered_on, created_by, created_at, request_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: OutgoingByRequestKey
SELECT id FROM outgoing_items WHERE request_key = $1;

-- name: RegistryUnit
SELECT u.symbol FROM users us JOIN user_positions up ON up.user_id = us.id JOIN positions p ON p.id = up.position_id
JOIN units u ON u.id = p.unit_id
WHERE 'registry' = ANY(us.roles) AND us.active
ORDER BY u.symbol LIMIT 1;

-- name: GetOutgoing
SELECT o.id, o.year, o.n, o.case_id, coalesce(c.signature, ''), o.document_id, o.recipient_party_id, o.recipient_name, o.address,
	o.electronic_address, o.channel, o.postage, o.tracking_number, o.registered_on, o.sent_on, o.status, o.first_notice_on,
	o.delivered_on, o.delivery_basis, o.proof_document_id, o.appeal_deadline
FROM outgoing_items o LEFT JOIN cases c ON c.id = o.case_id WHERE o.id = $1;

-- name: LockOutgoing
SELECT id FROM outgoing_items WHERE id = $1 FOR UPDATE;

-- name: OutgoingByTracking
SELECT id FROM outgoing_items WHERE tracking_number = $1;

-- name: MarkSent
UPDATE outgoing_items SET status = 'sent', sent_on = $2, tracking_number = $3, postage = $4 WHERE id = $1;

-- name: RecordDelivery
UPDATE outgoing_items SET status = $2, first_notice_on = $3, delivered_on = $4, delivery_basis = $5,
	proof_document_id = $6, appeal_deadline = $7
WHERE id = $1;

-- name: ListOutgoing
SELECT o.id, o.year, o.n, o.case_id, coalesce(c.signature, ''), o.document_id, o.recipient_party_id, o.recipient_name, o.address,
	o.electronic_address, o.channel, o.postage, o.tracking_number, o.registered_on, o.sent_on, o.status, o.first_notice_on,
	o.delivered_on, o.delivery_basis, o.proof_document_id, o.appeal_deadline
FROM outgoing_items o LEFT JOIN cases c ON c.id = o.case_id
WHERE ($1::date IS NULL OR o.registered_on >= $1)
  AND ($2::date IS NULL OR o.registered_on <= $2)
  AND ($3::text IS NULL OR o.channel = $3)
  AND ($4::date IS NULL OR o.sent_on = $4)
  AND ($5::text[] IS NULL OR o.channel = ANY($5))
ORDER BY o.year, o.n
LIMIT $6;

-- name: LockParty
SELECT id, kind, name, pesel, nip, regon, address, email, epuap_address, ade, street, postal_code, city, preferred_channel, merged_into
FROM parties WHERE id = $1 FOR UPDATE;

-- name: SearchParties
SELECT id, kind, name, pesel, nip, regon, address, email, epuap_address, ade, street, postal_code, city, preferred_channel
FROM parties
WHERE merged_into IS NULL
  AND ($1 = '' OR name ILIKE '%' || $1 || '%' OR pesel = $1 OR nip = $1 OR regon = $1 OR email ILIKE $1)
ORDER BY lower(name)
LIMIT $2;

-- name: PartyCases
SELECT DISTINCT case_id FROM case_parties WHERE party_id = $1;

-- name: MovePartyLinks
INSERT INTO case_parties (office_id, case_id, party_id, role)
SELECT office_id, case_id, $2, role FROM case_parties WHERE party_id = $1
ON CONFLICT DO NOTHING;

-- name: DropPartyLinks
DELETE FROM case_parties WHERE party_id = $1;

-- name: MarkMerged
UPDATE parties SET merged_into = $2, merged_at = $3 WHERE id = $1;

-- name: GetOffice
SELECT id, name, short_name, address FROM offices WHERE id = $1;

-- name: SetOfficeAddress
UPDATE offices SET address = $2 WHERE id = $1;

-- name: InsertPostageRate
INSERT INTO postage_rates (id, office_id, channel, max_weight_g, price, valid_from, valid_to, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: PostageFor
-- The price of the lightest weight band that takes the letter, in force on the date.
SELECT price FROM postage_rates
WHERE channel = $1 AND max_weight_g >= $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)
ORDER BY max_weight_g, valid_from DESC LIMIT 1;

-- name: ListPostageRates
SELECT id, channel, max_weight_g, price, valid_from, valid_to FROM postage_rates
WHERE valid_to IS NULL OR valid_to >= $1
ORDER BY channel, max_weight_g, valid_from;

-- name: InsertSignature
INSERT INTO document_signatures (office_id, document_id, version, valid, signer, given_name, family_name, pesel, signing_time, problems, verified_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: DocumentSignatures
SELECT version, valid, signer, given_name, family_name, pesel, signing_time, problems, verified_at
FROM document_signatures WHERE document_id = $1 ORDER BY version;

-- name: InsertEDeliveryAddress
INSERT INTO edelivery_addresses (id, office_id, address, name, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: MapEDeliveryUnit
INSERT INTO edelivery_address_units (office_id, unit_id, address_id) VALUES ($1, $2, $3)
ON CONFLICT (unit_id) DO UPDATE SET address_id = EXCLUDED.address_id;

-- name: ListEDeliveryAddresses
SELECT e.id, e.address, e.name, e.is_default, e.created_at,
	coalesce(array_agg(u.symbol ORDER BY u.symbol) FILTER (WHERE u.symbol IS NOT NULL), '{}')
FROM edelivery_addresses e
LEFT JOIN edelivery_address_units m ON m.address_id = e.id
LEFT JOIN units u ON u.id = m.unit_id
GROUP BY e.id ORDER BY e.address;

-- name: EDeliverySender
-- The unit's address, else its nearest ancestor's, else the default.
WITH RECURSIVE up(id, parent_id, depth) AS (
	SELECT id, parent_id, 0 FROM units WHERE symbol = $1
	UNION ALL
	SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
)
SELECT address FROM (
	SELECT e.address, up.depth FROM up
	JOIN edelivery_address_units m ON m.unit_id = up.id
	JOIN edelivery_addresses e ON e.id = m.address_id
	UNION ALL
	SELECT address, 1000000 FROM edelivery_addresses WHERE is_default
) a ORDER BY depth LIMIT 1;

-- name: SetOutgoingExternalID
UPDATE outgoing_items SET external_id = $2 WHERE id = $1 AND external_id = '';

-- name: OutgoingByExternalID
SELECT id FROM outgoing_items WHERE external_id = $1;

-- ---------------------------------------------------------------------------
-- Web UI sessions (sessions.go, migration 0008). Look-up and logout are system
-- work (the office is not known yet); creation runs in the user's office.
-- ---------------------------------------------------------------------------

-- name: DeleteExpiredSessions
DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2;

-- name: InsertSession
INSERT INTO sessions (id, office_id, user_id, csrf, created_at, last_seen, expires_at)
VALUES ($1, $2, $3, $4, $5, $5, $6);

-- name: TouchSession
-- Slides a live session: expires_at moves to now + idle TTL ($3 seconds),
-- capped at created_at + the absolute lifetime ($4 seconds). An expired session is not touched.
UPDATE sessions s SET last_seen = $2, expires_at = least($2 + make_interval(secs => $3::float8), s.created_at + make_interval(secs => $4::float8))
FROM users u
WHERE s.id = $1 AND u.id = s.user_id AND u.active AND s.expires_at > $2
RETURNING s.office_id, s.user_id, s.csrf, s.expires_at;

-- name: DeleteSession
DELETE FROM sessions WHERE id = $1;

-- ---------------------------------------------------------------------------
-- Search (search.go, migration 0009). obieg_search matches in the current
-- office with the caller's visibility and returns ids and ranks; the rows
-- are read here under RLS. $1 the query, $2 a LIKE pattern or NULL, $3 a
-- prefix tsquery text or NULL (all folded here by obieg_fold), $4 the query
-- as typed (exact signature, PESEL, NIP), $5 sees all, $6 units,
-- $7 positions, $8 the user, $9 the limit.
-- ---------------------------------------------------------------------------

-- name: Search
SELECT s.kind, s.id, s.rank, coalesce(c.id, dc.id), coalesce(c.signature, dc.signature, ''),
	coalesce(c.title, d.title), coalesce(c.sender, d.metadata ->> 'opis', ''), coalesce(c.status, dc.status, ''),
	coalesce(c.created_at, d.registered_at)
FROM obieg_search(obieg_fold($1), obieg_fold($2), to_tsquery('simple', obieg_fold($3)), $4, $5, $6::uuid[], $7::uuid[], $8, $9) s
LEFT JOIN cases c ON s.kind = 'case' AND c.id = s.id
LEFT JOIN documents d ON s.kind = 'document' AND d.id = s.id
LEFT JOIN cases dc ON dc.id = d.case_id
WHERE c.id IS NOT NULL OR d.id IS NOT NULL
ORDER BY s.rank DESC, coalesce(c.created_at, d.registered_at) DESC, s.id
LIMIT $9;

-- Adapter state

-- name: AdapterCursor
SELECT value FROM adapter_cursors WHERE adapter = $1 AND key = $2;

-- name: SetAdapterCursor
INSERT INTO adapter_cursors (office_id, adapter, key, value, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (office_id, adapter, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;

-- name: AdapterSeen
SELECT EXISTS (SELECT 1 FROM adapter_seen WHERE adapter = $1 AND key = $2 AND kind = $3 AND id = $4);

-- name: MarkAdapterSeen
INSERT INTO adapter_seen (office_id, adapter, key, kind, id, seen_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING;

-- name: GetParty
SELECT id, kind, name, pesel, nip, regon, address, email, epuap_address, ade, street, postal_code, city, preferred_channel
FROM parties WHERE id = $1;

-- name: SetPartyADE
UPDATE parties SET ade = $2 WHERE id = $1;

-- ---------------------------------------------------------------------------
-- Pending assignments (pending.go): the dekretacje waiting for acceptance
-- that the actor may decide — to a position held ($2), or to a unit in the
-- actor's scope ($1) without a position; $3 true = all (administrators).
-- ---------------------------------------------------------------------------

-- name: PendingAssignments
SELECT a.id, a.item_id, a.unit_id, coalesce(u.symbol, ''), a.position_id, a.instruction, a.deadline, a.state,
	a.assigned_by, a.assigned_at, a.decided_by, a.decided_at, a.reason
FROM assignments a LEFT JOIN units u ON u.id = a.unit_id
WHERE a.state = 'pending'
  AND ($3 OR a.position_id = ANY($2::uuid[]) OR (a.position_id IS NULL AND a.unit_id = ANY($1::uuid[])))
ORDER BY a.deadline NULLS LAST, a.assigned_at, a.id
LIMIT 500;

-- ---------------------------------------------------------------------------
-- Organisation lists (orglists.go): users (never their password hashes),
-- positions with their holders, substitutions; and the head position that
-- approves for a unit (the unit's own, else the nearest above it).
-- ---------------------------------------------------------------------------

-- name: ListUsers
SELECT u.id, u.login, u.name, u.email, u.roles, u.active, u.created_at,
	coalesce(array_agg(un.symbol || ' — ' || p.name ORDER BY un.symbol, p.name) FILTER (WHERE p.id IS NOT NULL), '{}')
FROM users u
LEFT JOIN user_positions up ON up.user_id = u.id
LEFT JOIN positions p ON p.id = up.position_id
LEFT JOIN units un ON un.id = p.unit_id
WHERE u.office_id = $1
GROUP BY u.id
ORDER BY u.login;

-- name: ListPositions
SELECT p.id, p.unit_id, p.name, p.is_head, un.symbol,
	coalesce(array_agg(u.name || ' (' || u.login || ')' ORDER BY u.login) FILTER (WHERE u.id IS NOT NULL), '{}')
FROM positions p
JOIN units un ON un.id = p.unit_id
LEFT JOIN user_positions up ON up.position_id = p.id
LEFT JOIN users u ON u.id = up.user_id
WHERE p.office_id = $1
GROUP BY p.id, un.symbol
ORDER BY un.symbol, p.is_head DESC, p.name, p.id;

-- name: ListSubstitutions
SELECT s.id, s.position_id, s.user_id, s.valid_from, s.valid_to, s.reason, p.name, un.symbol, u.login, u.name
FROM substitutions s
JOIN positions p ON p.id = s.position_id
JOIN units un ON un.id = p.unit_id
JOIN users u ON u.id = s.user_id
WHERE s.office_id = $1
ORDER BY s.valid_to DESC, s.valid_from DESC, s.id
LIMIT 1000;

-- name: HeadPosition
WITH RECURSIVE up AS (
	SELECT id, parent_id, 0 AS depth FROM units WHERE id = $1
	UNION ALL
	SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
)
SELECT p.id, p.unit_id, p.name, p.is_head
FROM up JOIN positions p ON p.unit_id = up.id AND p.is_head
ORDER BY up.depth, p.created_at, p.id
LIMIT 1;
