package in1

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"obieg.dev/obieg/engine"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseXMLSamples reads the same IN-1 bare, as a signed root and
// carried in an ePUAP document: all three are the hand-built sample and
// valid.
func TestParseXMLSamples(t *testing.T) {
	for _, name := range []string{"in1.xml", "in1-signed.xml", "in1-epuap.xml"} {
		t.Run(name, func(t *testing.T) {
			d, err := ParseXML(readFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if want := sample(); !reflect.DeepEqual(d, want) {
				t.Errorf("ParseXML(%s):\n got %+v\nwant %+v", name, d, want)
			}
			if err := Validate(d, today); err != nil {
				t.Errorf("the sample is not valid: %v", err)
			}
		})
	}
}

// TestMarshalXMLRoundTrip writes the sample, checks the output against
// in1.xsd with xmllint and reads it back unchanged.
func TestMarshalXMLRoundTrip(t *testing.T) {
	out, err := MarshalXML(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`<Informacja xmlns="`+Namespace+`"`)) {
		t.Errorf("no root in the namespace:\n%s", out)
	}
	back, err := ParseXML(out)
	if err != nil {
		t.Fatalf("ParseXML(MarshalXML(sample)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, sample()) {
		t.Errorf("round trip changed the declaration:\n got %+v\nwant %+v", back, sample())
	}
	xsdValid(t, out)
}

// xsdValid checks doc against in1.xsd with xmllint (libxml2).
func xsdValid(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	path := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "in1.xsd", path).CombinedOutput(); err != nil {
		t.Errorf("not valid against in1.xsd: %v\n%s\n%s", err, out, doc)
	}
}

func TestSamplesMatchSchema(t *testing.T) {
	xsdValid(t, readFile(t, "in1.xml"))
	xsdValid(t, readFile(t, "in1-signed.xml"))
}

func TestParseXMLRejects(t *testing.T) {
	good := string(readFile(t, "in1.xml"))
	deep := "<a>" + strings.Repeat("<b>", MaxXMLDepth+1) + strings.Repeat("</b>", MaxXMLDepth+1) + "</a>"
	for _, tc := range []struct {
		name string
		doc  string
		kind engine.Kind
		msg  string
	}{
		{"doctype", strings.Replace(good, "<in1:Informacja", `<!DOCTYPE x [<!ENTITY e "x">]><in1:Informacja`, 1), engine.KindInvalid, "DOCTYPE"},
		{"too deep", deep, engine.KindInvalid, "zagnieżdżony"},
		{"too large", good + strings.Repeat(" ", MaxXMLSize), engine.KindTooLarge, "większy"},
		{"not xml", "to nie jest XML <", engine.KindInvalid, "nieprawidłowy XML"},
		{"other namespace", strings.ReplaceAll(good, "https://obieg.dev/xml/in1/1", "urn:x"), engine.KindInvalid, "nie zawiera formularza"},
		{"form not in TrescDokumentu", `<Dokument><Inne><Informacja xmlns="` + Namespace + `"/></Inne></Dokument>`, engine.KindInvalid, "nie zawiera formularza"},
		{"empty", "", engine.KindInvalid, "nie zawiera formularza"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseXML([]byte(tc.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if k := engine.KindOf(err); k != tc.kind {
				t.Errorf("kind %v, want %v (%v)", k, tc.kind, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
		})
	}
}

// TestParseXMLSyntaxProblems: numbers, shares and dates that do not parse
// are Problems naming the field, the rest of the form still read.
func TestParseXMLSyntaxProblems(t *testing.T) {
	doc := string(readFile(t, "in1.xml"))
	doc = strings.Replace(doc, "<in1:Powierzchnia>142.30<", "<in1:Powierzchnia>142.305<", 1)
	doc = strings.Replace(doc, `jednostka="ha">0.1250<`, `jednostka="ha">0.12501<`, 1)
	doc = strings.Replace(doc, "<in1:Wartosc>48000.00<", "<in1:Wartosc>48 tys.<", 1)
	doc = strings.Replace(doc, "1985-07-14", "14.07.1985", 1)
	d, err := ParseXML([]byte(doc))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{"b.birthDate", "d.land[1].area", "d.buildings[0].area", "d.structures[0].value"}
	var got []string
	for _, p := range ps {
		got = append(got, p.Field)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %v, want %v (%v)", got, want, ps)
	}
	if d == nil || d.Filer.Surname != "Żółtowska-Ćwik" {
		t.Errorf("the rest of the form was not read: %+v", d)
	}
	if engine.FieldOf(err) != "b.birthDate" || !engine.Is(engine.KindInvalid, err) {
		t.Errorf("as engine error: field %q kind %v", engine.FieldOf(err), engine.KindOf(err))
	}
}

func FuzzParseXML(f *testing.F) {
	for _, name := range []string{"in1.xml", "in1-signed.xml", "in1-epuap.xml"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`<Informacja xmlns="` + Namespace + `"><PrzedmiotyOpodatkowane><Grunt><Powierzchnia jednostka="ha">1.5</Powierzchnia></Grunt></PrzedmiotyOpodatkowane></Informacja>`))
	f.Add([]byte(`<d:Dokument xmlns:d="x"><d:TrescDokumentu><Informacja xmlns="` + Namespace + `"/></d:TrescDokumentu></d:Dokument>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseXML(data)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) {
				return
			}
			if d == nil {
				t.Fatal("Problems without the declaration")
			}
			return
		}
		// What was read writes out and reads back the same.
		out, err := MarshalXML(d)
		if err != nil {
			t.Fatalf("MarshalXML: %v", err)
		}
		back, err := ParseXML(out)
		if err != nil {
			t.Fatalf("ParseXML(MarshalXML(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, d) {
			t.Fatalf("round trip changed\n%+v\n%+v\n%s", d, back, out)
		}
		_ = Validate(d, today) // must not panic
	})
}
