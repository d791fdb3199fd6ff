package registry

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/blob"
	"obieg.dev/obieg/storage/postgres"
)

// Document is a registered document: immutable metadata and immutable
// versions, each a blob addressed by its SHA-256.
type Document struct {
	ID           uuid.UUID        `json:"id"`
	CaseID       *uuid.UUID       `json:"caseId,omitempty"`
	Title        string           `json:"title"`
	Kind         string           `json:"kind"`
	Metadata     Metadata         `json:"metadata"`
	RegisteredBy uuid.UUID        `json:"registeredBy"`
	RegisteredAt time.Time        `json:"registeredAt"`
	Versions     []Version        `json:"versions"`
	Relations    []Relation       `json:"relations,omitempty"`
	Signatures   []SignatureCheck `json:"signatures,omitempty"`
}

// SignatureCheck is the verification of the signature in a document
// version, made when it was registered (an adapter verifies; the registry
// keeps the result).
type SignatureCheck struct {
	Version     int        `json:"version"`
	Valid       bool       `json:"valid"`
	Signer      string     `json:"signer,omitempty"`
	GivenName   string     `json:"givenName,omitempty"` // Profil Zaufany identity
	FamilyName  string     `json:"familyName,omitempty"`
	PESEL       string     `json:"pesel,omitempty"`
	SigningTime *time.Time `json:"signingTime,omitempty"`
	Problems    []string   `json:"problems,omitempty"`
	VerifiedAt  time.Time  `json:"verifiedAt"`
}

// Version is one immutable content file of a document. A document
// registered with several files gets versions 1..k in the order given;
// later versions are added one at a time.
type Version struct {
	N         int       `json:"n"`
	FileName  string    `json:"fileName"`
	MediaType string    `json:"mediaType"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	CreatedBy uuid.UUID `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
}

// Relation kinds between documents.
const (
	RelReplyTo         = "reply-to"
	RelAttachmentOf    = "attachment-of"
	RelVersionOf       = "version-of"
	RelProofOfDelivery = "proof-of-delivery-of"
)

// Relation links two documents: From <kind> To.
type Relation struct {
	From uuid.UUID `json:"from"`
	To   uuid.UUID `json:"to"`
	Kind string    `json:"kind"`
}

// File is a staged content file for registration: its blob is in the store's
// staging area and becomes visible only when the registration commits.
type File struct {
	Name      string
	MediaType string
	Head      []byte // the first bytes of the content, to check it is what it claims
	Blob      *blob.Staged
	Signature *SignatureCheck // the verification of a signature in the file, if it had one
}

// NewDocument is what registering a document needs.
type NewDocument struct {
	Metadata  Metadata
	CaseID    *uuid.UUID
	Files     []File
	Relations []Relation // From is the new document; only To and Kind are read
}

func validRelation(kind string) bool {
	switch kind {
	case RelReplyTo, RelAttachmentOf, RelVersionOf, RelProofOfDelivery:
		return true
	}
	return false
}

// checkContent refuses content whose leading bytes contradict its media
// type: a "PDF" that is not one is refused, not archived.
func checkContent(field string, f File) error {
	mt, _, _ := strings.Cut(strings.ToLower(f.MediaType), ";")
	var magic []byte
	switch strings.TrimSpace(mt) {
	case "application/pdf":
		magic = []byte("%PDF-")
	case "image/png":
		magic = []byte("\x89PNG\r\n\x1a\n")
	case "image/jpeg":
		magic = []byte("\xff\xd8\xff")
	default:
		return nil
	}
	if !bytes.HasPrefix(f.Head, magic) {
		return engine.Invalid("registry.checkContent", field, "content of %q is not %s", f.Name, mt)
	}
	return nil
}

