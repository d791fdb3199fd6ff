-- Search across cases and documents (engine/registry/search.go): case
-- signature, title and sender; document title (tytul), description (opis)
-- and file names; party name, PESEL and NIP.
--
-- Text is folded for matching: lower case without diacritics (unaccent), so
-- "zazolc" finds "Zażółć" and "lodz" finds "Łódź". obieg_fold is declared
-- IMMUTABLE (unaccent itself is STABLE because its dictionary could be
-- changed; we never change it) so that it can feed stored columns and
-- indexes; its body is bound when it is created (SQL-standard body), so it
-- does not depend on the caller's search_path.
--
-- Two kinds of index: trigram (pg_trgm) GIN indexes answer substrings of
-- three or more characters anywhere — signature fragments, parts of names,
-- file names; full-text GIN indexes ('simple' configuration: PostgreSQL has
-- no Polish stemmer) answer several words in any order, each as a prefix.
--
-- Row-level security and indexes: LIKE and @@ are not leakproof, so under the
-- tenant policy the planner may not use them as index conditions (it must
-- check the policy first) and would scan every row of the table. The
-- matching therefore runs in obieg_search, a SECURITY DEFINER function owned
-- by the owning role (which RLS does not limit): it filters every table by
-- obieg_office() itself — the same setting the policy reads — and applies
-- the caller's visibility (all cases, or the units and positions given),
-- returning only ids and ranks; the caller reads the rows under RLS as usual.
-- Both extensions are "trusted": the database owner may create them.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION obieg_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(unaccent('unaccent'::regdictionary, t));

ALTER TABLE cases ADD COLUMN search_text text NOT NULL
	GENERATED ALWAYS AS (obieg_fold(signature || ' ' || title || ' ' || sender)) STORED;
CREATE INDEX cases_search_trgm ON cases USING gin (search_text gin_trgm_ops);
CREATE INDEX cases_search_fts ON cases USING gin (to_tsvector('simple'::regconfig, search_text));

ALTER TABLE documents ADD COLUMN search_text text NOT NULL
	GENERATED ALWAYS AS (obieg_fold(title || ' ' || coalesce(metadata ->> 'opis', ''))) STORED;
CREATE INDEX documents_search_trgm ON documents USING gin (search_text gin_trgm_ops);
CREATE INDEX documents_search_fts ON documents USING gin (to_tsvector('simple'::regconfig, search_text));

CREATE INDEX document_versions_search_trgm ON document_versions USING gin (obieg_fold(file_name) gin_trgm_ops);

CREATE INDEX parties_search_trgm ON parties USING gin (obieg_fold(name) gin_trgm_ops);
CREATE INDEX parties_search_fts ON parties USING gin (to_tsvector('simple'::regconfig, obieg_fold(name)));
-- PESEL and NIP look-ups (also in 0011, which may have run first on a
-- database that got 0009 later: hence IF NOT EXISTS).
CREATE INDEX IF NOT EXISTS parties_pesel ON parties (office_id, pesel) WHERE pesel <> '';
CREATE INDEX IF NOT EXISTS parties_nip ON parties (office_id, nip) WHERE nip <> '';

-- obieg_search finds the cases and documents of the current office matching
-- a query, best first, at most lim of each kind. The caller folds its input
-- (obieg_fold) and passes:
--   words the folded query (for similarity);
--   pat   a LIKE pattern over folded text ('%…%', wildcards escaped), or NULL
--         (queries shorter than three characters only go by words);
--   tsq   the words of the query as a prefix tsquery over folded text, or NULL;
--   ident the query as typed, for an exact signature, PESEL or NIP;
--   sees_all / units / positions / user_id  the caller's visibility (registry
--         actor.go: canRead for cases; documents outside a case are seen by
--         those who see all and by whoever registered them).
-- The office is checked where candidates are first read (obieg_office()
-- costs a setting look-up per row, so rows reached from them by id are not
-- checked again).
-- Each way of matching contributes at most 500 visible candidates (in
-- storage order), so a word found in a third of the office's documents
-- costs no more than a rare one; the candidates are then ranked. For such a
-- word the best hits are the best of those candidates, not of all matches:
-- a more specific query narrows them.
-- Rank: an exact signature 3; all words matched as full text 1 + ts_rank;
-- a substring 0.5 + 0.4 × word similarity; found only through a party 0.4.
CREATE FUNCTION obieg_search(words text, pat text, tsq tsquery, ident text, sees_all boolean, units uuid[], positions uuid[],
	user_id uuid, lim int)
