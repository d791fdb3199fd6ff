package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"
)

// header holds the header fields Parse uses, keyed by lower-case name, with
// folded lines unfolded. Other fields are skipped so that a message made of
// millions of header lines costs no memory.
type header map[string][]string

var wantedFields = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "subject": true,
	"date": true, "message-id": true, "content-type": true,
	"content-disposition": true, "content-transfer-encoding": true,
}

// maxRepeats caps how many occurrences of one field are kept.
const maxRepeats = 50

func (h header) get(key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readHeader reads the header block at the start of data and returns it, the
// body after it and how many header fields it saw. The block ends at an
// empty line or at the first line that is neither a field nor a
// continuation (which then starts the body).
func readHeader(data []byte) (header, []byte, int) {
	h := header{}
	fields := 0
	key, valStart, valEnd := "", 0, 0
	flush := func() {
		if key != "" && len(h[key]) < maxRepeats {
			h[key] = append(h[key], unfold(data[valStart:valEnd]))
		}
		key = ""
	}
	for pos := 0; pos < len(data); {
		next := len(data)
		line := data[pos:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, next = line[:i], pos+i+1
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			flush()
			return h, data[next:], fields
		}
		if line[0] == ' ' || line[0] == '\t' {
			if fields > 0 {
				valEnd = pos + len(line)
				pos = next
				continue
			}
			flush()
			return h, data[pos:], fields
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !fieldName(bytes.TrimRight(line[:colon], " \t")) {
			flush()
			return h, data[pos:], fields
		}
		flush()
		fields++
		if name := strings.ToLower(string(bytes.TrimRight(line[:colon], " \t"))); wantedFields[name] {
			key, valStart, valEnd = name, pos+colon+1, pos+len(line)
		}
		pos = next
	}
	flush()
	return h, nil, fields
}

func fieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// unfold joins the lines of a folded field value with single spaces.
func unfold(v []byte) string {
	var b strings.Builder
	for _, line := range bytes.Split(v, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(line)
	}
	return b.String()
}

// parseMediaType reads a Content-Type or Content-Disposition value: the
// lower-case type and its parameters (lower-case names). It is lenient where
// mime.ParseMediaType is strict, and decodes RFC 2231 values in any charset
// this package knows, with continuations (name*0*=, name*1*= …).
func parseMediaType(v string) (string, map[string]string) {
	items := splitParams(v)
	params := map[string]string{}
	if len(items) == 0 {
		return "", params
	}
	mt := strings.ToLower(strings.TrimSpace(items[0]))
	type piece struct {
		val string
		enc bool
	}
	cont := map[string]map[int]piece{}
	ext := map[string]string{}
	for _, it := range items[1:] {
		k, val, ok := strings.Cut(it, "=")
		if !ok {
			continue
		}
		k, val = strings.ToLower(strings.TrimSpace(k)), unquote(strings.TrimSpace(val))
		base, rest, star := strings.Cut(k, "*")
		switch {
		case !star:
			if _, dup := params[k]; !dup {
				params[k] = val
			}
		case rest == "":
			ext[base] = val
		default:
			n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
			if err != nil || n < 0 || n > 999 {
				continue
			}
			if cont[base] == nil {
				cont[base] = map[int]piece{}
			}
			cont[base][n] = piece{val, strings.HasSuffix(rest, "*")}
		}
	}
	for base, pieces := range cont {
		var raw []byte
		charset := ""
		for i := 0; ; i++ {
			p, ok := pieces[i]
			if !ok {
				break
			}
			if !p.enc {
				raw = append(raw, p.val...)
				continue
			}
			val := p.val
			if i == 0 {
				charset, val = splitExtValue(val)
			}
			raw = append(raw, percentDecode(val)...)
		}
		if len(raw) > 0 {
			params[base], _ = decodeText(raw, charset)
		}
	}
	for base, val := range ext {
		charset, val := splitExtValue(val)
		params[base], _ = decodeText(percentDecode(val), charset)
	}
	return mt, params
}

// splitParams splits at semicolons outside quoted strings.
func splitParams(v string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\'):
			i++
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	out = append(out, v[start:])
	if strings.TrimSpace(out[len(out)-1]) == "" && len(out) > 1 {
		out = out[:len(out)-1]
	}
	return out
}

// unquote removes the quotes of a quoted string. Only \" and \\ are taken as
// escapes: clients write Windows paths with bare backslashes.
func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\') {
			b.WriteByte(v[i+1])
			i++
			continue
		}
		if c == '"' {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}

// splitExtValue splits an RFC 2231 value charset'language'text.
func splitExtValue(v string) (charset, text string) {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return "", v
	}
	return parts[0], parts[2]
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

var wordDecoder = &mime.WordDecoder{
	CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		s, _ := decodeText(b, charset)
		return strings.NewReader(s), nil
	},
}

// decodeWords decodes RFC 2047 encoded words and makes the result valid
// UTF-8, noting replaced bytes.
func (w *walker) decodeWords(s, what string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	return w.valid(s, what)
}

func (w *walker) valid(s, what string) string {
	if utf8.ValidString(s) {
		return s
	}
	w.warn(what + ": bytes that are not valid UTF-8 replaced with U+FFFD")
	return strings.ToValidUTF8(s, "\uFFFD")
}

var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

// addresses reads address lists; when net/mail refuses a list it is split
// by hand so that one malformed address does not lose the others.
func (w *walker) addresses(values []string, what string) []Address {
	var out []Address
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if list, err := addressParser.ParseList(v); err == nil {
			for _, a := range list {
				out = append(out, Address{Name: a.Name, Email: a.Address})
			}
		} else {
			out = append(out, looseAddresses(v)...)
		}
	}
	if len(out) > maxAddresses {
		w.warn(fmt.Sprintf("%s: only the first %d of %d addresses kept", what, maxAddresses, len(out)))
		out = out[:maxAddresses]
	}
	for i := range out {
		out[i].Name = w.decodeWords(strings.TrimSpace(out[i].Name), what)
		out[i].Email = w.valid(strings.TrimSpace(out[i].Email), what)
	}
	return out
}

// looseAddresses splits "Name <a@b>, c@d" at commas outside quotes (commas
// inside angle brackets occur only in obsolete source routes).
func looseAddresses(v string) []Address {
	var out []Address
	for _, item := range splitOutside(v) {
		item = strings.TrimSpace(item)
		a := Address{}
		if i := strings.LastIndexByte(item, '<'); i >= 0 {
			a.Email = strings.TrimSpace(strings.TrimRight(item[i+1:], "> \t"))
			a.Name = unquote(strings.TrimSpace(item[:i]))
		} else if strings.Contains(item, "@") {
			a.Email = item
		} else {
			a.Name = unquote(item)
		}
		if a.Name != "" || a.Email != "" {
			out = append(out, a)
		}
	}
	return out
}

func splitOutside(v string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// messageID returns the first <id> of a Message-ID value, without brackets.
func messageID(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return strings.TrimSpace(v[i+1 : i+j])
		}
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}
