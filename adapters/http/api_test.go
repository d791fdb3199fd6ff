package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/blob/blobtest"
)

// The OpenAPI document and the routes must agree both ways.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	s := &Server{}
	routed := map[string]bool{}
	for _, r := range s.apiRoutes() {
		routed[r.method+" "+r.pattern] = true
	}
	var missing, extra []string
	for k := range routed {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes not in openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json operations with no route: %v", extra)
	}
}

var pdf = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("zażółć gęślą jaźń\n"), 12000)...) // ~250 KB

const metaJSON = `{"tytul":"Deklaracja na podatek od nieruchomości IN-1","typ":"podanie/wniosek","data":"2026-11-20","tworca":"Jan Nowak","dostep":"niepubliczny"%s}`

func TestCaseAndDocumentFlow(t *testing.T) {
	t.Run("file", func(t *testing.T) { caseAndDocumentFlow(t, setup(t)) })
	t.Run("s3", func(t *testing.T) {
		caseAndDocumentFlow(t, setupWith(t, blobtest.Start(t)))
	})
}

func caseAndDocumentFlow(t *testing.T, b *bundle) {
	r := b.postJSON("/api/v1/cases", b.officer, map[string]any{"unit": "FN", "jrwa": "3120", "title": "Wymiar podatku — Jan Nowak",
		"sender": "Jan Nowak", "parties": []map[string]any{{"name": "Jan Nowak", "pesel": "44051401359", "role": "strona"}}})
	if r.status != http.StatusCreated {
		t.Fatalf("create case: %d %s", r.status, r.body)
	}
	var c registry.Case
	r.json(t, &c)
	if c.Signature != "FN.3120.1.2026" || r.header.Get("Location") != "/api/v1/cases/"+c.ID.String() {
		t.Fatalf("case %s, location %q", c.Signature, r.header.Get("Location"))
	}
	ct, body := multipartBody(t,
		part{name: "metadata", contentType: "application/json", data: []byte(fmt.Sprintf(metaJSON, `,"caseId":"`+c.ID.String()+`"`))},
		part{name: "file", filename: "deklaracja IN-1.pdf", contentType: "application/pdf", data: pdf},
		part{name: "file", filename: "załącznik ZIN-1.pdf", contentType: "application/pdf", data: append(pdf, '\n')})
	r = b.do(http.MethodPost, "/api/v1/documents", b.officer, ct, body)
	if r.status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	var d registry.Document
	r.json(t, &d)
	sum := sha256.Sum256(pdf)
	if len(d.Versions) != 2 || d.Versions[0].SHA256 != hex.EncodeToString(sum[:]) || d.Versions[1].FileName != "załącznik ZIN-1.pdf" {
		t.Fatalf("versions: %+v", d.Versions)
	}
	r = b.do(http.MethodGet, "/api/v1/documents/"+d.ID.String()+"/versions/1/content", b.officer, "", nil)
	if r.status != 200 || !bytes.Equal(r.body, pdf) || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d, %d bytes, %q", r.status, len(r.body), r.header.Get("Content-Type"))
	}
	if !strings.Contains(r.header.Get("Content-Disposition"), "deklaracja%20IN-1.pdf") {
		t.Errorf("content disposition %q", r.header.Get("Content-Disposition"))
	}
	if r := b.do(http.MethodGet, "/api/v1/documents/"+d.ID.String()+"/versions/3/content", b.officer, "", nil); r.status != 404 {
		t.Errorf("missing version: %d", r.status)
	}
	if r := b.do(http.MethodGet, "/api/v1/documents/"+d.ID.String(), b.other, "", nil); r.status != 404 {
		t.Errorf("other unit reads the document: %d", r.status)
	}
	r = b.do(http.MethodGet, "/api/v1/cases/"+c.ID.String()+"/metryka", b.officer, "", nil)
	var m struct{ Entries []registry.MetrykaEntry }
	r.json(t, &m)
	if len(m.Entries) != 3 || m.Entries[2].Action != registry.ActionDocumentAdded || *m.Entries[2].DocumentID != d.ID {
		t.Fatalf("metryka: %s", r.body)
	}
	if r := b.postJSON("/api/v1/cases/"+c.ID.String()+"/close", b.officer, map[string]string{"reason": "załatwiona"}); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	r = b.do(http.MethodGet, "/api/v1/spis-spraw?unit=FN&jrwa=3120&year=2026&format=csv", b.officer, "", nil)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "FN.3120.1.2026" || rows[1][3] != "Jan Nowak" || rows[1][7] != "2026-11-23" {
		t.Fatalf("spis CSV: %v %q", err, rows)
	}
	r = b.do(http.MethodGet, "/api/v1/cases?party=nowak&status=closed", b.admin, "", nil)
	var page registry.CasePage
	r.json(t, &page)
	if len(page.Cases) != 1 {
		t.Errorf("list by party: %s", r.body)
	}
}