// RegisterDocument registers a document with its files, optionally in a
// case. Blobs are committed to the store inside the transaction, before the
// rows that reference them become visible; on any error nothing is visible.
// The caller discards the staged blobs when an error is returned.
func (s *Service) RegisterDocument(ctx context.Context, a *Actor, in NewDocument) (*Document, error) {
	const op = "registry.RegisterDocument"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if a.Has(RoleArchivist) && len(a.Roles) == 1 {
		return nil, forbidden(op, "archivists do not register documents")
	}
	if err := checkDocument(op, &in); err != nil {
		return nil, err
	}
	var d *Document
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		d, err = s.insertDocument(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return d, nil
}

// checkDocument validates what a registration needs before any write.
func checkDocument(op string, in *NewDocument) error {
	if err := in.Metadata.Validate(); err != nil {
		return err
	}
	if len(in.Files) == 0 {
		return engine.Invalid(op, "file", "at least one file is required")
	}
	for i, f := range in.Files {
		field := fmt.Sprintf("file[%d]", i)
		if err := CheckFile(field, f.Name, f.MediaType); err != nil {
			return err
		}
		if err := checkContent(field, f); err != nil {
			return err
		}
	}
	for i, r := range in.Relations {
		if !validRelation(r.Kind) {
			return engine.Invalid(op, fmt.Sprintf("relations[%d].kind", i), "relation kind %q is not one of reply-to, attachment-of, version-of, proof-of-delivery-of", r.Kind)
		}
	}
	return nil
}

// insertDocument writes a checked document in tx: rows, relations, the
// metryka entry of its case, and — last, just before the caller commits —
// its blobs.
func (s *Service) insertDocument(ctx context.Context, tx pgx.Tx, a *Actor, in NewDocument) (*Document, error) {
	const op = "registry.RegisterDocument"
	now := s.now()
	d := &Document{ID: newID(), CaseID: in.CaseID, Title: in.Metadata.Tytul, Kind: in.Metadata.Typ,
		Metadata: in.Metadata, RegisteredBy: a.UserID, RegisteredAt: now}
	d.Metadata.Identyfikator = d.ID.String()
	var c *Case
	if in.CaseID != nil {
		var err error
		if c, err = getCase(ctx, tx, q["LockCase"], *in.CaseID); err != nil {
			return nil, engine.E(op, engine.Field("metadata.caseId"), err)
		}
		if !a.canRead(c) {
			return nil, engine.E(op, engine.Field("caseId"), notVisible(op))
		}
		if !a.canAttach(c) {
			return nil, forbidden(op, "you may not add documents to this case")
		}
		if c.Status == StatusClosed {
			return nil, engine.E(op, engine.KindConflict, fmt.Sprintf("case %s is closed", c.Signature))
		}
	}
	if _, err := tx.Exec(ctx, q["InsertDocument"], d.ID, a.OfficeID, d.CaseID, d.Title, d.Kind, d.Metadata, a.UserID, now); err != nil {
		return nil, err
	}
	for i, f := range in.Files {
		v := Version{N: i + 1, FileName: f.Name, MediaType: f.MediaType, Size: f.Blob.Size, SHA256: f.Blob.SHA256, CreatedBy: a.UserID, CreatedAt: now}
		if _, err := tx.Exec(ctx, q["InsertVersion"], a.OfficeID, d.ID, v.N, v.FileName, v.MediaType, v.Size, v.SHA256, a.UserID, now); err != nil {
			return nil, err
		}
		d.Versions = append(d.Versions, v)
		if sc := f.Signature; sc != nil {
			sc.Version, sc.VerifiedAt = v.N, now
			problems := sc.Problems
			if problems == nil {
				problems = []string{}
			}
			if _, err := tx.Exec(ctx, q["InsertSignature"], a.OfficeID, d.ID, v.N, sc.Valid, sc.Signer, sc.GivenName, sc.FamilyName,
				sc.PESEL, sc.SigningTime, problems, now); err != nil {
				return nil, err
			}
			d.Signatures = append(d.Signatures, *sc)
		}
	}
	for i, r := range in.Relations {
		r.From = d.ID
		if err := s.insertRelation(ctx, tx, a, r, now); err != nil {
			return nil, engine.E(op, engine.Field(fmt.Sprintf("relations[%d].to", i)), err)
		}
		d.Relations = append(d.Relations, r)
	}
	if c != nil {
		if err := s.appendMetryka(ctx, tx, a, c, ActionDocumentAdded, &d.ID, map[string]string{
			"title": d.Title, "type": d.Kind, "versions": fmt.Sprint(len(d.Versions)),
		}); err != nil {
			return nil, err
		}
	}
	// The blobs go in last, just before commit: a failure above leaves no blob behind.
	for _, f := range in.Files {
		if err := f.Blob.Commit(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Service) insertRelation(ctx context.Context, tx pgx.Tx, a *Actor, r Relation, now time.Time) error {
	var id uuid.UUID
	if err := tx.QueryRow(ctx, "SELECT id FROM documents WHERE id = $1", r.To).Scan(&id); err != nil {
		return postgres.NotFound("registry.relation", err, "no document %s", r.To)
	}
	_, err := tx.Exec(ctx, q["InsertRelation"], a.OfficeID, r.From, r.To, r.Kind, a.UserID, now)
	return err
}

func scanDocument(r pgx.Row) (*Document, error) {
	var d Document
	err := r.Scan(&d.ID, &d.CaseID, &d.Title, &d.Kind, &d.Metadata, &d.RegisteredBy, &d.RegisteredAt)
	return &d, err
}

// readableDocument loads a document and checks a may see it: through its
// case, or, before it is in a case, as its registrant or a role that sees all.
func (s *Service) readableDocument(ctx context.Context, tx pgx.Tx, a *Actor, op string, id uuid.UUID, lock bool) (*Document, *Case, error) {
	query := q["GetDocument"]
	if lock {
		query = q["LockDocument"]
	}
	d, err := scanDocument(tx.QueryRow(ctx, query, id))
	if err != nil {
		return nil, nil, postgres.NotFound(op, err, "no such document, or not visible to you")
	}
	var c *Case
	if d.CaseID != nil {
		cq := q["GetCase"]
		if lock {
			cq = q["LockCase"]
		}
		if c, err = getCase(ctx, tx, cq, *d.CaseID); err != nil {
			return nil, nil, err
		}
		if !a.canRead(c) {
			return nil, nil, engine.E(op, engine.KindNotFound, "no such document, or not visible to you")
		}
	} else if !a.seesAll() && d.RegisteredBy != a.UserID {
		return nil, nil, engine.E(op, engine.KindNotFound, "no such document, or not visible to you")
	}
	return d, c, nil
}

func loadVersions(ctx context.Context, tx pgx.Tx, id uuid.UUID) ([]Version, error) {
	rows, _ := tx.Query(ctx, q["DocumentVersions"], id)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Version, error) {
		var v Version
		err := r.Scan(&v.N, &v.FileName, &v.MediaType, &v.Size, &v.SHA256, &v.CreatedBy, &v.CreatedAt)
		return v, err
	})
}

// Document returns a document with its versions and relations.
func (s *Service) Document(ctx context.Context, a *Actor, id uuid.UUID) (*Document, error) {
	const op = "registry.Document"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var d *Document
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		var err error
		if d, _, err = s.readableDocument(ctx, tx, a, op, id, false); err != nil {
			return err
		}
		if d.Versions, err = loadVersions(ctx, tx, id); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, q["DocumentRelations"], id)
		if d.Relations, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Relation]); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, q["DocumentSignatures"], id)
		d.Signatures, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SignatureCheck, error) {
			var c SignatureCheck
			return c, r.Scan(&c.Version, &c.Valid, &c.Signer, &c.GivenName, &c.FamilyName, &c.PESEL, &c.SigningTime, &c.Problems, &c.VerifiedAt)
		})
		return err
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return d, nil
}

