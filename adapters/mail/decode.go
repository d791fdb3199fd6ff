package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// decodeBase64 decodes base64 leniently: characters outside the alphabet
// (line breaks, spaces, garbage) are skipped, padding ends a chunk (some
// encoders concatenate padded chunks), and a dangling last character is
// dropped. It never fails.
func decodeBase64(b []byte) []byte {
	out := make([]byte, 0, len(b)/4*3+3)
	chunk := make([]byte, 0, 1024)
	flush := func() {
		if len(chunk)%4 == 1 {
			chunk = chunk[:len(chunk)-1]
		}
		n := len(out)
		out = out[:n+base64.RawStdEncoding.DecodedLen(len(chunk))]
		m, _ := base64.RawStdEncoding.Decode(out[n:], chunk)
		out = out[:n+m]
		chunk = chunk[:0]
	}
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			chunk = append(chunk, c)
			if len(chunk) == cap(chunk) {
				flush()
			}
		case c == '=':
			flush()
		}
	}
	flush()
	return out
}

// decodeQP decodes quoted-printable leniently: "=" not followed by two hex
// digits is kept as is. Hard line breaks become CRLF (the canonical form).
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line, rest, nl := bytes.Cut(b, []byte("\n"))
		b = rest
		line = bytes.TrimRight(line, " \t\r")
		soft := bytes.HasSuffix(line, []byte("="))
		if soft {
			line = line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			if line[i] == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, line[i])
		}
		if nl && !soft {
			out = append(out, '\r', '\n')
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// Upper halves of the single-byte charsets Polish mail uses, rune for byte.
// U+FFFD marks bytes Windows-1250 leaves undefined.
var (
	iso88592    = []rune("\u00a0Ą˘Ł¤ĽŚ§¨ŠŞŤŹ\u00adŽŻ°ą˛ł´ľśˇ¸šşťź˝žżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙")                                                          // from 0xA0
	windows1250 = []rune("€\ufffd‚\ufffd„…†‡\ufffd‰Š‹ŚŤŽŹ\ufffd‘’“”•–—\ufffd™š›śťžź\u00a0ˇ˘Ł¤Ą¦§¨©Ş«¬\u00ad®Ż°±˛ł´µ¶·¸ąş»Ľ˝ľżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙") // from 0x80
)

// canonicalCharset maps a charset label to "utf-8", "iso-8859-2",
// "windows-1250", "iso-8859-1", or "" when unknown.
func canonicalCharset(label string) string {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8":
		return "utf-8"
	case "iso-8859-2", "iso8859-2", "iso_8859-2", "iso_8859-2:1987", "latin2", "l2", "iso-ir-101", "csisolatin2":
		return "iso-8859-2"
	case "windows-1250", "cp1250", "x-cp1250", "win-1250", "cp-1250":
		return "windows-1250"
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1":
		return "iso-8859-1"
	}
	return ""
}

// decodeText converts b from charset to UTF-8. It never fails: an unknown
// charset keeps valid UTF-8 as is; invalid bytes become U+FFFD, and the
// returned warning (empty when all went well) says so.
func decodeText(b []byte, charset string) (string, string) {
	var table []rune
	var from byte
	switch canonicalCharset(charset) {
	case "iso-8859-2":
		table, from = iso88592, 0xA0
	case "windows-1250":
		table, from = windows1250, 0x80
	case "iso-8859-1":
		table, from = nil, 0x80
	case "utf-8":
		if utf8.Valid(b) {
			return string(b), ""
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), fmt.Sprintf("text in charset %q has invalid bytes, replaced with U+FFFD", charset)
	default:
		if utf8.Valid(b) {
			return string(b), ""
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), fmt.Sprintf("unknown charset %q: bytes that are not valid UTF-8 replaced with U+FFFD", charset)
	}
	var s strings.Builder
	s.Grow(len(b) + len(b)/4)
	for _, c := range b {
		switch {
		case c < from:
			s.WriteRune(rune(c))
		case table == nil:
			s.WriteRune(rune(c))
		default:
			s.WriteRune(table[c-from])
		}
	}
	return s.String(), ""
}

// metaCharset finds the charset an HTML document declares in a <meta> tag.
func metaCharset(doc []byte) string {
	if len(doc) > 4096 {
		doc = doc[:4096]
	}
	lower := bytes.ToLower(doc)
	i := bytes.Index(lower, []byte("charset="))
	if i < 0 || !bytes.Contains(lower[:i], []byte("<meta")) {
		return ""
	}
	rest := bytes.TrimLeft(lower[i+len("charset="):], `"' `)
	end := 0
	for end < len(rest) && (rest[end] == '-' || rest[end] == '_' || rest[end] == ':' || rest[end] == '.' ||
		rest[end] >= 'a' && rest[end] <= 'z' || rest[end] >= '0' && rest[end] <= '9') {
		end++
	}
	return string(rest[:end])
}

// unflow undoes format=flowed (RFC 3676): lines ending in a space continue
// on the next line of the same quote depth; space-stuffing is removed.
func unflow(s string, delsp bool) string {
	var out strings.Builder
	out.Grow(len(s))
	joining, prevDepth := false, -1
	for _, line := range strings.Split(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		body := strings.TrimPrefix(line[depth:], " ")
		flowed := strings.HasSuffix(body, " ") && body != "-- "
		if flowed && delsp {
			body = body[:len(body)-1]
		}
		if !joining || depth != prevDepth {
			if prevDepth >= 0 {
				out.WriteByte('\n')
			}
			if depth > 0 {
				out.WriteString(strings.Repeat(">", depth) + " ")
			}
		}
		out.WriteString(body)
		joining, prevDepth = flowed, depth
	}
	return out.String()
}
