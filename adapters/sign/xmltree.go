package sign

import (
	"bytes"
	"sort"
	"strings"
)

// MaxInputSize is the largest XML input any function here accepts.
const MaxInputSize = 20 << 20

// MaxDepth is the deepest element nesting accepted.
const MaxDepth = 200

// MaxAttrs is the largest number of attributes (namespace declarations
// included) accepted on one element.
const MaxAttrs = 256

const nsXML = "http://www.w3.org/XML/1998/namespace"

type nodeKind uint8

const (
	elemNode nodeKind = iota
	textNode
	commentNode
	piNode
)

type nsDecl struct{ prefix, uri string } // prefix "" is the default namespace

type attr struct {
	prefix, local, value string
	space                string // namespace, when resolved
	resolved             bool
}

// node is one node of the tree this package parses XML into. Unlike
// encoding/xml's resolved names it keeps prefixes and namespace declarations
// as written, which canonicalization needs.
type node struct {
	kind          nodeKind
	prefix, local string // element name; PI target in local
	ns            string // namespace of the element, when resolved
	resolved      bool   // ns is set (parsed elements); else looked up
	decls         []nsDecl
	attrs         []attr
	children      []*node
	parent        *node
	data          string // text, comment or PI data
	endStart      int    // offset of the end tag in the source; -1 for elements made here
}

type document struct {
	top  []*node // top-level nodes: comments, PIs and the root
	root *node
	src  []byte
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

// lookup resolves prefix ("" for the default namespace) at n.
func (n *node) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for e := n; e != nil; e = e.parent {
		for _, d := range e.decls {
			if d.prefix == prefix {
				return d.uri, true
			}
		}
	}
	return "", prefix == ""
}

func (n *node) space() string {
	if n == nil {
		return ""
	}
	if n.resolved {
		return n.ns
	}
	u, _ := n.lookup(n.prefix)
	return u
}

func (n *node) attrSpace(a attr) string {
	if a.resolved || a.prefix == "" {
		return a.space
	}
	u, _ := n.lookup(a.prefix)
	return u
}

func (n *node) is(space, local string) bool {
	return n != nil && n.kind == elemNode && n.local == local && n.space() == space
}

// attr returns the value of the attribute with the given expanded name.
func (n *node) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.local == local && n.attrSpace(a) == space {
			return a.value, true
		}
	}
	return "", false
}

// all returns the element children of n with the given name.
func (n *node) all(space, local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.is(space, local) {
			out = append(out, c)
		}
	}
	return out
}

// first returns the first element child with the given name, or nil.
func (n *node) first(space, local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.is(space, local) {
			return c
		}
	}
	return nil
}

// text returns the text directly inside n.
func (n *node) text() string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range n.children {
		if c.kind == textNode {
			b.WriteString(c.data)
		}
	}
	return b.String()
}

// innerText returns all the text inside n.
func (n *node) innerText() string {
	var b strings.Builder
	walk(n, func(e *node) {
		for _, c := range e.children {
			if c.kind == textNode {
				b.WriteString(c.data)
			}
		}
	})
	return b.String()
}

func (n *node) within(anc *node) bool {
	for e := n; e != nil; e = e.parent {
		if e == anc {
			return true
		}
	}
	return false
}

// walk calls fn for n and every element below it, in document order.
func walk(n *node, fn func(*node)) {
	fn(n)
	for _, c := range n.children {
		if c.kind == elemNode {
			walk(c, fn)
		}
	}
}

func (n *node) isIDAttr(a attr) bool {
	switch n.attrSpace(a) {
	case "":
		return a.local == "Id" || a.local == "ID"
	case nsWSU:
		return a.local == "Id"
	case nsXML:
		return a.local == "id"
	}
	return false
}

// ids maps every ID-like attribute value (Id, ID, wsu:Id, xml:id) to its
// element and lists the values found on more than one element.
func (d *document) ids() (map[string]*node, []string) {
	m := map[string]*node{}
	var dups []string
	walk(d.root, func(e *node) {
		for _, a := range e.attrs {
			if !e.isIDAttr(a) {
				continue
			}
			if prev, ok := m[a.value]; ok && prev != e {
				dups = append(dups, a.value)
				m[a.value] = nil
				continue
			}
			m[a.value] = e
		}
	})
	sort.Strings(dups)
	return m, dups
}

// element building

func elem(prefix, local string, children ...*node) *node {
	n := &node{kind: elemNode, prefix: prefix, local: local, endStart: -1}
	for _, c := range children {
		n.appendChild(c)
	}
	return n
}

func textElem(prefix, local, text string) *node {
	return elem(prefix, local, &node{kind: textNode, data: text})
}

func (n *node) setAttr(prefix, local, value string) *node {
	n.attrs = append(n.attrs, attr{prefix: prefix, local: local, value: value})
	return n
}

func (n *node) declare(prefix, uri string) *node {
	n.decls = append(n.decls, nsDecl{prefix, uri})
	return n
}

func (n *node) appendChild(c *node) {
	c.parent = n
	n.children = append(n.children, c)
}

func (n *node) insertChild(i int, c *node) {
	c.parent = n
	n.children = append(n.children[:i], append([]*node{c}, n.children[i:]...)...)
}

// serialization (not canonical: declarations stay where they are)

func (d *document) serialize() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	for i, n := range d.top {
		if i > 0 {
			b.WriteByte('\n')
		}
		writeNode(&b, n)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func writeNode(b *bytes.Buffer, n *node) {
	switch n.kind {
	case textNode:
		escapeText(b, n.data)
	case commentNode:
		b.WriteString("<!--" + n.data + "-->")
	case piNode:
		writePI(b, n)
	case elemNode:
		b.WriteString("<" + qname(n.prefix, n.local))
		for _, d := range n.decls {
			writeNSDecl(b, d)
		}
		for _, a := range n.attrs {
			b.WriteString(" " + qname(a.prefix, a.local) + `="`)
			escapeAttr(b, a.value)
			b.WriteByte('"')
		}
		if len(n.children) == 0 {
			b.WriteString("/>")
			return
		}
		b.WriteByte('>')
		for _, c := range n.children {
			writeNode(b, c)
		}
		b.WriteString("</" + qname(n.prefix, n.local) + ">")
	}
}

func writeNSDecl(b *bytes.Buffer, d nsDecl) {
	b.WriteString(" xmlns")
	if d.prefix != "" {
		b.WriteString(":" + d.prefix)
	}
	b.WriteString(`="`)
	escapeAttr(b, d.uri)
	b.WriteByte('"')
}

func writePI(b *bytes.Buffer, n *node) {
	b.WriteString("<?" + n.local)
	if n.data != "" {
		b.WriteString(" " + n.data)
	}
	b.WriteString("?>")
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")
)

func escapeText(b *bytes.Buffer, s string) { textEscaper.WriteString(b, s) }
func escapeAttr(b *bytes.Buffer, s string) { attrEscaper.WriteString(b, s) }
