package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Namespaces matched by URI; prefixes are whatever the document declares.
const (
	nsModel   = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsObieg   = "https://obieg.dev/bpmn"
	nsCamunda = "http://camunda.org/schema/1.0/bpmn"
	nsZeebe   = "http://camunda.org/schema/zeebe/1.0"
)

// Limits on the input.
const (
	MaxSize     = 10 << 20 // bytes of XML accepted by Parse
	MaxDepth    = 100      // element nesting depth
	maxElements = 200_000  // XML elements; a real 10 MiB diagram has far fewer
)

// node is one XML element of the generic tree the decoder builds.
type node struct {
	space, local string
	attrs        []xml.Attr
	children     []*node
	text         string // character data directly inside, concatenated
	line         int
}

// errTooLarge marks limit violations, reported as engine.KindTooLarge.
type errTooLarge struct{ msg string }

func (e errTooLarge) Error() string { return e.msg }

// decodeTree reads data into a tree. It refuses DTDs (so no entity can be
// declared, external or not), non-UTF-8 encodings and documents deeper than
// MaxDepth.
func decodeTree(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported; save the document as UTF-8", label)
	}
	var (
		root  *node
		stack []*node
		text  [][]byte
		count int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, errTooLarge{fmt.Sprintf("XML nested deeper than %d elements", MaxDepth)}
			}
			if count++; count > maxElements {
				return nil, errTooLarge{fmt.Sprintf("more than %d XML elements", maxElements)}
			}
			line, _ := d.InputPos()
			n := &node{space: t.Name.Space, local: t.Name.Local, line: line}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				n.attrs = append(n.attrs, a)
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("malformed XML: more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			// The decoder (Strict) has already matched the end tag.
			n := stack[len(stack)-1]
			n.text = string(text[len(text)-1])
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1] = append(text[len(text)-1], t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("malformed XML: text outside the root element")
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return nil, errors.New("a DOCTYPE is not allowed in a BPMN document")
			}
			return nil, errors.New("XML directives are not allowed in a BPMN document")
		case xml.ProcInst, xml.Comment:
		}
	}
	if root == nil {
		return nil, errors.New("malformed XML: no root element")
	}
	if len(stack) != 0 {
		return nil, errors.New("malformed XML: unexpected end of input")
	}
	return root, nil
}

// is reports whether n is the BPMN model element with the local name.
func (n *node) is(local string) bool { return n.space == nsModel && n.local == local }

// attr returns the trimmed value of the attribute space:local ("" space for
// an unprefixed attribute).
func (n *node) attr(space, local string) string {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// hasAttr reports whether the attribute is present.
func (n *node) hasAttr(space, local string) bool {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return true
		}
	}
	return false
}

// child returns the first model child with the local name, or nil.
func (n *node) child(local string) *node {
	for _, c := range n.children {
		if c.is(local) {
			return c
		}
	}
	return nil
}

// ext returns the first extension element space:local inside the model
// child extensionElements, or nil.
func (n *node) ext(space, local string) *node {
	for _, c := range n.children {
		if !c.is("extensionElements") {
			continue
		}
		for _, e := range c.children {
			if e.space == space && e.local == local {
				return e
			}
		}
	}
	return nil
}

// localRef strips a QName prefix from a reference such as "tns:Message_1".
func localRef(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}
