package ui

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// form is a parsed multipart form: text fields and files staged in the
// blob store. discard must be called unless the files were registered
// (discarding a committed blob is a no-op).
type form struct {
	values map[string][]string
	files  []registry.File
}

func (f *form) get(name string) string {
	if v := f.values[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

func (f *form) discard() {
	for _, x := range f.files {
		_ = x.Blob.Discard()
	}
}

const (
	maxField   = 64 << 10 // a text field
	maxMemFile = 10 << 20 // a file read into memory (a JRWA list, a BPMN diagram)
)

// readForm streams the rest of a multipart body whose csrf part the action
// wrapper has read: fields into memory (64 KiB each), parts named
// fileField into the blob store's staging area while hashed. Empty file
// inputs (no name, no content) are skipped. Parts named in memFiles
// (small files such as a CSV or BPMN upload) are read into values.
func (h *handler) readForm(r *http.Request, fileField string, memFiles ...string) (_ *form, err error) {
	const op = "ui.readForm"
	mr, err := multipartOf(r)
	if err != nil {
		return nil, engine.Invalid(op, "body", "expected a multipart form")
	}
	f := &form{values: map[string][]string{}}
	defer func() {
		if err != nil {
			f.discard()
		}
	}()
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return nil, h.partError(op, "body", err)
		}
		name := p.FormName()
		if name == fileField && p.FileName() != "" {
			fname := rawFileName(p.Header.Get("Content-Disposition"))
			mt := p.Header.Get("Content-Type")
			if mt == "" {
				mt = "application/octet-stream"
			}
			field := fmt.Sprintf("%s[%d]", fileField, len(f.files))
			if err := registry.CheckFile(field, fname, mt); err != nil {
				return nil, err
			}
			file, err := registry.StageFileFrom(r.Context(), h.blobs, fname, mt, p, h.max)
			if err != nil {
				return nil, h.partError(op, field, err)
			}
			if file.Blob.Size == 0 {
				_ = file.Blob.Discard()
				continue
			}
			f.files = append(f.files, file)
			continue
		}
		if name == fileField {
			continue // an empty file input
		}
		limit := int64(maxField)
		if slices.Contains(memFiles, name) {
			limit = maxMemFile
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return nil, h.partError(op, name, err)
		}
		if int64(len(data)) > limit {
			return nil, engine.E(op, engine.KindTooLarge, engine.Field(name), "field is too long")
		}
		f.values[name] = append(f.values[name], string(data))
	}
}

// rawFileName is the file name as sent: mime/multipart's FileName would
// strip a path, and the registry refuses names with one instead.
func rawFileName(cd string) string {
	_, after, ok := strings.Cut(cd, "filename=")
	if !ok {
		return ""
	}
	if strings.HasPrefix(after, `"`) {
		after = after[1:]
		var b strings.Builder
		for i := 0; i < len(after); i++ {
			c := after[i]
			if c == '\\' && i+1 < len(after) {
				i++
				b.WriteByte(after[i])
				continue
			}
			if c == '"' {
				break
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	v, _, _ := strings.Cut(after, ";")
	return strings.TrimSpace(v)
}

func (h *handler) partError(op, field string, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return engine.E(op, engine.KindTooLarge, engine.Field(field), fmt.Sprintf("upload is larger than %d bytes", h.max))
	}
	if engine.KindOf(err) != engine.KindOther {
		return engine.E(op, engine.Field(field), err)
	}
	return engine.Invalid(op, field, "could not read the form: %v", err)
}
