package registry

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/postgres"
)

// Kinds of search hit.
const (
	HitCase     = "case"
	HitDocument = "document"
)

// SearchHit is a case or a document Search found.
type SearchHit struct {
	Kind      string     `json:"kind"` // HitCase or HitDocument
	ID        uuid.UUID  `json:"id"`   // of the case or the document
	CaseID    *uuid.UUID `json:"caseId,omitempty"`
	Signature string     `json:"signature,omitempty"` // the case's (a document's: its case's)
	Title     string     `json:"title"`
	Detail    string     `json:"detail,omitempty"` // a case's sender; a document's description (opis)
	Status    string     `json:"status,omitempty"` // of the case
	At        time.Time  `json:"at"`               // case created; document registered
	Rank      float32    `json:"rank"`
}

// Search limits.
const (
	SearchMinRunes = 2   // shorter queries are refused
	SearchMaxRunes = 200 // longer ones too
	SearchMaxLimit = 100
)

// Search finds cases (by signature, title, sender and their parties' names,
// PESEL and NIP) and documents (by title, description and file names) the
// actor may read, best first, at most limit (default 20) in all.
//
// Matching ignores case and Polish diacritics ("zazolc" finds "Zażółć"):
// the words of the query, in any order, each as the beginning of a word
// (full text); or, from three characters, the query as a substring
// anywhere (trigrams: signature fragments, parts of names); or the query
// exactly as a signature, PESEL or NIP. Visibility is canRead's, applied in
// the database before the limit (migration 0009, obieg_search).
func (s *Service) Search(ctx context.Context, a *Actor, query string, limit int) ([]SearchHit, error) {
	const op = "registry.Search"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	query = trim(query)
	if !utf8.ValidString(query) || strings.ContainsFunc(query, unicode.IsControl) {
		return nil, engine.Invalid(op, "q", "the query must be text")
	}
	if n := utf8.RuneCountInString(query); n < SearchMinRunes || n > SearchMaxRunes {
		return nil, engine.Invalid(op, "q", "the query must have %d to %d characters", SearchMinRunes, SearchMaxRunes)
	}
	if limit <= 0 {
		limit = 20
	}
	if limit > SearchMaxLimit {
		return nil, engine.Invalid(op, "limit", "limit is at most %d", SearchMaxLimit)
	}
	var pat *string
	if utf8.RuneCountInString(query) >= 3 {
		p := "%" + likeEscape(query) + "%"
		pat = &p
	}
	var hits []SearchHit
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q["Search"], query, pat, prefixQuery(query), query,
			a.seesAll(), a.Units, a.positionIDs(), a.UserID, limit)
		var err error
		hits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SearchHit, error) {
			var h SearchHit
			err := r.Scan(&h.Kind, &h.ID, &h.Rank, &h.CaseID, &h.Signature, &h.Title, &h.Detail, &h.Status, &h.At)
			return h, err
		})
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return hits, nil
}

// likeEscape escapes LIKE's wildcards and its escape character.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// prefixQuery is the words of a query (letters and digits) as a tsquery
// text matching each as a word prefix, all of them: "Jan Kow" →
// "Jan:* & Kow:*"; nil when the query has no word. Only letters and
// digits reach to_tsquery, so its syntax cannot be injected.
func prefixQuery(query string) *string {
	words := strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
	// One letter as a prefix matches most words and costs a long index
	// scan: such words are left out when the query has longer ones.
	long := words[:0:0]
	for _, w := range words {
		if utf8.RuneCountInString(w) > 1 {
			long = append(long, w)
		}
	}
	if len(long) > 0 {
		words = long
	}
	if len(words) == 0 {
		return nil
	}
	if len(words) > 16 {
		words = words[:16]
	}
	for i, w := range words {
		words[i] = w + ":*"
	}
	t := strings.Join(words, " & ")
	return &t
}
