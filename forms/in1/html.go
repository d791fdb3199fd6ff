package in1

import (
	_ "embed"
	"html/template"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
)

//go:embed form.html.tmpl
var formTemplate string

var formTmpl = template.Must(template.New("form").Parse(formTemplate))

// The view of the form: sections of fieldsets of labelled fields.
type (
	hPage struct {
		Lang, Title, SummaryTitle, Submit string
		Action, SubmitID                  string
		Hidden                            []hHidden
		Summary                           []hProblem
		Sections                          []hSection
	}
	hHidden  struct{ Name, Value string }
	hProblem struct{ Href, Field, Message string }
	hSection struct {
		Title  string
		Groups []hGroup
	}
	hGroup struct {
		Title  string
		Fields []hField
		Rows   []hRow
	}
	hRow struct {
		Title  string
		Fields []hField
	}
	hField struct {
		Name, ID, Label, Value string
		Type                   string // text, date, email, tel, select, radio, textarea
		Inputmode              string
		Required               bool
		RequiredText           string
		Options                []hOption
		Errors                 []string
		ErrID                  string
	}
	hOption struct {
		ID, Value, Label string
		Selected         bool
	}
)

// indexRe finds the indexes of a field path: "d.land[0].area".
var indexRe = regexp.MustCompile(`\[(\d+)\]`)

// inputName is the name of the input for a field path:
// "d.buildings[2].area" is posted as "d.buildings.2.area".
func inputName(path string) string { return indexRe.ReplaceAllString(path, ".$1") }

// inputID is the element id of the input for a field path.
func inputID(path string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(path)
}

// RenderHTML writes the IN-1 as an HTML page with a form for officers to
// check and correct it: every input has a <label for>, the problems are
// listed at the top with links to their fields and shown next to each
// field (aria-describedby, aria-invalid). Each list of subjects and the
// co-owners have one empty row more to add an item; the form posts to the
// page's own address and needs no JavaScript. lang is "pl" (the default)
// or "en" for the labels; messages stay Polish. d may be nil for an empty
// form.
func RenderHTML(w io.Writer, d *Declaration, problems Problems, lang string) error {
	if err := formTmpl.Execute(w, view(d, problems, lang, FormOptions{})); err != nil {
		return engine.E("in1.RenderHTML", "cannot write the form", err)
	}
	return nil
}

// FormOptions adapt the form RenderFormHTML writes to the page around it.
type FormOptions struct {
	Action   string            // where the form posts; empty: the page's own address
	Hidden   map[string]string // hidden inputs written first in the form, e.g. a CSRF token
	SubmitID string            // id of the submit button, if any
}

// RenderFormHTML writes what RenderHTML writes inside <body> after its
// heading — the problem summary and the form — as a fragment to embed in
// another page (the web UI's layout, under its own Content-Security-Policy:
// the fragment carries no <style>; its classes are summary, field,
// invalid, error, req, row and choice).
func RenderFormHTML(w io.Writer, d *Declaration, problems Problems, lang string, opt FormOptions) error {
	if err := formTmpl.ExecuteTemplate(w, "body", view(d, problems, lang, opt)); err != nil {
		return engine.E("in1.RenderFormHTML", "cannot write the form", err)
	}
	return nil
}

// view builds the page the templates show.
func view(d *Declaration, problems Problems, lang string, opt FormOptions) hPage {
	if lang != "en" {
		lang = "pl"
	}
	if d == nil {
		d = &Declaration{}
	}
	b := &viewBuilder{d: d, ps: problems, lang: lang, ids: map[string]string{}}
	page := hPage{
		Lang: lang, Title: tr("title", lang), SummaryTitle: tr("summary", lang), Submit: tr("submit", lang),
		Action: opt.Action, SubmitID: opt.SubmitID, Sections: b.sections(),
	}
	names := make([]string, 0, len(opt.Hidden))
	for n := range opt.Hidden {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		page.Hidden = append(page.Hidden, hHidden{Name: n, Value: opt.Hidden[n]})
	}
	for _, p := range problems {
		hp := hProblem{Field: p.Field, Message: p.Message}
		if id, ok := b.ids[p.Field]; ok {
			hp.Href = "#" + id
		}
		page.Summary = append(page.Summary, hp)
	}
	return page
}

type viewBuilder struct {
	d    *Declaration
	ps   Problems
	lang string
	ids  map[string]string // field path → input id, for the summary links
}

