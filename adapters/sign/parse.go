package sign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

func invalid(op, msg string, err error) error {
	if err != nil {
		return engine.E(op, engine.KindInvalid, msg, err)
	}
	return engine.E(op, engine.KindInvalid, msg)
}

// parse reads data into a tree. It refuses inputs over MaxInputSize, DTDs
// (so entity expansion cannot happen), nesting over MaxDepth, more than
// MaxAttrs attributes on an element, unbound prefixes, duplicate attributes
// and mismatched tags. Names are resolved to namespaces here, once.
func parse(op string, data []byte) (*document, error) {
	if len(data) > MaxInputSize {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("XML input is larger than %d bytes", MaxInputSize))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	doc := &document{src: data}
	scope := nsStack{}
	var cur *node
	var text []byte // character data not yet added to cur
	depth := 0
	add := func(n *node) {
		if cur == nil {
			doc.top = append(doc.top, n)
			return
		}
		n.parent = cur
		cur.children = append(cur.children, n)
	}
	flush := func() {
		if text != nil {
			add(&node{kind: textNode, data: string(text)})
			text = nil
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid(op, "malformed XML", err)
		}
		if _, isText := tok.(xml.CharData); !isText {
			flush()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return nil, invalid(op, fmt.Sprintf("XML nested deeper than %d elements", MaxDepth), nil)
			}
			if cur == nil && doc.root != nil {
				return nil, invalid(op, "more than one root element", nil)
			}
			n, err := newElement(t, data[start:dec.InputOffset()])
			if err == nil {
				err = scope.resolve(n)
			}
			if err != nil {
				return nil, invalid(op, "malformed XML", err)
			}
			add(n)
			if cur == nil {
				doc.root = n
			}
			cur = n
		case xml.EndElement:
			if cur == nil || t.Name.Space != cur.prefix || t.Name.Local != cur.local {
				return nil, invalid(op, "malformed XML: mismatched end tag </"+qname(t.Name.Space, t.Name.Local)+">", nil)
			}
			cur.endStart = int(start)
			if start == dec.InputOffset() { // <a/>: no end tag in the source
				cur.endStart = -1
			}
			for _, d := range cur.decls {
				scope.pop(d.prefix)
			}
			cur, depth = cur.parent, depth-1
		case xml.CharData:
			if cur == nil {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, invalid(op, "malformed XML: text outside the root element", nil)
				}
				continue
			}
			text = append(text, t...)
		case xml.Comment:
			add(&node{kind: commentNode, data: string(t)})
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml") {
				if start != 0 || cur != nil {
					return nil, invalid(op, "malformed XML: misplaced XML declaration", nil)
				}
				continue
			}
			add(&node{kind: piNode, local: t.Target, data: string(t.Inst)})
		case xml.Directive:
			return nil, invalid(op, "DOCTYPE and entity declarations are not accepted", nil)
		}
	}
	if cur != nil {
		return nil, invalid(op, "malformed XML: unexpected end of input", nil)
	}
	if doc.root == nil {
		return nil, invalid(op, "no root element", nil)
	}
	return doc, nil
}

// nsStack holds, for each prefix, the namespaces bound to it from the
// outermost to the innermost element being read or written.
type nsStack map[string][]string

