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
// (so entity expansion cannot happen), nesting over MaxDepth, unbound
// prefixes, duplicate attributes and mismatched tags.
func parse(op string, data []byte) (*document, error) {
	if len(data) > MaxInputSize {
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("XML input is larger than %d bytes", MaxInputSize))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	doc := &document{src: data}
	var cur *node
	depth := 0
	add := func(n *node) {
		if cur == nil {
			doc.top = append(doc.top, n)
			return
		}
		n.parent = cur
		cur.children = append(cur.children, n)
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
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return nil, invalid(op, fmt.Sprintf("XML nested deeper than %d elements", MaxDepth), nil)
			}
			if cur == nil && doc.root != nil {
				return nil, invalid(op, "more than one root element", nil)
			}
			n, err := newElement(t, data[start:dec.InputOffset()])
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
			cur, depth = cur.parent, depth-1
		case xml.CharData:
			if cur == nil {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, invalid(op, "malformed XML: text outside the root element", nil)
				}
				continue
			}
			if k := len(cur.children); k > 0 && cur.children[k-1].kind == textNode {
				cur.children[k-1].data += string(t)
			} else {
				add(&node{kind: textNode, data: string(t)})
			}
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
	if err := checkNames(doc.root); err != nil {
		return nil, invalid(op, "malformed XML", err)
	}
	return doc, nil
}

func newElement(t xml.StartElement, raw []byte) (*node, error) {
	n := &node{kind: elemNode, prefix: t.Name.Space, local: t.Name.Local, endStart: -1}
	if err := checkName(n.prefix, n.local); err != nil {
		return nil, err
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
			n.attrs = append(n.attrs, attr{a.Name.Space, a.Name.Local, vals[i]})
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

// checkNames checks that every prefix is bound and that no element has two
// attributes with the same expanded name.
func checkNames(n *node) error {
	if _, ok := n.lookup(n.prefix); !ok || n.prefix == "xmlns" {
		return fmt.Errorf("unbound prefix %q", n.prefix)
	}
	seen := map[[2]string]bool{}
	for _, a := range n.attrs {
		u, ok := n.lookup(a.prefix)
		if a.prefix != "" && !ok {
			return fmt.Errorf("unbound prefix %q", a.prefix)
		}
		if a.prefix == "" {
			u = ""
		}
		k := [2]string{u, a.local}
		if seen[k] {
			return fmt.Errorf("duplicate attribute %s", a.local)
		}
		seen[k] = true
	}
	for _, c := range n.children {
		if c.kind == elemNode {
			if err := checkNames(c); err != nil {
				return err
			}
		}
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