// field makes the input of the field at path labelled with key.
func (b *viewBuilder) field(path, key, value, typ string, required bool) hField {
	name := inputName(path)
	if raw, ok := b.d.raw[name]; ok {
		value = raw
	}
	f := hField{
		Name: name, ID: inputID(path), Label: tr(key, b.lang), Value: value, Type: typ,
		Required: required, RequiredText: tr("required", b.lang),
		Errors: b.ps.For(path), ErrID: inputID(path) + "-err",
	}
	b.ids[path] = f.ID
	return f
}

func (b *viewBuilder) choice(path, key string, value string, required bool, codes []string, labelOf func(string) string, typ string) hField {
	f := b.field(path, key, value, typ, required)
	if typ == "select" {
		f.Options = append(f.Options, hOption{Label: tr("choose", b.lang), Selected: value == ""})
	}
	for _, c := range codes {
		f.Options = append(f.Options, hOption{ID: f.ID + "-" + c, Value: c, Label: labelOf(c), Selected: c == value})
	}
	return f
}

func dateValue(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func (b *viewBuilder) sections() []hSection {
	d, lang := b.d, b.lang
	f := d.Filer
	a := f.Address
	addr := func(key, v string, req bool) hField {
		return b.field("b.address."+key, "b.address."+key, v, "text", req)
	}
	c := d.Circumstances
	kinds := []string{string(KindFirst), string(KindCorrection)}
	events := []string{string(EventArose), string(EventChanged), string(EventCeased)}
	reason := b.field("c.reason", "c.reason", c.CorrectionReason, "textarea", false)
	date := b.field("c.date", "c.date", dateValue(c.Date), "date", true)
	filed := b.field("filedOn", "filedOn", dateValue(d.FiledOn), "date", false)
	pesel := b.field("b.pesel", "b.pesel", f.PESEL, "text", false)
	pesel.Inputmode = "numeric"
	return []hSection{
		{Title: tr("a", lang), Groups: []hGroup{{Fields: []hField{b.field("a.authority", "a.authority", d.Authority, "text", true)}}}},
		{Title: tr("b", lang), Groups: []hGroup{
			{Title: tr("b.1", lang), Fields: []hField{
				pesel,
				b.field("b.nip", "b.nip", f.NIP, "text", false),
				b.field("b.surname", "b.surname", f.Surname, "text", true),
				b.field("b.firstName", "b.firstName", f.FirstName, "text", true),
				b.field("b.birthDate", "b.birthDate", dateValue(f.BirthDate), "date", true),
			}},
			{Title: tr("b.2", lang), Fields: []hField{
				addr("country", a.Country, true), addr("voivodeship", a.Voivodeship, false),
				addr("county", a.County, false), addr("commune", a.Commune, false),
				addr("street", a.Street, false), addr("house", a.House, true), addr("flat", a.Flat, false),
				addr("city", a.City, true), addr("postalCode", a.PostalCode, true),
				b.field("b.phone", "b.phone", f.Phone, "tel", false),
				b.field("b.email", "b.email", f.Email, "email", false),
			}},
		}},
		{Title: tr("c", lang), Groups: []hGroup{{Fields: []hField{
			b.choice("c.kind", "c.kind", string(c.Kind), true, kinds, func(k string) string { return tr("c.kind."+k, lang) }, "radio"),
			b.choice("c.event", "c.event", string(c.Event), true, events, func(k string) string { return tr("c.event."+k, lang) }, "radio"),
			date, reason,
		}}}},
		{Title: tr("d", lang), Groups: b.subjectGroups("d", d.Taxed, false)},
		{Title: tr("e", lang), Groups: b.subjectGroups("e", d.Exempt, true)},
		{Title: tr("coOwners", lang), Groups: []hGroup{{Rows: b.coOwnerRows()}}},
		{Title: tr("f", lang), Groups: []hGroup{{Fields: []hField{filed}}}},
	}
}

// lists are the lists of subjects of a part, in the order of the form.
var lists = []struct {
	name  string
	group Group
	get   func(*Subjects) *[]Subject
}{
	{"land", GroupLand, func(s *Subjects) *[]Subject { return &s.Land }},
	{"buildings", GroupBuilding, func(s *Subjects) *[]Subject { return &s.Buildings }},
	{"structures", GroupStructure, func(s *Subjects) *[]Subject { return &s.Structures }},
}

func (b *viewBuilder) subjectGroups(part string, s Subjects, exempt bool) []hGroup {
	var groups []hGroup
	for _, l := range lists {
		items := *l.get(&s)
		g := hGroup{Title: tr(l.name, b.lang)}
		for i := 0; i <= len(items); i++ {
			var it Subject
			title := tr("row", b.lang) + " " + strconv.Itoa(i+1)
			if i < len(items) {
				it = items[i]
			} else {
				title = tr("newRow", b.lang)
			}
			g.Rows = append(g.Rows, hRow{Title: title, Fields: b.subjectFields(part, l.name, l.group, i, it, i == len(items), exempt)})
		}
		groups = append(groups, g)
	}
	return groups
}

func (b *viewBuilder) subjectFields(part, list string, group Group, i int, s Subject, blank, exempt bool) []hField {
	at := part + "." + list + "[" + strconv.Itoa(i) + "]."
	num := func(v int64, places int) string {
		if blank {
			return ""
		}
		return FormatDecimal(v, places, ',')
	}
	share := ""
	if s.Share != (Share{}) {
		share = s.Share.String()
	}
	var fs []hField
	if group != GroupStructure {
		var codes []string
		for _, c := range Categories(group) {
			codes = append(codes, string(c))
		}
		fs = append(fs, b.choice(at+"category", "category", string(s.Category), true, codes,
			func(c string) string { return Category(c).Label() }, "select"))
	}
	fs = append(fs,
		b.field(at+"location", "location", s.Location, "text", true),
		b.field(at+"parcel", "parcel", s.Parcel, "text", group == GroupLand),
		b.field(at+"landRegister", "landRegister", s.LandRegister, "text", false),
		b.field(at+"share", "share", share, "text", false),
	)
	switch group {
	case GroupLand:
		area := b.field(at+"area", "area", num(s.Area, s.unit().Decimals()), "text", true)
		area.Inputmode = "decimal"
		unit := b.choice(at+"unit", "unit", string(s.unit()), true, []string{string(UnitM2), string(UnitHa)},
			func(u string) string { return Unit(u).Symbol() }, "select")
		unit.Options = unit.Options[1:] // no "choose": m² is the default
		fs = append(fs, area, unit)
	case GroupBuilding:
		for _, x := range []struct {
			key, label string
			v          int64
		}{{"area", "buildings.area", s.Area}, {"areaFull", "areaFull", s.AreaFull}, {"areaLow", "areaLow", s.AreaLow}} {
			f := b.field(at+x.key, x.label, num(x.v, 2), "text", true)
			f.Inputmode = "decimal"
			fs = append(fs, f)
		}
	case GroupStructure:
		v := b.field(at+"value", "value", num(s.Value, 2), "text", true)
		v.Inputmode = "decimal"
		fs = append(fs, v)
	}
	if exempt {
		fs = append(fs, b.field(at+"exemptionBasis", "exemptionBasis", s.ExemptionBasis, "text", true))
	}
	return fs
}

func (b *viewBuilder) coOwnerRows() []hRow {
	var rows []hRow
	for i := 0; i <= len(b.d.CoOwners); i++ {
		var p Person
		title := tr("row", b.lang) + " " + strconv.Itoa(i+1)
		if i < len(b.d.CoOwners) {
			p = b.d.CoOwners[i]
		} else {
			title = tr("newRow", b.lang)
		}
		at := "coOwners[" + strconv.Itoa(i) + "]."
		rows = append(rows, hRow{Title: title, Fields: []hField{
			b.field(at+"pesel", "coOwners.pesel", p.PESEL, "text", false),
			b.field(at+"nip", "coOwners.nip", p.NIP, "text", false),
			b.field(at+"surname", "coOwners.surname", p.Surname, "text", true),
			b.field(at+"firstName", "coOwners.firstName", p.FirstName, "text", true),
			b.field(at+"address", "coOwners.address", p.Address, "text", true),
		}})
	}
	return rows
}

// maxRows bounds the rows of each list ParseForm reads.
const maxRows = 500

// ParseForm reads the form RenderHTML wrote back from the posted values.
// Rows left empty are dropped, so the rows of the result (and the paths of
// its problems) are numbered as the form will show them next. An empty
// share is the whole (1/1); an empty unit is m². Problems are the values
// that cannot be read (numbers, dates, shares); input that cannot be read
// is kept to be shown again by RenderHTML. Check the result with Validate
// once ParseForm reports no problems.
func ParseForm(v url.Values) (*Declaration, Problems) {
	var ps Problems
	d := &Declaration{raw: map[string]string{}}
	get := func(name string) string { return strings.TrimSpace(v.Get(name)) }
	date := func(path string) calendar.Date {
		s := get(inputName(path))
		if s == "" {
			return calendar.Date{}
		}
		t, err := calendar.ParseDate(s)
		if err != nil {
			ps.add(path, "Data ma postać RRRR-MM-DD")
			d.raw[inputName(path)] = s
		}
		return t
	}
	d.Authority = get("a.authority")
	d.Filer = Filer{
		PESEL: get("b.pesel"), NIP: normNIP(get("b.nip")),
		Surname: get("b.surname"), FirstName: get("b.firstName"),
		BirthDate: date("b.birthDate"),
		Address: Address{
			Country: get("b.address.country"), Voivodeship: get("b.address.voivodeship"),
			County: get("b.address.county"), Commune: get("b.address.commune"),
			Street: get("b.address.street"), House: get("b.address.house"), Flat: get("b.address.flat"),
			City: get("b.address.city"), PostalCode: get("b.address.postalCode"),
		},
		Phone: get("b.phone"), Email: get("b.email"),
	}
	d.Circumstances = Circumstances{
		Kind: Kind(get("c.kind")), Event: Event(get("c.event")),
		Date: date("c.date"), CorrectionReason: get("c.reason"),
	}
	d.FiledOn = date("filedOn")

	for _, part := range []struct {
		name string
		s    *Subjects
	}{{"d", &d.Taxed}, {"e", &d.Exempt}} {
		for _, l := range lists {
			list := l.get(part.s)
			for _, i := range rowIndexes(v, part.name+"."+l.name+".") {
				in := func(key string) string { return get(part.name + "." + l.name + "." + i + "." + key) }
				if blankRow(in, "category", "location", "parcel", "landRegister", "share", "area", "areaFull", "areaLow", "value", "exemptionBasis") {
					continue
				}
				at := part.name + "." + l.name + "[" + strconv.Itoa(len(*list)) + "]."
				*list = append(*list, parseSubject(&ps, d.raw, at, l.group, in))
			}
		}
	}
	for _, i := range rowIndexes(v, "coOwners.") {
		in := func(key string) string { return get("coOwners." + i + "." + key) }
		if blankRow(in, "pesel", "nip", "surname", "firstName", "address") {
			continue
		}
		d.CoOwners = append(d.CoOwners, Person{
			PESEL: in("pesel"), NIP: normNIP(in("nip")), Surname: in("surname"),
			FirstName: in("firstName"), Address: in("address"),
		})
	}
	if len(d.raw) == 0 {
		d.raw = nil
	}
	if len(ps) == 0 {
		return d, nil
	}
	return d, ps
}

// rowIndexes are the row numbers posted under prefix ("d.land."), in
// ascending order, at most maxRows of them.
func rowIndexes(v url.Values, prefix string) []string {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && strconv.Itoa(i) == n {
			seen[i] = true
		}
	}
	idx := make([]int, 0, len(seen))
	for i := range seen {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	if len(idx) > maxRows {
		idx = idx[:maxRows]
	}
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = strconv.Itoa(i)
	}
	return out
}

