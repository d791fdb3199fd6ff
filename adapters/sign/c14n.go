package sign

import (
	"bytes"
	"sort"
	"strings"
)

// Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, over
// this package's tree. Only the node-sets XML signatures here use are
// supported: a whole document or one element's subtree, optionally without
// one excluded subtree (the enveloped signature).

const (
	algC14N            = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	algC14NComments    = algC14N + "#WithComments"
	algExcC14N         = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14NComments = algExcC14N + "WithComments"
)

type c14nAlg struct {
	exclusive bool
	comments  bool
	inclusive map[string]bool // exclusive c14n's InclusiveNamespaces PrefixList ("" = #default)
}

var excC14N = c14nAlg{exclusive: true}

// maxPrefixList bounds the InclusiveNamespaces PrefixList (in bytes).
const maxPrefixList = 512

// c14nFor returns the canonicalization named by uri; el is the
// CanonicalizationMethod or Transform element, read for an
// InclusiveNamespaces PrefixList.
func c14nFor(uri string, el *node) (c14nAlg, bool) {
	var a c14nAlg
	switch uri {
	case algC14N:
	case algC14NComments:
		a.comments = true
	case algExcC14N:
		a.exclusive = true
	case algExcC14NComments:
		a.exclusive, a.comments = true, true
	default:
		return a, false
	}
	if a.exclusive && el != nil {
		if in := el.first(algExcC14N, "InclusiveNamespaces"); in != nil {
			list, _ := in.attr("", "PrefixList")
			a.inclusive = map[string]bool{}
			if len(list) > maxPrefixList {
				return a, false
			}
			for _, p := range strings.Fields(list) {
				if p == "#default" {
					p = ""
				}
				a.inclusive[p] = true
			}
		}
	}
	return a, true
}

type canonicalizer struct {
	b        bytes.Buffer
	alg      c14nAlg
	exclude  *node
	scope    nsStack // namespaces in scope
	rendered nsStack // namespace declarations in effect in the output
}

func newCanonicalizer(alg c14nAlg, exclude *node) *canonicalizer {
	return &canonicalizer{alg: alg, exclude: exclude, scope: nsStack{}, rendered: nsStack{}}
}

// canonDoc canonicalizes the whole document except exclude.
func canonDoc(d *document, alg c14nAlg, exclude *node) []byte {
	c := newCanonicalizer(alg, exclude)
	afterRoot := false
	for _, n := range d.top {
		switch n.kind {
		case elemNode:
			if n != exclude {
				c.element(n, true, nil)
			}
			afterRoot = true
		case piNode, commentNode:
			if n.kind == commentNode && !alg.comments {
				continue
			}
			if afterRoot {
				c.b.WriteByte('\n')
			}
			c.other(n)
			if !afterRoot {
				c.b.WriteByte('\n')
			}
		}
	}
	return c.b.Bytes()
}

// canonElem canonicalizes the subtree of el (a document subset whose apex
// is el) except exclude.
func canonElem(el *node, alg c14nAlg, exclude *node) []byte {
	c := newCanonicalizer(alg, exclude)
	var ancestors []*node
	for e := el.parent; e != nil; e = e.parent {
		ancestors = append(ancestors, e)
	}
	var inherited []attr                       // xml:* attributes of ancestors, for inclusive c14n
	for i := len(ancestors) - 1; i >= 0; i-- { // outermost first: the nearest wins
		for _, d := range ancestors[i].decls {
			c.scope.push(d.prefix, d.uri)
		}
	}
	for _, e := range ancestors {
		for _, a := range e.attrs {
			if a.prefix == "xml" && !alg.exclusive && !hasXMLAttr(inherited, a.local) {
				inherited = append(inherited, a)
			}
		}
	}
	if el != exclude {
		c.element(el, true, inherited)
	}
	return c.b.Bytes()
}

func hasXMLAttr(as []attr, local string) bool {
	for _, a := range as {
		if a.prefix == "xml" && a.local == local {
			return true
		}
	}
	return false
}

func (c *canonicalizer) other(n *node) {
	switch n.kind {
	case textNode:
		escapeText(&c.b, n.data)
	case commentNode:
		if c.alg.comments {
			c.b.WriteString("<!--" + n.data + "-->")
		}
	case piNode:
		writePI(&c.b, n)
	}
}

// element writes n; apex is true for the first element written, which
// gets inherited (xml:* attributes of its ancestors, inclusive c14n only).
func (c *canonicalizer) element(n *node, apex bool, inherited []attr) {
	for _, d := range n.decls {
		c.scope.push(d.prefix, d.uri)
	}
	var out []nsDecl
	var seen map[string]bool
	consider := func(p string) {
		if p == "xml" || seen[p] {
			return
		}
		u, _ := c.scope.top(p) // "" when no default namespace
		if r, ok := c.rendered.top(p); ok && r == u || !ok && u == "" {
			return
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[p] = true
		out = append(out, nsDecl{p, u})
	}
	switch {
	case c.alg.exclusive: // visibly utilized prefixes and the PrefixList
		consider(n.prefix)
		for _, a := range n.attrs {
			if a.prefix != "" {
				consider(a.prefix)
			}
		}
		for p := range c.alg.inclusive {
			if _, ok := c.scope.top(p); ok || p == "" {
				consider(p)
			}
		}
	case apex: // every namespace in scope
		for p := range c.scope {
			if _, ok := c.scope.top(p); ok {
				consider(p)
			}
		}
	default: // the parent is output: only what n changes
		for _, d := range n.decls {
			consider(d.prefix)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].prefix < out[j].prefix })
	for _, d := range out {
		c.rendered.push(d.prefix, d.uri)
	}

	type sattr struct {
		space string
		a     attr
	}
	attrs := make([]sattr, 0, len(n.attrs)+len(inherited))
	for _, a := range n.attrs {
		attrs = append(attrs, sattr{n.attrSpace(a), a})
	}
	for _, a := range inherited {
		if !hasXMLAttr(n.attrs, a.local) {
			attrs = append(attrs, sattr{nsXML, a})
		}
	}
	sort.Slice(attrs, func(i, j int) bool {
		if attrs[i].space != attrs[j].space {
			return attrs[i].space < attrs[j].space
		}
		return attrs[i].a.local < attrs[j].a.local
	})

	name := qname(n.prefix, n.local)
	c.b.WriteString("<" + name)
	for _, d := range out {
		writeNSDecl(&c.b, d)
	}
	for _, sa := range attrs {
		c.b.WriteString(" " + qname(sa.a.prefix, sa.a.local) + `="`)
		escapeAttr(&c.b, sa.a.value)
		c.b.WriteByte('"')
	}
	c.b.WriteByte('>')
	for _, ch := range n.children {
		if ch.kind == elemNode {
			if ch != c.exclude {
				c.element(ch, false, nil)
			}
			continue
		}
		c.other(ch)
	}
	c.b.WriteString("</" + name + ">")
	for _, d := range out {
		c.rendered.pop(d.prefix)
	}
	for _, d := range n.decls {
		c.scope.pop(d.prefix)
	}
}
