package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
)

// maxJSONBody limits JSON request bodies.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON body into v: the content type must be JSON, the
// body valid UTF-8 and at most maxJSONBody bytes, and unknown fields are
// refused (a misspelt field is a mistake, not something to ignore). Errors
// name the field at fault.
func decodeJSON(r *http.Request, v any) error {
	const op = "web.decodeJSON"
	if err := requireMediaType(r, "application/json"); err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return engine.E(op, engine.KindTooLarge, fmt.Sprintf("JSON body is larger than %d bytes", maxJSONBody))
		}
		return engine.E(op, engine.KindInvalid, "could not read the body", err)
	}
	return unmarshalStrict(op, "", data, v)
}

// unmarshalStrict decodes one JSON document, mapping errors to fields
// prefixed by prefix ("metadata." for the metadata part of an upload).
func unmarshalStrict(op, prefix string, data []byte, v any) error {
	if !utf8.Valid(data) {
		return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "body is not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "body is empty: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "body holds more than one JSON value")
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn):
		return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return engine.Invalid(op, prefix+typ.Field, "%s must be %s, not %s", prefix+typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "malformed JSON: unexpected end")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return engine.Invalid(op, prefix+name, "unknown field %q", name)
	}
	// Errors from UnmarshalText (dates, UUIDs) carry no field name in
	// encoding/json; report them with the message they give.
	return engine.Invalid(op, strings.TrimSuffix(prefix, "."), "%v", err)
}

// requireMediaType refuses a body whose Content-Type is not want.
func requireMediaType(r *http.Request, want string) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != want {
		return &mediaTypeError{want: want, got: r.Header.Get("Content-Type")}
	}
	return nil
}

type mediaTypeError struct{ want, got string }

func (e *mediaTypeError) Error() string {
	return fmt.Sprintf("Content-Type must be %s, not %q", e.want, e.got)
}

// pathAndBodyID reads the {id} of the path and a required id named field
// from a JSON body holding only that field, as in {"caseId": "…"}.
func pathAndBodyID(r *http.Request, field string) (uuid.UUID, uuid.UUID, error) {
	const op = "web.pathAndBodyID"
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return uuid.Nil, uuid.Nil, engine.Invalid(op, "id", "id %q is not a UUID", r.PathValue("id"))
	}
	var body map[string]uuid.UUID
	if err := decodeJSON(r, &body); err != nil {
		if engine.FieldOf(err) == "" {
			return uuid.Nil, uuid.Nil, engine.E(op, engine.Field(field), err)
		}
		return uuid.Nil, uuid.Nil, err
	}
	for k := range body {
		if k != field {
			return uuid.Nil, uuid.Nil, engine.Invalid(op, k, "unknown field %q", k)
		}
	}
	if body[field] == uuid.Nil {
		return uuid.Nil, uuid.Nil, engine.Invalid(op, field, "%s is required", field)
	}
	return id, body[field], nil
}

// idAction serves a "POST …/{id}/verb" endpoint that takes no body: it
// reads the id and answers 204 when do succeeds.
func idAction(w http.ResponseWriter, r *http.Request, do func(id uuid.UUID) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
