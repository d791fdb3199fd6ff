package in1

import (
	"bytes"
	"errors"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func render(t *testing.T, d *Declaration, ps Problems, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderHTML(&buf, d, ps, lang); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var (
	inputRe    = regexp.MustCompile(`<input ([^>]*)>`)
	selectRe   = regexp.MustCompile(`(?s)<select ([^>]*)>(.*?)</select>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	attrRe     = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(s, -1) {
		m[a[1]] = html.UnescapeString(a[2])
	}
	return m
}

// post is what a browser posts for the page: the inputs' values, the
// checked radios, the selected options and the text areas.
func post(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(page, -1) {
		a := attrs(m[1])
		if _, checked := a["checked"]; a["type"] == "radio" && !checked {
			continue
		}
		v.Add(a["name"], a["value"])
	}
	for _, m := range selectRe.FindAllStringSubmatch(page, -1) {
		value := ""
		if s := selectedRe.FindStringSubmatch(m[2]); s != nil {
			value = html.UnescapeString(s[1])
		}
		v.Add(attrs(m[1])["name"], value)
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		v.Add(attrs(m[1])["name"], html.UnescapeString(m[2]))
	}
	return v
}

// TestHTMLRoundTrip renders the sample, posts the form back unchanged and
// gets the sample again.
func TestHTMLRoundTrip(t *testing.T) {
	page := render(t, sample(), nil, "pl")
	d, ps := ParseForm(post(page))
	if ps != nil {
		t.Fatalf("problems: %v", ps)
	}
	if want := sample(); !reflect.DeepEqual(d, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", d, want)
	}
	if err := Validate(d, today); err != nil {
		t.Error(err)
	}
}

// TestHTMLLabels: every control has a label naming it, the page is in the
// language asked for and needs nothing from outside.
func TestHTMLLabels(t *testing.T) {
	page := render(t, sample(), nil, "pl")
	var ids []string
	for _, m := range inputRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, attrs(m[1])["id"])
	}
	for _, m := range selectRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, attrs(m[1])["id"])
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, attrs(m[1])["id"])
	}
	if len(ids) < 60 {
		t.Fatalf("only %d controls", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Errorf("control id %q empty or repeated", id)
		}
		seen[id] = true
		if !strings.Contains(page, `<label for="`+id+`">`) {
			t.Errorf("no <label for=%q>", id)
		}
	}
	for _, want := range []string{`<html lang="pl">`, `<label for="f-b-pesel">Numer PESEL`, `value="Żółtowska-Ćwik"`,
		`name="d.buildings.0.areaLow" value="22,20"`, `name="d.land.1.area" value="0,1250"`,
		`<option value="ha" selected>ha</option>`, `name="e.buildings.0.exemptionBasis"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	if en := render(t, nil, nil, "en"); !strings.Contains(en, `<html lang="en">`) || !strings.Contains(en, "Date of birth") {
		t.Error("the English labels are missing")
	}
}

// TestHTMLProblems: a problem shows next to its field, tied to it by
// aria-describedby, and in the summary with a link to the field.
func TestHTMLProblems(t *testing.T) {
	d := sample()
	d.Filer.PESEL = "85071402349"
	d.Taxed.Buildings[0].AreaLow = 0
	var ps Problems
	if !errors.As(Validate(d, today), &ps) {
		t.Fatal("no problems")
	}
	page := render(t, d, ps, "pl")
	for _, want := range []string{
		`id="f-b-pesel" name="b.pesel" value="85071402349" inputmode="numeric" aria-invalid="true" aria-describedby="f-b-pesel-err">`,
		`<div class="error" id="f-b-pesel-err"><span>PESEL ma nieprawidłową sumę kontrolną</span></div>`,
		`<a href="#f-b-pesel">PESEL ma nieprawidłową sumę kontrolną</a>`,
		`name="d.buildings.0.area" value="142,30" inputmode="decimal" aria-invalid="true" aria-describedby="f-d-buildings-0-area-err" aria-required="true">`,
		`<a href="#f-d-buildings-0-area">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(page, `aria-invalid="true"`); n != 2 {
		t.Errorf("%d fields marked invalid, want 2", n)
	}
}

// TestParseFormRows: empty rows are dropped, the rest renumbered, and
// what cannot be read is a problem at the new number that shows the input
// again.
func TestParseFormRows(t *testing.T) {
	v := post(render(t, sample(), nil, "pl"))
	// Blank out building 0; type a bad area into the empty row after the
	// last building (row 2), which becomes row 1.
	for _, k := range []string{"category", "location", "parcel", "landRegister", "share", "area", "areaFull", "areaLow"} {
		v.Set("d.buildings.0."+k, "")
	}
	v.Set("d.buildings.2.category", string(BuildingOther))
	v.Set("d.buildings.2.location", "ul. Polna 1, Gniezno")
	v.Set("d.buildings.2.area", "12,345")
	v.Set("d.buildings.2.areaFull", "12")
	v.Set("d.buildings.2.areaLow", "0")
	v.Set("d.land.0.share", "połowa")
	v.Set("c.date", "14.03.2025")
	d, ps := ParseForm(v)
	want := []Problem{
		{"c.date", "Data ma postać RRRR-MM-DD"},
		{"d.land[0].share", "Udział ma postać licznik/mianownik, np. 1/2"},
		{"d.buildings[1].area", "Za dużo miejsc po przecinku"},
	}
	if !reflect.DeepEqual([]Problem(ps), want) {
		t.Errorf("problems\n got %v\nwant %v", ps, want)
	}
	if len(d.Taxed.Buildings) != 2 || d.Taxed.Buildings[0].Category != BuildingBusiness || d.Taxed.Buildings[1].AreaFull != 1200 {
		t.Errorf("buildings %+v", d.Taxed.Buildings)
	}
	page := render(t, d, ps, "pl")
	for _, want := range []string{`name="d.buildings.1.area" value="12,345"`, `name="d.land.0.share" value="połowa"`, `name="c.date" value="14.03.2025"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the typed input is not shown again: %s", want)
		}
	}
	// A structure row needs no category; an empty share is the whole.
	v = url.Values{"d.structures.0.location": {"maszt"}, "d.structures.0.value": {"1 000,5"}}
	d, ps = ParseForm(v)
	if ps != nil || len(d.Taxed.Structures) != 1 || d.Taxed.Structures[0] != (Subject{Category: Structure, Location: "maszt", Share: Whole, Value: 100050}) {
		t.Errorf("structure %+v %v", d.Taxed.Structures, ps)
	}
}

// TestRenderFormHTML: the fragment is the page's form without the page —
// no <html>, <style> or heading — with the hidden inputs first and the
// action given, and it posts back the same declaration.
func TestRenderFormHTML(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	opt := FormOptions{Action: "/tax/declarations", Hidden: map[string]string{"csrf": "0a1b", "z": "ż"}, SubmitID: "in1-submit"}
	if err := RenderFormHTML(&buf, d, Problems{{Field: "b.surname", Message: "Nazwisko jest wymagane"}}, "pl", opt); err != nil {
		t.Fatal(err)
	}
	frag := buf.String()
	for _, bad := range []string{"<html", "<style", "<h1", "<body"} {
		if strings.Contains(frag, bad) {
			t.Errorf("fragment contains %s", bad)
		}
	}
	for _, want := range []string{`action="/tax/declarations"`, `<input type="hidden" name="csrf" value="0a1b">`, `id="in1-submit"`, `href="#f-b-surname"`, `class="summary"`} {
		if !strings.Contains(frag, want) {
			t.Errorf("fragment lacks %s", want)
		}
	}
	if strings.Index(frag, `name="csrf"`) > strings.Index(frag, `name="a.authority"`) {
		t.Error("hidden inputs are not first in the form")
	}
	v := post(frag)
	if v.Get("csrf") != "0a1b" || v.Get("z") != "ż" {
		t.Errorf("hidden values posted: %v %v", v.Get("csrf"), v.Get("z"))
	}
	got, ps := ParseForm(v)
	if ps != nil {
		t.Fatal(ps)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip through the fragment:\n got %+v\nwant %+v", got, d)
	}
}
