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
	b       bytes.Buffer
	alg     c14nAlg
	exclude *node
}

// canonDoc canonicalizes the whole document except exclude.
func canonDoc(d *document, alg c14nAlg, exclude *node) []byte {
	c := &canonicalizer{alg: alg, exclude: exclude}
	afterRoot := false
	for _, n := range d.top {
		switch n.kind {
		case elemNode:
			if n != exclude {
				c.element(n, map[string]string{}, map[string]string{}, nil)
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
	c := &canonicalizer{alg: alg, exclude: exclude}
	// in-scope namespaces of el's parent, nearest declaration wins
	scope := map[string]string{}
	var inherited []attr // xml:* attributes of ancestors, for inclusive c14n
	for e := el.parent; e != nil; e = e.parent {
		for _, d := range e.decls {
			if _, ok := scope[d.prefix]; !ok {
				scope[d.prefix] = d.uri
			}
		}
		for _, a := range e.attrs {
			if a.prefix == "xml" && !hasXMLAttr(inherited, a.local) {
				inherited = append(inherited, a)
			}
		}
	}
	if alg.exclusive {
		inherited = nil
	}
	if el != exclude {
		c.element(el, scope, map[string]string{}, inherited)
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

// element writes n. scope holds the namespaces in scope at n's parent,
// rendered those rendered by n's output ancestors; inherited holds xml:*
// attributes to add to the apex.
func (c *canonicalizer) element(n *node, scope, rendered map[string]string, inherited []attr) {
	if len(n.decls) > 0 {
		s := make(map[string]string, len(scope)+len(n.decls))
		for k, v := range scope {
			s[k] = v
		}
		for _, d := range n.decls {
			s[d.prefix] = d.uri
		}
		scope = s
	}
	var out []nsDecl
	consider := func(p string) {
		u := scope[p] // "" when no default namespace
		if r, ok := rendered[p]; ok && r == u || !ok && u == "" {
			return
		}
		for _, d := range out {
			if d.prefix == p {
				return
			}
		}
		out = append(out, nsDecl{p, u})
	}
	if c.alg.exclusive {
		consider(n.prefix)
		for _, a := range n.attrs {
			if a.prefix != "" && a.prefix != "xml" {
				consider(a.prefix)
			}
		}
		for p := range c.alg.inclusive {
			if _, ok := scope[p]; ok || p == "" {
				consider(p)
			}
		}
	} else {
		for p := range scope {
			consider(p)
		}
		if _, ok := scope[""]; !ok {
			consider("")
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].prefix < out[j].prefix })
	if len(out) > 0 {
		r := make(map[string]string, len(rendered)+len(out))
		for k, v := range rendered {
			r[k] = v
		}
		for _, d := range out {
			r[d.prefix] = d.uri
		}
		rendered = r
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
				c.element(ch, scope, rendered, nil)
			}
			continue
		}
		c.other(ch)
	}
	c.b.WriteString("</" + name + ">")
}
