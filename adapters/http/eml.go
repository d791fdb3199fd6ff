package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"

	"obieg.dev/obieg/adapters/mail"
	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/registry"
)

// importEML registers an e-mail (.eml) as an incoming item (adapters/mail
// decides what of it is kept and how).
func (s *Server) importEML(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	const op = "web.importEML"
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "message/rfc822" {
		return &mediaTypeError{want: "message/rfc822", got: r.Header.Get("Content-Type")}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.maxUpload))
	if err != nil {
		return engine.E(op, engine.KindTooLarge, fmt.Sprintf("the message is larger than %d bytes", s.maxUpload))
	}
	item, err := mail.Register(r.Context(), s.reg, s.blobs, a, raw, s.maxUpload)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if item.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/incoming/"+item.ID.String())
	writeJSON(w, status, item)
	return nil
}
