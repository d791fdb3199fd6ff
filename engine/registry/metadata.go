package registry

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Metadata describes a document by the NES 2.0 schema (MSWiA regulation of
// 30.10.2006, Dz.U. 2006 nr 206 poz. 1517; reference/nes/nes_20.xsd), in a
// flat JSON form. Mandatory elements: identyfikator (assigned by Obieg),
// tworca, tytul, data, format (taken from the files), dostep, typ.
type Metadata struct {
	Tytul         string         `json:"tytul"`
	Typ           string         `json:"typ"`               // rodzaj tekstu, e.g. "podanie/wniosek", "decyzja"
	Klasa         string         `json:"klasa,omitempty"`   // NES typ/klasa; default "tekst"
	Data          *calendar.Date `json:"data"`              // the date of the document
	TypDaty       string         `json:"typDaty,omitempty"` // default "data na piśmie"
	Tworca        string         `json:"tworca"`            // who made the document
	Dostep        string         `json:"dostep"`            // publiczny | niepubliczny | wyłączony
	Nadawca       string         `json:"nadawca,omitempty"`
	Odbiorca      string         `json:"odbiorca,omitempty"`
	Znak          string         `json:"znak,omitempty"` // the sender's reference
	Opis          string         `json:"opis,omitempty"`
	Jezyk         string         `json:"jezyk,omitempty"` // ISO 639-2; default "pol"
	Kwalifikacja  string         `json:"kwalifikacja,omitempty"`
	Uprawnienia   string         `json:"uprawnienia,omitempty"`
	Identyfikator string         `json:"identyfikator,omitempty"` // set by Obieg: the document id
}

// NES 2.0 enumerations (nes_20.xsd: RodzajTekstu, TypPojedynczegoZdarzenia, Dostep).
var (
	nesTyp = []string{"adnotacja", "akt notarialny", "decyzja", "dekretacja", "dokument księgowy", "informacja",
		"interpretacja podatkowa", "inne pismo/dokument", "inny środek zaskarżenia", "koperta", "notatka", "odwołanie",
		"opinia", "oświadczenie", "pełnomocnictwo", "plan/projekt", "podanie/wniosek", "podpis elektroniczny",
		"postanowienie", "potwierdzenie odbioru/doręczenia/przedłożenia", "protokół", "raport", "rejestr/ewidencja",
		"rozstrzygnięcie nadzorcze", "rozporządzenie", "sprzeciw", "tytuł wykonawczy", "skarga", "uchwała",
		"ugoda administracyjna", "umowa", "upoważnienie", "wezwanie", "wyrok", "zarządzenie", "zaświadczenie",
		"zawiadomienie", "zażalenie", "zeznanie", "zgłoszenie"}
	nesTypDaty = []string{"opublikowany", "utworzony", "data na piśmie", "uzyskany", "doręczony", "wysłany",
		"zatwierdzony", "podpisany", "zmodyfikowany", "data rejestracji"}
	nesDostep = []string{"publiczny", "niepubliczny", "wyłączony"}
)

// Validate checks the mandatory NES elements and fills defaults. Errors
// name the field as "metadata.<name>".
func (m *Metadata) Validate() error {
	const op = "registry.Metadata"
	bad := func(field, format string, args ...any) error {
		return engine.Invalid(op, "metadata."+field, format, args...)
	}
	for _, f := range []*string{&m.Tytul, &m.Typ, &m.Klasa, &m.TypDaty, &m.Tworca, &m.Dostep, &m.Nadawca, &m.Odbiorca,
		&m.Znak, &m.Opis, &m.Jezyk, &m.Kwalifikacja, &m.Uprawnienia} {
		*f = strings.TrimSpace(*f)
	}
	switch {
	case m.Tytul == "":
		return bad("tytul", "title (tytul) is required")
	case utf8.RuneCountInString(m.Tytul) > 1000:
		return bad("tytul", "title (tytul) is longer than 1000 characters")
	case m.Typ == "":
		return bad("typ", "document type (typ) is required, e.g. \"podanie/wniosek\"")
	case !slices.Contains(nesTyp, m.Typ):
		return bad("typ", "document type %q is not a NES 2.0 rodzaj tekstu", m.Typ)
	case m.Data == nil:
		return bad("data", "document date (data) is required, as YYYY-MM-DD")
	case m.Tworca == "":
		return bad("tworca", "creator (tworca) is required")
	case m.Dostep == "":
		return bad("dostep", "access (dostep) is required: publiczny, niepubliczny or wyłączony")
	case !slices.Contains(nesDostep, m.Dostep):
		return bad("dostep", "access (dostep) must be publiczny, niepubliczny or wyłączony")
	}
	if m.Klasa == "" {
		m.Klasa = "tekst"
	}
	if m.TypDaty == "" {
		m.TypDaty = "data na piśmie"
	} else if !slices.Contains(nesTypDaty, m.TypDaty) {
		return bad("typDaty", "date type %q is not a NES 2.0 event type", m.TypDaty)
	}
	if m.Jezyk == "" {
		m.Jezyk = "pol"
	} else if len(m.Jezyk) != 3 || strings.ToLower(m.Jezyk) != m.Jezyk {
		return bad("jezyk", "language must be an ISO 639-2 code such as \"pol\"")
	}
	m.Identyfikator = ""
	return nil
}

// AllowedMediaTypes is the attachment allow-list: formats an office may
// receive and archive (KRI, Dz.U. 2017 poz. 2247, załącznik 2), plus
// signature containers.
var AllowedMediaTypes = []string{
	"application/pdf", "application/xml", "text/xml", "text/plain", "text/csv",
	"image/png", "image/jpeg", "image/tiff", "image/gif", "image/svg+xml",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/msword", "application/rtf", "message/rfc822",
	"application/pkcs7-signature", "application/pkcs7-mime", "application/vnd.etsi.asic-e+zip", "application/vnd.etsi.asic-s+zip",
	"application/zip",
}

// CheckFile validates a file's name and media type. Names with path parts,
// control characters or invalid UTF-8 are refused outright rather than
// silently rewritten, so what is registered is what the sender called it.
func CheckFile(field, name, mediaType string) error {
	const op = "registry.CheckFile"
	switch {
	case name == "":
		return engine.Invalid(op, field, "file name is required")
	case !utf8.ValidString(name):
		return engine.Invalid(op, field, "file name is not valid UTF-8")
	case len(name) > 255:
		return engine.Invalid(op, field, "file name is longer than 255 bytes")
	case strings.ContainsAny(name, `/\`) || name == "." || name == ".." || path.Base(name) != name:
		return engine.Invalid(op, field, "file name %q must not contain a path", name)
	case strings.HasPrefix(name, "."):
		return engine.Invalid(op, field, "file name %q must not start with a dot", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return engine.Invalid(op, field, "file name contains a control character")
		}
	}
	mt, _, _ := strings.Cut(mediaType, ";")
	if !slices.Contains(AllowedMediaTypes, strings.ToLower(strings.TrimSpace(mt))) {
		return engine.Invalid(op, field, "media type %q is not accepted", mediaType)
	}
	return nil
}