// Bad input gets a 4xx naming the field, and nothing is written: no row,
// no metryka entry, no blob.
func TestBadInputWritesNothing(t *testing.T) {
	b := setup(t)
	r := b.postJSON("/api/v1/cases", b.officer, map[string]any{"unit": "FN", "jrwa": "3120", "title": "Sprawa"})
	var c registry.Case
	r.json(t, &c)
	tables := []string{"cases", "parties", "case_parties", "documents", "document_versions", "document_relations", "metryka", "case_counters"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = b.count(tb)
	}
	blobsBefore := b.blobFiles()

	meta := func(extra string) part {
		return part{name: "metadata", contentType: "application/json", data: []byte(fmt.Sprintf(metaJSON, extra))}
	}
	file := part{name: "file", filename: "a.pdf", contentType: "application/pdf", data: pdf}
	upload := func(parts ...part) (string, []byte) { return multipartBody(t, parts...) }
	big := bytes.Repeat([]byte("x"), 3<<20)

	for _, tc := range []struct {
		name        string
		method      string
		path        string
		contentType string
		body        []byte
		status      int
		field       string
	}{
		{"malformed JSON", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN",`), 400, ""},
		{"not an object", "POST", "/api/v1/cases", "application/json", []byte(`[1,2]`), 400, ""},
		{"wrong type", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": 7, "jrwa": "3120", "title": "x"}`), 400, "unit"},
		{"missing title", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN", "jrwa": "3120"}`), 400, "title"},
		{"unknown field", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN", "jrwa": "3120", "title": "x", "tytul": "x"}`), 400, "tytul"},
		{"unknown unit", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "ZZ", "jrwa": "3120", "title": "x"}`), 404, "unit"},
		{"unknown JRWA", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN", "jrwa": "9999", "title": "x"}`), 404, "jrwa"},
		{"bad PESEL", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN", "jrwa": "3120", "title": "x", "parties": [{"name": "A", "pesel": "12345678901"}]}`), 400, "parties[0].pesel"},
		{"invalid UTF-8", "POST", "/api/v1/cases", "application/json", []byte("{\"unit\": \"FN\", \"jrwa\": \"3120\", \"title\": \"\xff\xfe\"}"), 400, ""},
		{"wrong content type", "POST", "/api/v1/cases", "text/plain", []byte(`{"unit": "FN", "jrwa": "3120", "title": "x"}`), 415, "Content-Type"},
		{"oversize JSON", "POST", "/api/v1/cases", "application/json", append(append([]byte(`{"unit":"FN","jrwa":"3120","title":"`), big...), '"', '}'), 413, ""},
		{"bad date", "POST", "/api/v1/cases", "application/json", []byte(`{"unit": "FN", "jrwa": "3120", "title": "x", "startedOn": "2026-13-45"}`), 400, ""},
	} {
		r := b.do(tc.method, tc.path, b.officer, tc.contentType, tc.body)
		p := r.problem(t)
		if r.status != tc.status || p.Field != tc.field {
			t.Errorf("%s: %d field %q (%s), want %d field %q", tc.name, r.status, p.Field, p.Detail, tc.status, tc.field)
		}
	}

	for _, tc := range []struct {
		name   string
		parts  []part
		status int
		field  string
	}{
		{"no metadata", []part{file}, 400, "metadata"},
		{"no file", []part{meta("")}, 400, "file"},
		{"metadata missing tytul", []part{{name: "metadata", contentType: "application/json", data: []byte(`{"typ":"podanie/wniosek","data":"2026-11-20","tworca":"A","dostep":"publiczny"}`)}, file}, 400, "metadata.tytul"},
		{"metadata unknown field", []part{meta(`,"title":"x"`), file}, 400, "metadata.title"},
		{"metadata malformed", []part{{name: "metadata", data: []byte(`{"tytul":`)}, file}, 400, "metadata"},
		{"metadata invalid UTF-8", []part{{name: "metadata", data: []byte("{\"tytul\":\"\xc3\x28\"}")}, file}, 400, "metadata"},
		{"unknown case", []part{meta(`,"caseId":"01a20a8c-5c3c-7206-ba78-105f658348b7"`), file}, 404, "metadata.caseId"},
		{"path traversal", []part{meta(""), {name: "file", filename: "../../../etc/passwd", contentType: "text/plain", data: []byte("root")}}, 400, "file[0]"},
		{"absolute path", []part{meta(""), {name: "file", filename: "/etc/passwd", contentType: "text/plain", data: []byte("root")}}, 400, "file[0]"},
		{"windows path", []part{meta(""), {name: "file", filename: `C:\Windows\win.ini`, contentType: "text/plain", data: []byte("x")}}, 400, "file[0]"},
		{"disallowed type", []part{meta(""), {name: "file", filename: "a.exe", contentType: "application/x-msdownload", data: []byte("MZ")}}, 400, "file[0]"},
		{"fake PDF", []part{meta(""), {name: "file", filename: "a.pdf", contentType: "application/pdf", data: []byte("MZ\x90")}}, 400, "file[0]"},
		{"second file bad", []part{meta(""), file, {name: "file", filename: "..", contentType: "text/plain", data: []byte("x")}}, 400, "file[1]"},
		{"oversize upload", []part{meta(""), {name: "file", filename: "big.txt", contentType: "text/plain", data: big}}, 413, ""},
		{"stray part", []part{meta(""), file, {name: "comment", data: []byte("hi")}}, 400, "comment"},
	} {
		ct, body := upload(tc.parts...)
		r := b.do(http.MethodPost, "/api/v1/documents", b.officer, ct, body)
		p := r.problem(t)
		if r.status != tc.status || (tc.field != "" && p.Field != tc.field) {
			t.Errorf("upload %s: %d field %q (%s), want %d field %q", tc.name, r.status, p.Field, p.Detail, tc.status, tc.field)
		}
	}
	if r := b.do(http.MethodPost, "/api/v1/documents", b.officer, "application/json", []byte(`{}`)); r.status != 415 {
		t.Errorf("JSON to the upload endpoint: %d", r.status)
	}

	for _, tb := range tables {
		if n := b.count(tb); n != before[tb] {
			t.Errorf("%s: %d rows written by refused requests", tb, n-before[tb])
		}
	}
	if n := b.blobFiles(); n != blobsBefore {
		t.Errorf("blob store: %d files left by refused requests", n-blobsBefore)
	}
}

func TestAuthAndRoles(t *testing.T) {
	b := setup(t)
	for _, tok := range []string{"", "obg_nonsense", "Basic abc"} {
		r := b.do(http.MethodGet, "/api/v1/cases", tok, "", nil)
		if r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: %d", tok, r.status)
		}
	}
	r := b.postJSON("/api/v1/cases", b.officer, map[string]any{"unit": "FN", "jrwa": "3120", "title": "Sprawa"})
	var c registry.Case
	r.json(t, &c)
	if r := b.do(http.MethodGet, "/api/v1/cases/"+c.ID.String(), b.other, "", nil); r.status != 404 {
		t.Errorf("officer of another unit reads the case: %d", r.status)
	}
	if r := b.postJSON("/api/v1/cases", b.other, map[string]any{"unit": "FN", "jrwa": "3120", "title": "x"}); r.status != 403 {
		t.Errorf("officer of OR opens a case in FN: %d", r.status)
	}
	if r := b.postJSON("/api/v1/units", b.officer, map[string]any{"symbol": "XX", "name": "x"}); r.status != 403 {
		t.Errorf("officer creates a unit: %d", r.status)
	}
	if r := b.postJSON("/api/v1/units", b.admin, map[string]any{"symbol": "GK", "name": "Referat Gospodarki Komunalnej"}); r.status != 201 {
		t.Errorf("admin creates a unit: %d %s", r.status, r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/cases/not-a-uuid", b.admin, "", nil); r.status != 400 || r.problem(t).Field != "id" {
		t.Errorf("bad id: %d", r.status)
	}
	if r := b.do(http.MethodGet, "/api/v1/me", b.officer, "", nil); r.status != 200 || !bytes.Contains(r.body, []byte(`"officer"`)) {
		t.Errorf("me: %d %s", r.status, r.body)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	b := setup(t)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/v1/openapi.json": 200, "/api/v1/nothing": 404} {
		res, err := http.Get(b.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	b.do(http.MethodGet, "/api/v1/cases", b.admin, "", nil)
	res, err := http.Get(b.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	if !strings.Contains(buf.String(), `obieg_http_requests_total{code="200",route="GET /api/v1/cases"} 1`) {
		t.Errorf("metrics lack the request count:\n%s", buf.String()[:min(buf.Len(), 2000)])
	}
}
