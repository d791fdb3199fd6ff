package web

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// maxMetadataPart limits the JSON metadata part of an upload.
const maxMetadataPart = 64 << 10

// documentMetadata is the "metadata" part of a document upload: the NES
// description plus where the document goes.
type documentMetadata struct {
	registry.Metadata
	CaseID    *uuid.UUID          `json:"caseId"`
	Relations []registry.Relation `json:"relations"`
}

// upload is a parsed multipart upload whose files are staged in the blob
// store. Discard must be called when the upload is not registered.
type upload struct {
	metadata []byte
	files    []registry.File
}

func (u *upload) discard() {
	for _, f := range u.files {
		_ = f.Blob.Discard()
	}
}

// readUpload streams a multipart/form-data body: a "metadata" JSON part
// (when wantMetadata) and "file" parts, each staged in the blob store while
// it is read. File names come from Content-Disposition as sent: a name with
// a path is refused later, not silently shortened (mime/multipart's
// FileName would strip it).
func (s *Server) readUpload(r *http.Request, wantMetadata bool) (_ *upload, err error) {
	const op = "web.readUpload"
	if err := requireMediaType(r, "multipart/form-data"); err != nil {
		return nil, err
	}
	body := http.MaxBytesReader(nil, r.Body, s.maxUpload)
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, engine.Invalid(op, "Content-Type", "multipart body: %v", err)
	}
	u := &upload{}
	defer func() {
		if err != nil {
			u.discard()
		}
	}()
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("upload is larger than %d bytes", s.maxUpload))
			}
			return nil, engine.Invalid(op, "body", "malformed multipart body: %v", err)
		}
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		switch name := params["name"]; name {
		case "metadata":
			if !wantMetadata {
				return nil, engine.Invalid(op, "metadata", "this endpoint takes no metadata part")
			}
			if u.metadata != nil {
				return nil, engine.Invalid(op, "metadata", "more than one metadata part")
			}
			data, err := io.ReadAll(io.LimitReader(part, maxMetadataPart+1))
			if err != nil {
				return nil, s.partError(op, "metadata", err)
			}
			if len(data) > maxMetadataPart {
				return nil, engine.E(op, engine.KindTooLarge, engine.Field("metadata"), fmt.Sprintf("metadata part is larger than %d bytes", maxMetadataPart))
			}
			u.metadata = data
		case "file":
			field := fmt.Sprintf("file[%d]", len(u.files))
			fname := params["filename"]
			mt := part.Header.Get("Content-Type")
			if mt == "" {
				mt = "application/octet-stream"
			}
			// Refuse a bad name or type before storing a byte of it.
			if err := registry.CheckFile(field, fname, mt); err != nil {
				return nil, err
			}
			file, err := registry.StageFileFrom(r.Context(), s.blobs, fname, mt, part, s.maxUpload)
			if err != nil {
				return nil, s.partError(op, field, err)
			}
			u.files = append(u.files, file)
		default:
			return nil, engine.Invalid(op, name, "unexpected part %q: send a metadata part and file parts", name)
		}
	}
	if wantMetadata && u.metadata == nil {
		return nil, engine.Invalid(op, "metadata", "the metadata part is required")
	}
	return u, nil
}

func (s *Server) partError(op, field string, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return engine.E(op, engine.KindTooLarge, engine.Field(field), fmt.Sprintf("upload is larger than %d bytes", s.maxUpload))
	}
	if engine.KindOf(err) != engine.KindOther {
		return engine.E(op, engine.Field(field), err)
	}
	return engine.Invalid(op, field, "could not read the part: %v", err)
}

func (s *Server) registerDocument(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	u, err := s.readUpload(r, true)
	if err != nil {
		return err
	}
	defer u.discard() // a no-op for blobs the registration committed
	var md documentMetadata
	if err := unmarshalStrict("web.registerDocument", "metadata.", u.metadata, &md); err != nil {
		return err
	}
	d, err := s.reg.RegisterDocument(r.Context(), a, registry.NewDocument{Metadata: md.Metadata, CaseID: md.CaseID, Relations: md.Relations, Files: u.files})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID.String())
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) addVersion(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.readUpload(r, false)
	if err != nil {
		return err
	}
	defer u.discard()
	if len(u.files) != 1 {
		return engine.Invalid("web.addVersion", "file", "exactly one file part is required, got %d", len(u.files))
	}
	v, err := s.reg.AddVersion(r.Context(), a, id, u.files[0])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.reg.Document(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// versionContent streams a version's content. The content is verified
// against its SHA-256 while it is sent; if it does not match, the response
// is aborted (no final chunk), so the client sees a failed transfer rather
// than a complete wrong file. Repr-Digest (RFC 9530) lets clients check too.
func (s *Server) versionContent(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return engine.Invalid("web.versionContent", "n", "version must be a whole number from 1")
	}
	v, rc, err := s.reg.OpenVersion(r.Context(), a, id, n)
	if err != nil {
		return err
	}
	defer rc.Close()
	raw, _ := hex.DecodeString(v.SHA256)
	h := w.Header()
	h.Set("Content-Type", v.MediaType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(v.FileName))
	h.Set("ETag", `"`+v.SHA256+`"`)
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	if match := r.Header.Get("If-None-Match"); match == `"`+v.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		s.logger.ErrorContext(r.Context(), "content verification failed; response aborted", "document", id, "version", n, "error", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func (s *Server) addRelation(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		To   uuid.UUID `json:"to"`
		Kind string    `json:"kind"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.To == uuid.Nil {
		return engine.Invalid("web.addRelation", "to", "to (a document id) is required")
	}
	if err := s.reg.AddRelation(r.Context(), a, registry.Relation{From: id, To: req.To, Kind: req.Kind}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