func (s nsStack) top(prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	v := s[prefix]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func (s nsStack) push(prefix, uri string) { s[prefix] = append(s[prefix], uri) }

func (s nsStack) pop(prefix string) { v := s[prefix]; s[prefix] = v[:len(v)-1] }

// resolve pushes n's declarations and records the namespaces of n and its
// attributes, refusing unbound prefixes and duplicate attributes.
func (s nsStack) resolve(n *node) error {
	for _, d := range n.decls {
		s.push(d.prefix, d.uri)
	}
	u, ok := s.top(n.prefix)
	if !ok && n.prefix != "" {
		return fmt.Errorf("unbound prefix %q", n.prefix)
	}
	n.ns, n.resolved = u, true
	seen := make(map[[2]string]bool, len(n.attrs))
	for i := range n.attrs {
		a := &n.attrs[i]
		if a.prefix != "" {
			if a.space, ok = s.top(a.prefix); !ok {
				return fmt.Errorf("unbound prefix %q", a.prefix)
			}
		}
		a.resolved = true
		k := [2]string{a.space, a.local}
		if seen[k] {
			return fmt.Errorf("duplicate attribute %s", a.local)
		}
		seen[k] = true
	}
	return nil
}

func newElement(t xml.StartElement, raw []byte) (*node, error) {
	n := &node{kind: elemNode, prefix: t.Name.Space, local: t.Name.Local, endStart: -1}
	if err := checkName(n.prefix, n.local); err != nil {
		return nil, err
	}
	if len(t.Attr) > MaxAttrs {
		return nil, fmt.Errorf("more than %d attributes on <%s>", MaxAttrs, qname(n.prefix, n.local))
	}
	vals := make([]string, len(t.Attr))
	needRaw := false
	for i, a := range t.Attr {
		vals[i] = a.Value
		needRaw = needRaw || strings.ContainsAny(a.Value, "\t\n\r")
	}
	if needRaw { // literal white space in attribute values is normalized to spaces
		if rv, ok := rawAttrValues(raw); ok && len(rv) == len(vals) {
			vals = rv
		}
	}
	seen := map[string]bool{}
	for i, a := range t.Attr {
		q := qname(a.Name.Space, a.Name.Local)
		if seen[q] {
			return nil, fmt.Errorf("duplicate attribute %s", q)
		}
		seen[q] = true
		if err := checkName(a.Name.Space, a.Name.Local); err != nil {
			return nil, err
		}
		switch {
		case a.Name.Space == "xmlns":
			if a.Name.Local == "xml" {
				if vals[i] != nsXML {
					return nil, errors.New("prefix xml bound to a wrong namespace")
				}
				continue
			}
			if a.Name.Local == "xmlns" || vals[i] == "" || vals[i] == nsXML {
				return nil, fmt.Errorf("bad namespace declaration %s", q)
			}
			n.decls = append(n.decls, nsDecl{a.Name.Local, vals[i]})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			n.decls = append(n.decls, nsDecl{"", vals[i]})
		default:
			n.attrs = append(n.attrs, attr{prefix: a.Name.Space, local: a.Name.Local, value: vals[i]})
		}
	}
	return n, nil
}

func checkName(prefix, local string) error {
	if local == "" || strings.Contains(local, ":") || strings.Contains(prefix, ":") {
		return fmt.Errorf("bad name %q", qname(prefix, local))
	}
	return nil
}

// rawAttrValues reads the attribute values of a start tag as written and
// normalizes them as XML 1.0 §3.3.3 does for CDATA attributes: literal tab,
// CR and LF become spaces, character references stay what they mean.
func rawAttrValues(tag []byte) ([]string, bool) {
	var out []string
	i := bytes.IndexAny(tag, " \t\r\n")
	if i < 0 {
		return nil, false
	}
	for i < len(tag) {
		q := bytes.IndexAny(tag[i:], `"'`)
		if q < 0 {
			break
		}
		i += q
		end := bytes.IndexByte(tag[i+1:], tag[i])
		if end < 0 {
			return nil, false
		}
		v, ok := unescapeAttr(tag[i+1 : i+1+end])
		if !ok {
			return nil, false
		}
		out = append(out, v)
		i += end + 2
	}
	return out, true
}

func unescapeAttr(raw []byte) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			b.WriteByte(' ')
		case '\n', '\t':
			b.WriteByte(' ')
		case '&':
			j := bytes.IndexByte(raw[i:], ';')
			if j < 0 {
				return "", false
			}
			ref := string(raw[i+1 : i+j])
			i += j
			switch ref {
			case "amp":
				b.WriteByte('&')
			case "lt":
				b.WriteByte('<')
			case "gt":
				b.WriteByte('>')
			case "quot":
				b.WriteByte('"')
			case "apos":
				b.WriteByte('\'')
			default:
				var r uint64
				var err error
				if strings.HasPrefix(ref, "#x") {
					r, err = strconv.ParseUint(ref[2:], 16, 32)
				} else if strings.HasPrefix(ref, "#") {
					r, err = strconv.ParseUint(ref[1:], 10, 32)
				} else {
					return "", false
				}
				if err != nil {
					return "", false
				}
				b.WriteRune(rune(r))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