func blankRow(in func(string) string, keys ...string) bool {
	for _, k := range keys {
		if in(k) != "" {
			return false
		}
	}
	return true
}

// parseSubject reads one posted row; at is its path in the result.
func parseSubject(ps *Problems, raw map[string]string, at string, group Group, in func(string) string) Subject {
	s := Subject{
		Category: Category(in("category")), Location: in("location"), Parcel: in("parcel"),
		LandRegister: strings.ToUpper(in("landRegister")), ExemptionBasis: in("exemptionBasis"),
		Share: Whole, Unit: Unit(in("unit")),
	}
	if group == GroupStructure && s.Category == "" {
		s.Category = Structure
	}
	if sh := in("share"); sh != "" {
		v, err := ParseShare(sh)
		if err != nil {
			ps.add(at+"share", "Udział ma postać licznik/mianownik, np. 1/2")
			raw[inputName(at+"share")] = sh
		}
		s.Share = v
	}
	num := func(key string, places int) int64 {
		t := in(key)
		if t == "" {
			return 0
		}
		n, err := ParseDecimal(t, places)
		if err != nil {
			ps.add(at+key, "%s", capital(err.Error()))
			raw[inputName(at+key)] = t
		}
		return n
	}
	switch group {
	case GroupLand:
		s.Area = num("area", s.unit().Decimals())
	case GroupBuilding:
		s.Area, s.AreaFull, s.AreaLow = num("area", 2), num("areaFull", 2), num("areaLow", 2)
	case GroupStructure:
		s.Value = num("value", 2)
	}
	return s
}
