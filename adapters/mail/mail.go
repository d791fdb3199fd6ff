package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/mail"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

const op = "mail.Parse"

// Defaults applied by Parse to zero (or negative) Limits fields.
const (
	DefaultMaxBytes = 50 << 20 // 50 MiB
	DefaultMaxParts = 200
	DefaultMaxDepth = 10
)

// Message is an e-mail read from an .eml file. All strings are valid UTF-8.
type Message struct {
	MessageID   string    // without angle brackets
	From        Address   // From, or Sender when From is missing
	To, Cc      []Address // in header order
	Subject     string    // decoded (RFC 2047)
	Date        time.Time // zero when the Date header is missing or invalid
	Text        string    // text/plain body in UTF-8, or a rendering of HTML when there is no text/plain
	HTML        string    // text/html body converted to UTF-8, if any (a <meta charset> in it still names the charset as sent)
	Attachments []Attachment
	// Warnings notes what was read imperfectly but did not stop reading:
	// unknown charsets, bytes replaced with U+FFFD, unknown transfer
	// encodings, truncated address lists.
	Warnings []string
}

// Address is a mailbox: a decoded display name and an address.
type Address struct {
	Name  string
	Email string
}

// Attachment is a file attached to the message (or a forwarded message).
type Attachment struct {
	// FileName is the name as sent (decoded from RFC 2231/RFC 2047). It may
	// contain a path, control characters or anything else the sender chose:
	// record it, but never use it as a file name; use SafeName.
	FileName string
	// SafeName is FileName without directory parts (/ and \), control and
	// format characters, leading dots and characters Windows refuses;
	// "zalacznik-N.bin" when nothing is left.
	SafeName  string
	MediaType string // lower case, without parameters, e.g. "application/pdf"
	Content   []byte // decoded from the transfer encoding, bytes as sent
	SHA256    string // hex SHA-256 of Content
}

// Limits bound the work Parse does on one message. Zero fields take the
// defaults.
type Limits struct {
	MaxBytes int64 // the whole message, and separately all decoded content together; default 50 MiB
	MaxParts int   // MIME entities, the message itself included; default 200
	MaxDepth int   // nested multipart levels; default 10
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// maxAddresses caps each of To and Cc; the rest is dropped with a warning.
const maxAddresses = 1000

// Parse reads one e-mail message (RFC 5322 with MIME) from r. Input that is
// not an e-mail message is an error of kind engine.KindInvalid, input
// exceeding limits one of kind engine.KindTooLarge naming the limit; both
// are about the field "file". Anything else that is merely malformed is
// read as well as it can be, with a note in Warnings.
func Parse(r io.Reader, limits Limits) (msg *Message, err error) {
	lim := limits.withDefaults()
	defer func() {
		if p := recover(); p != nil {
			msg, err = nil, engine.E(op, engine.KindOther, engine.Field("file"), fmt.Sprintf("internal error reading the message: %v", p))
		}
	}()
	if r == nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field("file"), "no message given")
	}
	n := lim.MaxBytes
	if n < math.MaxInt64 {
		n++
	}
	data, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, engine.E(op, engine.Field("file"), "cannot read the message", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, tooLarge("MaxBytes", fmt.Sprintf("the message is larger than %d bytes", lim.MaxBytes))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, "\r\n")
	// An mbox separator line "From sender date", but not "From : name".
	if bytes.HasPrefix(data, []byte("From ")) && !bytes.HasPrefix(bytes.TrimLeft(data[4:], " \t"), []byte(":")) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	h, body, fields := readHeader(data)
	if fields == 0 {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, engine.E(op, engine.KindInvalid, engine.Field("file"), "the file is empty")
		}
		return nil, engine.E(op, engine.KindInvalid, engine.Field("file"), "not an e-mail message: the file does not begin with header fields")
	}
	w := &walker{lim: lim, msg: &Message{}}
	w.envelope(h)
	if err := w.entity(h, body, 0, ""); err != nil {
		return nil, err
	}
	w.msg.Text = strings.Join(w.text, "\n\n")
	w.msg.HTML = strings.Join(w.html, "\n")
	if w.msg.Text == "" && w.msg.HTML != "" {
		w.msg.Text = htmlToText(w.msg.HTML)
	}
	return w.msg, nil
}

func tooLarge(limit, msg string) error {
	return engine.E(op, engine.KindTooLarge, engine.Field("file"), limit+" exceeded: "+msg)
}

// walker walks the MIME tree of one message, collecting bodies and
// attachments and counting against the limits.
type walker struct {
	lim        Limits
	msg        *Message
	parts      int
	decoded    int64
	text, html []string
}

func (w *walker) warn(s string) {
	if s == "" {
		return
	}
	for _, x := range w.msg.Warnings {
		if x == s {
			return
		}
	}
	if len(w.msg.Warnings) < 50 {
		w.msg.Warnings = append(w.msg.Warnings, s)
	}
}

func (w *walker) account(n int) error {
	w.decoded += int64(n)
	if w.decoded > w.lim.MaxBytes {
		return tooLarge("MaxBytes", fmt.Sprintf("the decoded content is larger than %d bytes", w.lim.MaxBytes))
	}
	return nil
}

