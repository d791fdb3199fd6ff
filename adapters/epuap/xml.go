package epuap

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

// Limits on what the parsers accept. Inputs beyond them are refused with an
// error of kind engine.KindTooLarge (sizes) or engine.KindInvalid (shape).
const (
	// MaxDocumentSize bounds a CRD document, a UPP/UPD and the decoded
	// content of a document carried in a SOAP message.
	MaxDocumentSize = 50 << 20
	// MaxAttachmentSize bounds one decoded attachment (str:Zalacznik).
	MaxAttachmentSize = 50 << 20
	// MaxEnvelopeSize bounds a SOAP envelope: a document of MaxDocumentSize
	// in base64 plus room for headers.
	MaxEnvelopeSize = MaxDocumentSize/3*4 + 1<<20
	// MaxDepth bounds the nesting of XML elements.
	MaxDepth = 100
	// MaxElements bounds the number of XML elements in one input, so that a
	// small input cannot make a huge tree.
	MaxElements = 200_000
)

// Namespaces of the ePUAP web services and of the CRD schemas.
const (
	NSSOAP    = "http://schemas.xmlsoap.org/soap/envelope/"
	NSObiekty = "http://wsdl.epuap.gov.pl/obiekty/"
	NSExt     = "http://wsdl.epuap.gov.pl/obiekty/ext/"
	NSWSU     = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	NSDSig    = "http://www.w3.org/2000/09/xmldsig#"
	NSUPO     = "http://crd.gov.pl/xml/schematy/UPO/2008/05/09/"
	NS1410    = "http://crd.gov.pl/wzor/2013/12/12/1410/"
	NS4566    = "http://crd.gov.pl/wzor/2017/10/24/4566/"
	// Families of CRD schema namespaces; every dated version shares the prefix.
	nsStruktura  = "http://crd.gov.pl/xml/schematy/struktura/"
	nsMeta       = "http://crd.gov.pl/xml/schematy/meta/"
	nsOsoba      = "http://crd.gov.pl/xml/schematy/osoba/"
	nsInstytucja = "http://crd.gov.pl/xml/schematy/instytucja/"
	nsAdres      = "http://crd.gov.pl/xml/schematy/adres/"
)

// node is one element of a parsed XML tree, with its namespace resolved.
type node struct {
	space, local string
	attrs        []xml.Attr
	kids         []*node
	text         []byte // character data directly inside the element
	// Byte offsets into the input: the element's start tag begins at start,
	// its content spans [inner, innerEnd), its end tag ends at end.
	start, inner, innerEnd, end int64
}

// parseXML parses data into a tree, refusing inputs over max bytes, DOCTYPE
// and other declarations (so no entity is ever expanded), nesting deeper
// than MaxDepth, more than MaxElements elements and more than one root.
func parseXML(op string, data []byte, max int) (*node, error) {
	if len(data) > max {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("input of %d bytes exceeds the limit of %d", len(data), max))
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var root *node
	var stack []*node
	count := 0
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, engine.E(op, engine.KindInvalid, "malformed XML", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("XML nested deeper than %d elements", MaxDepth))
			}
			if count++; count > MaxElements {
				return nil, engine.E(op, engine.KindInvalid, fmt.Sprintf("XML has more than %d elements", MaxElements))
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr, start: before, inner: d.InputOffset()}
			if len(stack) == 0 {
				if root != nil {
					return nil, engine.E(op, engine.KindInvalid, "XML has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n.innerEnd, n.end = before, d.InputOffset()
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.text = append(top.text, t...)
			} else if len(bytes.TrimSpace(bytes.ReplaceAll(t, []byte("\uFEFF"), nil))) > 0 { // a BOM is allowed
				return nil, engine.E(op, engine.KindInvalid, "text outside the root element")
			}
		case xml.Directive:
			return nil, engine.E(op, engine.KindInvalid, "DOCTYPE and ENTITY declarations are not allowed")
		}
	}
	if root == nil {
		return nil, engine.E(op, engine.KindInvalid, "no XML element")
	}
	return root, nil
}

// is reports whether n has the namespace and local name.
func (n *node) is(ns, local string) bool {
	return n != nil && n.local == local && n.space == ns
}

// isIn reports whether n has the local name and a namespace of the family:
// one starting with prefix (CRD schemas exist in several dated versions).
func (n *node) isIn(prefix, local string) bool {
	return n != nil && n.local == local && strings.HasPrefix(n.space, prefix)
}

// kid returns the first child with the local name, in any namespace.
func (n *node) kid(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// kidIn returns the first child with the local name in the namespace family.
func (n *node) kidIn(prefix, local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.isIn(prefix, local) {
			return k
		}
	}
	return nil
}

// children returns n's child elements (none for nil).
func (n *node) children() []*node {
	if n == nil {
		return nil
	}
	return n.kids
}

// path follows children by local name.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.kid(l)
	}
	return n
}

// find returns the first element in document order below n (n excluded)
// that satisfies match, not descending into ds:Signature elements.
func (n *node) find(match func(*node) bool) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if match(k) {
			return k
		}
		if k.is(NSDSig, "Signature") {
			continue
		}
		if f := k.find(match); f != nil {
			return f
		}
	}
	return nil
}

// findAll returns every element below n that satisfies match, outside
// ds:Signature, in document order; it does not look inside a match.
func (n *node) findAll(match func(*node) bool, out []*node) []*node {
	if n == nil {
		return out
	}
	for _, k := range n.kids {
		switch {
		case match(k):
			out = append(out, k)
		case k.is(NSDSig, "Signature"):
		default:
			out = k.findAll(match, out)
		}
	}
	return out
}

// has reports whether an element satisfying match exists at or below n,
// signatures included.
func (n *node) has(match func(*node) bool) bool {
	if n == nil {
		return false
	}
	if match(n) {
		return true
	}
	for _, k := range n.kids {
		if k.has(match) {
			return true
		}
	}
	return false
}

// str returns the trimmed character data directly inside n.
func (n *node) str() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(string(n.text))
}

// kidStr returns the trimmed text of the first child with the local name.
func (n *node) kidStr(local string) string { return n.kid(local).str() }

// attr returns the value of the first attribute with the local name, in any
// namespace (ePUAP writes both TypIdentyfikatora and pos:TypIdentyfikatora).
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == local && a.Name.Space != "xmlns" {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// innerXML returns the bytes between n's start and end tags.
func (n *node) innerXML(data []byte) []byte {
	if n == nil || n.inner < 0 || n.innerEnd > int64(len(data)) || n.inner > n.innerEnd {
		return nil
	}
	return data[n.inner:n.innerEnd]
}

// decodeBase64 decodes standard base64, ignoring the whitespace that line
// wrapping puts in. An empty input decodes to nil.
func decodeBase64(op, field, s string, max int) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if clean == "" {
		return nil, nil
	}
	if base64.StdEncoding.DecodedLen(len(clean)) > max+2 {
		return nil, engine.E(op, engine.KindTooLarge, engine.Field(field), fmt.Sprintf("content exceeds the limit of %d bytes", max))
	}
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, engine.Field(field), "content is not valid base64", err)
	}
	if len(b) > max {
		return nil, engine.E(op, engine.KindTooLarge, engine.Field(field), fmt.Sprintf("content exceeds the limit of %d bytes", max))
	}
	return b, nil
}

// parseTime reads an xsd:dateTime or xsd:date. A value without a zone is
// wall-clock time in Europe/Warsaw, as ePUAP writes it.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339, "2006-01-02Z07:00"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, calendar.Warsaw()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date or date-time: %q", s)
}

// parseBool reads an xsd:boolean.
func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}