// CaseDocuments lists the documents of a case.
func (s *Service) CaseDocuments(ctx context.Context, a *Actor, caseID uuid.UUID) ([]*Document, error) {
	const op = "registry.CaseDocuments"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	var out []*Document
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		c, err := getCase(ctx, tx, q["GetCase"], caseID)
		if err != nil {
			return err
		}
		if !a.canRead(c) {
			return notVisible(op)
		}
		rows, _ := tx.Query(ctx, q["CaseDocuments"], caseID)
		if out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Document, error) { return scanDocument(r) }); err != nil {
			return err
		}
		for _, d := range out {
			if d.Versions, err = loadVersions(ctx, tx, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, postgres.Err(op, err)
}

// OpenVersion returns version n of a document and a reader of its content.
// The reader verifies the SHA-256 as it is read and fails at the end if the
// stored content no longer matches.
func (s *Service) OpenVersion(ctx context.Context, a *Actor, id uuid.UUID, n int) (*Version, io.ReadCloser, error) {
	const op = "registry.OpenVersion"
	if err := requireActor(op, a); err != nil {
		return nil, nil, err
	}
	var v *Version
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		if _, _, err := s.readableDocument(ctx, tx, a, op, id, false); err != nil {
			return err
		}
		vs, err := loadVersions(ctx, tx, id)
		if err != nil {
			return err
		}
		for i := range vs {
			if vs[i].N == n {
				v = &vs[i]
				return nil
			}
		}
		return engine.E(op, engine.KindNotFound, fmt.Sprintf("the document has no version %d", n))
	})
	if err != nil {
		return nil, nil, postgres.Err(op, err)
	}
	rc, err := s.blobs.Open(ctx, v.SHA256)
	if err != nil {
		return nil, nil, engine.E(op, err)
	}
	return v, rc, nil
}