// envelope fills the fields of the message taken from its top-level header.
func (w *walker) envelope(h header) {
	m := w.msg
	m.MessageID = w.valid(messageID(h.get("message-id")), "Message-ID")
	m.Subject = w.decodeWords(h.get("subject"), "Subject")
	if t, err := mail.ParseDate(h.get("date")); err == nil {
		m.Date = t
	}
	from := w.addresses(h["from"], "From")
	if len(from) == 0 {
		from = w.addresses(h["sender"], "Sender")
	}
	if len(from) > 0 {
		m.From = from[0]
	}
	m.To = w.addresses(h["to"], "To")
	m.Cc = w.addresses(h["cc"], "Cc")
}

// entity reads one MIME entity: a multipart container or a leaf.
func (w *walker) entity(h header, body []byte, depth int, parent string) error {
	w.parts++
	if w.parts > w.lim.MaxParts {
		return tooLarge("MaxParts", fmt.Sprintf("the message has more than %d MIME parts", w.lim.MaxParts))
	}
	mt, params := parseMediaType(h.get("content-type"))
	if mt == "" || !strings.Contains(mt, "/") {
		mt, params = "text/plain", map[string]string{"charset": params["charset"]}
		if parent == "multipart/digest" {
			mt = "message/rfc822"
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" { // unreadable container: keep its content as text
			w.warn("multipart part without a boundary read as text")
			return w.leaf(h, "text/plain", params, body, parent)
		}
		if depth+1 > w.lim.MaxDepth {
			return tooLarge("MaxDepth", fmt.Sprintf("the message nests multipart parts more than %d levels deep", w.lim.MaxDepth))
		}
		for _, p := range splitMultipart(body, boundary, w.lim.MaxParts-w.parts+1) {
			ph, pb, _ := readHeader(p)
			if err := w.entity(ph, pb, depth+1, mt); err != nil {
				return err
			}
		}
		return nil
	}
	return w.leaf(h, mt, params, body, parent)
}

// leaf reads a non-multipart entity: a body text or an attachment.
func (w *walker) leaf(h header, mt string, params map[string]string, raw []byte, parent string) error {
	disp, dparams := parseMediaType(h.get("content-disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = w.decodeWords(name, "file name")
	attached := disp == "attachment" || name != ""
	isText := mt == "text/plain" || mt == "text/html"
	if !isText && !attached && parent == "multipart/related" {
		return nil // an inline resource (image referenced by cid:), not an attachment
	}
	content := w.transfer(h.get("content-transfer-encoding"), raw)
	if isText && !attached {
		cs := params["charset"]
		if mt == "text/html" && cs == "" {
			cs = metaCharset(content)
		}
		s, warning := decodeText(content, cs)
		w.warn(warning)
		s = strings.ReplaceAll(s, "\r\n", "\n")
		if mt == "text/plain" && strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
		if err := w.account(len(s)); err != nil {
			return err
		}
		if mt == "text/html" {
			w.html = append(w.html, s)
		} else if s = strings.TrimRight(s, "\n"); s != "" {
			w.text = append(w.text, s)
		}
		return nil
	}
	if err := w.account(len(content)); err != nil {
		return err
	}
	if name == "" && (mt == "message/rfc822" || mt == "message/global") {
		ih, _, _ := readHeader(content)
		subject := w.decodeWords(ih.get("subject"), "Subject")
		subject = strings.NewReplacer("/", "_", `\`, "_").Replace(strings.TrimSpace(subject))
		if subject == "" {
			subject = "wiadomosc"
		}
		name = subject + ".eml"
	}
	sum := sha256.Sum256(content)
	w.msg.Attachments = append(w.msg.Attachments, Attachment{
		FileName:  name,
		SafeName:  safeName(name, len(w.msg.Attachments)+1),
		MediaType: mt,
		Content:   content,
		SHA256:    hex.EncodeToString(sum[:]),
	})
	return nil
}

// transfer undoes the Content-Transfer-Encoding.
func (w *walker) transfer(cte string, raw []byte) []byte {
	cte = strings.ToLower(strings.TrimSpace(cte))
	if i := strings.IndexAny(cte, " \t;("); i >= 0 {
		cte = cte[:i]
	}
	switch cte {
	case "base64":
		return decodeBase64(raw)
	case "quoted-printable":
		return decodeQP(raw)
	case "", "7bit", "8bit", "binary":
		return raw
	}
	w.warn(fmt.Sprintf("unknown transfer encoding %q: content kept as sent", cte))
	return raw
}

// splitMultipart returns the body parts of a multipart body: what lies
// between delimiter lines "--boundary", up to "--boundary--" (or the end,
// when the closing delimiter is missing). It returns at most max parts.
func splitMultipart(body []byte, boundary string, max int) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for pos := 0; pos < len(body) && len(parts) < max; {
		next := len(body)
		line := body[pos:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, next = line[:i], pos+i+1
		}
		if bytes.HasPrefix(line, delim) {
			rest := line[len(delim):]
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing {
				rest = rest[2:]
			}
			if len(bytes.TrimRight(rest, " \t\r")) == 0 {
				if start >= 0 {
					p := bytes.TrimSuffix(body[start:pos], []byte("\n"))
					parts = append(parts, bytes.TrimSuffix(p, []byte("\r")))
				}
				if closing {
					return parts
				}
				start = next
			}
		}
		pos = next
	}
	if start >= 0 && start < len(body) && len(parts) < max {
		parts = append(parts, body[start:])
	}
	return parts
}
