package sign

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"obieg.dev/obieg/engine"
)

func mustParse(t *testing.T, s string) *document {
	t.Helper()
	d, err := parse("test", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func findElem(d *document, local string) *node {
	var found *node
	walk(d.root, func(e *node) {
		if found == nil && e.local == local {
			found = e
		}
	})
	return found
}

// The example of Exclusive XML Canonicalization 1.0, §2.2.
func TestC14NSpecExample(t *testing.T) {
	d := mustParse(t, `<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org">
  <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
    <n3:stuff xmlns:n3="ftp://example.org"/>
  </n1:elem2>
</n0:local>`)
	el := findElem(d, "elem2")
	incl := `<n1:elem2 xmlns:n0="foo:bar" xmlns:n1="http://example.net" xmlns:n3="ftp://example.org" xml:lang="en">
    <n3:stuff></n3:stuff>
  </n1:elem2>`
	excl := `<n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
    <n3:stuff xmlns:n3="ftp://example.org"></n3:stuff>
  </n1:elem2>`
	if got := string(canonElem(el, c14nAlg{}, nil)); got != incl {
		t.Errorf("inclusive:\n%s\nwant\n%s", got, incl)
	}
	if got := string(canonElem(el, excC14N, nil)); got != excl {
		t.Errorf("exclusive:\n%s\nwant\n%s", got, excl)
	}
	// InclusiveNamespaces PrefixList="n0" puts n0 back
	withList := c14nAlg{exclusive: true, inclusive: map[string]bool{"n0": true}}
	if got := string(canonElem(el, withList, nil)); !strings.HasPrefix(got, `<n1:elem2 xmlns:n0="foo:bar" xmlns:n1=`) {
		t.Errorf("PrefixList: %s", got)
	}
	// xml:* attributes are inherited by the apex in inclusive c14n only
	d = mustParse(t, `<a xml:lang="pl" xml:space="preserve"><b xml:space="default"/></a>`)
	b := findElem(d, "b")
	if got := string(canonElem(b, c14nAlg{}, nil)); got != `<b xml:lang="pl" xml:space="default"></b>` {
		t.Error(got)
	}
	if got := string(canonElem(b, excC14N, nil)); got != `<b xml:space="default"></b>` {
		t.Error(got)
	}
}

const trickyDoc = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="styl.xsl" type="text/xsl"?>
<!-- przed -->
<a:root xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:default" xmlns:unused="urn:unused" xml:lang="pl">
  <child attr="v" b:attr="w" a:x="1" xmlns:z="urn:z"/>
  <b:el xmlns:b="urn:b"><inner xmlns=""><x xmlns="urn:default"/></inner><a:deep xmlns:a="urn:a2" a:q="&lt;&amp;&gt;&quot;'"/></b:el>
  <e xmlns="urn:default" z="2" a="1" b:z="3"><![CDATA[ x < y & z ]]> ]]&gt; </e>
  <t>&#xD;&#13; tekst&gt; zażółć</t>
  <f y="	tab
nl&#10;&#9;"   w = 'x' />
  <?pi  dane  ?>
  <!-- w środku -->
</a:root>
<?po?>
<!-- po -->
`

// TestC14NAgainstXmllint compares whole-document canonicalization with
// libxml2's (xmllint canonicalizes with comments).
func TestC14NAgainstXmllint(t *testing.T) {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	docs := map[string]string{"tricky": trickyDoc, "crlf": strings.ReplaceAll(trickyDoc, "\n", "\r\n")}
	for _, name := range []string{"pismo-ogolne-1410.xml", "upp.xml", "soap-skrytka-nadaj.xml"} {
		docs[name] = string(readTestdata(t, name))
	}
	dir := t.TempDir()
	for name, doc := range docs {
		path := filepath.Join(dir, "doc.xml")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		d := mustParse(t, doc)
		for flag, alg := range map[string]c14nAlg{"--c14n": {comments: true}, "--exc-c14n": {exclusive: true, comments: true}} {
			want, err := exec.Command(bin, flag, path).Output()
			if err != nil {
				t.Fatal(err)
			}
			if got := canonDoc(d, alg, nil); !bytes.Equal(got, want) {
				t.Errorf("%s %s:\n got %q\nwant %q", name, flag, got, want)
			}
		}
	}
	// without comments: no comment nodes, PIs stay
	got := string(canonDoc(mustParse(t, trickyDoc), c14nAlg{}, nil))
	if strings.Contains(got, "<!--") || !strings.HasPrefix(got, "<?xml-stylesheet") || !strings.HasSuffix(got, "</a:root>\n<?po?>") {
		t.Error(got)
	}
}

func TestParseRejects(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	big := make([]byte, MaxInputSize+1)
	for name, in := range map[string]string{
		"DOCTYPE":            `<!DOCTYPE a SYSTEM "http://x/a.dtd"><a/>`,
		"billion laughs":     `<!DOCTYPE l [<!ENTITY l0 "ha"><!ENTITY l1 "&l0;&l0;">]><a>&l1;</a>`,
		"undeclared entity":  `<a>&nbsp;</a>`,
		"too deep":           deep,
		"unbound prefix":     `<x:a/>`,
		"unbound attr":       `<a x:b="1"/>`,
		"duplicate attr":     `<a b="1" b="2"/>`,
		"duplicate expanded": `<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>`,
		"two roots":          `<a/><b/>`,
		"text outside":       `<a/>tekst`,
		"mismatched":         `<a></b>`,
		"unclosed":           `<a><b></b>`,
		"empty":              ``,
		"encoding":           `<?xml version="1.0" encoding="ISO-8859-2"?><a/>`,
		"undeclare prefix":   `<a xmlns:p=""/>`,
	} {
		if _, err := parse("t", []byte(in)); !engine.Is(engine.KindInvalid, err) {
			t.Errorf("%s: want KindInvalid, got %v", name, err)
		}
	}
	if _, err := parse("t", []byte(strings.Repeat("<a>", MaxDepth)+strings.Repeat("</a>", MaxDepth))); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	if _, err := VerifyEnveloped(big, nil); !engine.Is(engine.KindTooLarge, err) {
		t.Errorf("too large: %v", err)
	}
	if _, err := parse("t", []byte("\xef\xbb\xbf<a/>")); err != nil {
		t.Errorf("BOM: %v", err)
	}
}