// AddVersion adds the next version to a document. Earlier versions stay as
// they are: a version is never changed.
func (s *Service) AddVersion(ctx context.Context, a *Actor, id uuid.UUID, f File) (*Version, error) {
	const op = "registry.AddVersion"
	if err := requireActor(op, a); err != nil {
		return nil, err
	}
	if err := CheckFile("file", f.Name, f.MediaType); err != nil {
		return nil, err
	}
	if err := checkContent("file", f); err != nil {
		return nil, err
	}
	var v *Version
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		d, c, err := s.readableDocument(ctx, tx, a, op, id, true)
		if err != nil {
			return err
		}
		if c != nil && !a.canAttach(c) {
			return forbidden(op, "you may not change documents of this case")
		}
		if c != nil && c.Status == StatusClosed {
			return engine.E(op, engine.KindConflict, fmt.Sprintf("case %s is closed", c.Signature))
		}
		vs, err := loadVersions(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		now := s.now()
		v = &Version{N: len(vs) + 1, FileName: f.Name, MediaType: f.MediaType, Size: f.Blob.Size, SHA256: f.Blob.SHA256, CreatedBy: a.UserID, CreatedAt: now}
		if _, err := tx.Exec(ctx, q["InsertVersion"], a.OfficeID, d.ID, v.N, v.FileName, v.MediaType, v.Size, v.SHA256, a.UserID, now); err != nil {
			return err
		}
		if c != nil {
			if err := s.appendMetryka(ctx, tx, a, c, ActionVersionAdded, &d.ID, map[string]string{"version": fmt.Sprint(v.N), "sha256": v.SHA256}); err != nil {
				return err
			}
		}
		return f.Blob.Commit(ctx)
	})
	if err != nil {
		return nil, postgres.Err(op, err)
	}
	return v, nil
}

// AttachDocument puts a registered document into a case. A document belongs
// to one case; moving it is not an attachment.
func (s *Service) AttachDocument(ctx context.Context, a *Actor, docID, caseID uuid.UUID) error {
	const op = "registry.AttachDocument"
	if err := requireActor(op, a); err != nil {
		return err
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		d, _, err := s.readableDocument(ctx, tx, a, op, docID, true)
		if err != nil {
			return err
		}
		c, err := getCase(ctx, tx, q["LockCase"], caseID)
		if err != nil {
			return engine.E(op, engine.Field("caseId"), err)
		}
		if !a.canRead(c) {
			return engine.E(op, engine.Field("caseId"), notVisible(op))
		}
		if !a.canAttach(c) {
			return forbidden(op, "you may not add documents to this case")
		}
		if c.Status == StatusClosed {
			return engine.E(op, engine.KindConflict, fmt.Sprintf("case %s is closed", c.Signature))
		}
		if d.CaseID != nil {
			if *d.CaseID == caseID {
				return nil
			}
			return engine.E(op, engine.KindConflict, "the document is already in another case")
		}
		if _, err := tx.Exec(ctx, q["AttachDocument"], docID, caseID); err != nil {
			return err
		}
		return s.appendMetryka(ctx, tx, a, c, ActionDocumentAttached, &docID, map[string]string{"title": d.Title})
	})
	return postgres.Err(op, err)
}

// AddRelation records that document from stands in relation kind to document to.
func (s *Service) AddRelation(ctx context.Context, a *Actor, r Relation) error {
	const op = "registry.AddRelation"
	if err := requireActor(op, a); err != nil {
		return err
	}
	if !validRelation(r.Kind) {
		return engine.Invalid(op, "kind", "relation kind %q is not one of reply-to, attachment-of, version-of, proof-of-delivery-of", r.Kind)
	}
	if r.From == r.To {
		return engine.Invalid(op, "to", "a document cannot relate to itself")
	}
	err := s.db.Tenant(ctx, a.OfficeID, func(tx pgx.Tx) error {
		d, c, err := s.readableDocument(ctx, tx, a, op, r.From, true)
		if err != nil {
			return err
		}
		if _, _, err := s.readableDocument(ctx, tx, a, op, r.To, false); err != nil {
			return engine.E(op, engine.Field("to"), err)
		}
		if err := s.insertRelation(ctx, tx, a, r, s.now()); err != nil {
			return err
		}
		if c != nil {
			return s.appendMetryka(ctx, tx, a, c, ActionRelationAdded, &d.ID, map[string]string{"kind": r.Kind, "to": r.To.String()})
		}
		return nil
	})
	return postgres.Err(op, err)
}