RETURNS TABLE (kind text, id uuid, rank real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	WITH case_ids AS (
		(SELECT c.id FROM cases c WHERE c.office_id = obieg_office() AND c.search_text LIKE pat
			AND (sees_all OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions)) LIMIT 500)
		UNION
		(SELECT c.id FROM cases c WHERE c.office_id = obieg_office() AND to_tsvector('simple'::regconfig, c.search_text) @@ tsq
			AND (sees_all OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions)) LIMIT 500)
		UNION
		(SELECT c.id FROM cases c WHERE c.office_id = obieg_office() AND c.signature = ident
			AND (sees_all OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions)))
		UNION
		(SELECT c.id FROM case_parties cp JOIN cases c ON c.id = cp.case_id
		 WHERE c.office_id = obieg_office() AND (sees_all OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions))
		   AND cp.party_id IN (
			(SELECT p.id FROM parties p WHERE p.office_id = obieg_office() AND obieg_fold(p.name) LIKE pat LIMIT 500)
			UNION
			(SELECT p.id FROM parties p WHERE p.office_id = obieg_office() AND to_tsvector('simple'::regconfig, obieg_fold(p.name)) @@ tsq LIMIT 500)
			UNION
			SELECT p.id FROM parties p WHERE p.office_id = obieg_office() AND p.pesel <> '' AND p.pesel = ident
			UNION
			SELECT p.id FROM parties p WHERE p.office_id = obieg_office() AND p.nip <> '' AND p.nip = ident)
		 LIMIT 500)
	),
	cases_found AS (
		SELECT c.id,
			greatest(
				CASE WHEN c.signature = ident THEN 3 ELSE 0 END,
				CASE WHEN to_tsvector('simple'::regconfig, c.search_text) @@ tsq
					THEN 1 + ts_rank(to_tsvector('simple'::regconfig, c.search_text), tsq) ELSE 0 END,
				CASE WHEN c.search_text LIKE pat THEN 0.5 + 0.4 * word_similarity(words, c.search_text) ELSE 0 END,
				0.4)::real AS r,
			c.created_at AS at
		FROM case_ids JOIN cases c ON c.id = case_ids.id
		ORDER BY r DESC, at DESC, c.id
		LIMIT lim
	),
	doc_ids AS (
		(SELECT d.id FROM documents d LEFT JOIN cases c ON c.id = d.case_id
		 WHERE d.office_id = obieg_office() AND d.search_text LIKE pat
		   AND (sees_all OR (d.case_id IS NULL AND d.registered_by = user_id) OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions))
		 LIMIT 500)
		UNION
		(SELECT d.id FROM documents d LEFT JOIN cases c ON c.id = d.case_id
		 WHERE d.office_id = obieg_office() AND to_tsvector('simple'::regconfig, d.search_text) @@ tsq
		   AND (sees_all OR (d.case_id IS NULL AND d.registered_by = user_id) OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions))
		 LIMIT 500)
		UNION
		(SELECT d.id FROM document_versions v JOIN documents d ON d.id = v.document_id LEFT JOIN cases c ON c.id = d.case_id
		 WHERE v.office_id = obieg_office() AND obieg_fold(v.file_name) LIKE pat
		   AND (sees_all OR (d.case_id IS NULL AND d.registered_by = user_id) OR c.unit_id = ANY(units) OR c.owner_position_id = ANY(positions))
		 LIMIT 500)
	),
	docs_found AS (
		SELECT d.id,
			greatest(
				CASE WHEN to_tsvector('simple'::regconfig, d.search_text) @@ tsq
					THEN 1 + ts_rank(to_tsvector('simple'::regconfig, d.search_text), tsq) ELSE 0 END,
				CASE WHEN d.search_text LIKE pat THEN 0.5 + 0.4 * word_similarity(words, d.search_text) ELSE 0 END,
				0.4)::real AS r,
			d.registered_at AS at
		FROM doc_ids JOIN documents d ON d.id = doc_ids.id
		ORDER BY r DESC, at DESC, d.id
		LIMIT lim
	)
	SELECT 'case'::text, id, r FROM cases_found
	UNION ALL
	SELECT 'document'::text, id, r FROM docs_found
$$;
REVOKE ALL ON FUNCTION obieg_search(text, text, tsquery, text, boolean, uuid[], uuid[], uuid, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION obieg_search(text, text, tsquery, text, boolean, uuid[], uuid[], uuid, int) TO obieg_app;

-- The heads' inbox (registry PendingAssignments) reads pending assignments
-- across the office.
CREATE INDEX assignments_pending ON assignments (office_id, assigned_at) WHERE state = 'pending';
