package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	web "obieg.dev/obieg/adapters/http"
	"path"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

// pages holds one template set per page: the layout, the shared partials
// (files starting with "_") and the page itself.
type pages struct {
	sets map[string]*template.Template
}

func mustParsePages() *pages {
	files, err := fs.Glob(embedded, "templates/*.html")
	if err != nil {
		panic(err)
	}
	var partials, views []string
	for _, f := range files {
		switch base := path.Base(f); {
		case base == "layout.html":
		case strings.HasPrefix(base, "_"):
			partials = append(partials, f)
		default:
			views = append(views, f)
		}
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, v := range views {
		name := strings.TrimSuffix(path.Base(v), ".html")
		t := template.New(name).Funcs(funcs)
		t = template.Must(t.ParseFS(embedded, append([]string{"templates/layout.html", v}, partials...)...))
		p.sets[name] = t
	}
	return p
}

// flashKey shows only messages of the catalogue: a link cannot make the
// page say something else.
func flashKey(k string) string {
	if _, ok := catalogue["pl"][k]; ok && strings.HasPrefix(k, "flash.") {
		return k
	}
	return ""
}

// view is what every page template gets.
type view struct {
	L     string          // language
	Me    *registry.Actor // nil on the login page
	CSRF  string
	Path  string
	Title string // catalogue key
	Today calendar.Date
	Flash string // a catalogue key (others are not shown)
	Ref   string // what the flash message is about (an RPW number …)
	Tax   bool   // the property-tax pages are on
	D     any    // the page's own data
}

// render writes a page; for an htmx request that names a fragment
// (HX-Target matching a template "frag-<target>"), only that fragment.
func (h *handler) render(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, page string, data any) error {
	t, ok := h.pages.sets[page]
	if !ok {
		return fmt.Errorf("ui: no page %q", page)
	}
	v := view{L: rc.lang, Me: rc.actor, CSRF: rc.csrf, Path: r.URL.RequestURI(), Title: page + ".title",
		Today: calendar.DateOf(h.clock()), Flash: flashKey(r.URL.Query().Get("flash")), Ref: r.URL.Query().Get("ref"), Tax: h.tax != nil, D: data}
	name := "layout"
	if isHTMX(r) {
		if frag := "frag-" + r.Header.Get("HX-Target"); t.Lookup(frag) != nil {
			name = frag
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return fmt.Errorf("ui: rendering %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request, HX-Target, Cookie")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// problem is an error as a page shows it.
type problem struct {
	Status  int
	Kind    string // catalogue key for the kind of problem
	Message string // the engine's message (English), or empty for internal errors
	Field   string
}

func problemOf(err error) problem {
	k := engine.KindOf(err)
	p := problem{Status: web.StatusOf(k), Kind: "error." + strings.ReplaceAll(k.String(), " ", "_")}
	if p.Status < 500 {
		p.Message, p.Field = engine.MessageOf(err), engine.FieldOf(err)
	}
	return p
}

// fail renders err: the error page, or for htmx a fragment the page shows
// in its live region. Server errors are logged with their cause; the user
// sees only that something failed.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		h.logger.ErrorContext(r.Context(), "ui: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if isHTMX(r) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("HX-Retarget", "#messages")
		w.Header().Set("HX-Reswap", "innerHTML")
		w.WriteHeader(p.Status)
		var buf bytes.Buffer
		_ = h.pages.sets["error"].ExecuteTemplate(&buf, "frag-messages", view{L: rc.lang, D: p})
		_, _ = w.Write(buf.Bytes())
		return
	}
	if rerr := h.render(w, r, rc, p.Status, "error", p); rerr != nil {
		h.logger.ErrorContext(r.Context(), "ui: rendering the error page", "error", rerr)
		http.Error(w, http.StatusText(p.Status), p.Status)
	}
}

// redirect after a successful POST (post/redirect/get), with a message.
func redirect(w http.ResponseWriter, r *http.Request, to, flash, ref string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
		if ref != "" {
			to += "&ref=" + url.QueryEscape(ref)
		}
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var funcs = template.FuncMap{
	"t":       tr,
	"date":    fmtDate,
	"time":    fmtTime,
	"has":     func(a *registry.Actor, role string) bool { return a.Has(registry.Role(role)) },
	"isHead":  func(a *registry.Actor) bool { return has(a, registry.RoleHead, registry.RoleAdmin) },
	"isClerk": func(a *registry.Actor) bool { return has(a, registry.RoleRegistry, registry.RoleAdmin) },
	"due":     dueState,
	"zl":      zl,
	"str": func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	},
	"isPDF":   func(mt string) bool { return strings.HasPrefix(mt, "application/pdf") },
	"isImage": func(mt string) bool { return mt == "image/png" || mt == "image/jpeg" },
	"join":    strings.Join,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// zl formats grosze as złoty: 123456 → "1234,56".
func zl(v any) string {
	var gr int64
	switch x := v.(type) {
	case int:
		gr = int64(x)
	case int64:
		gr = x
	default:
		return fmt.Sprint(v)
	}
	sign := ""
	if gr < 0 {
		sign, gr = "-", -gr
	}
	return fmt.Sprintf("%s%d,%02d", sign, gr/100, gr%100)
}

func fmtDate(v any) string {
	switch d := v.(type) {
	case calendar.Date:
		if d.IsZero() {
			return ""
		}
		return d.String()
	case *calendar.Date:
		if d == nil {
			return ""
		}
		return d.String()
	case time.Time:
		return calendar.DateOf(d).String()
	case *time.Time:
		if d == nil {
			return ""
		}
		return calendar.DateOf(*d).String()
	}
	return fmt.Sprint(v)
}

func fmtTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(calendar.Warsaw()).Format("2006-01-02 15:04")
	case *time.Time:
		if t == nil {
			return ""
		}
		return t.In(calendar.Warsaw()).Format("2006-01-02 15:04")
	}
	return fmt.Sprint(v)
}

// dueState classifies a deadline against today: "overdue", "soon" (within
// the next 7 days) or "" — pages show it as text as well as colour.
func dueState(today calendar.Date, v any) string {
	var d calendar.Date
	switch x := v.(type) {
	case calendar.Date:
		d = x
	case *calendar.Date:
		if x == nil {
			return ""
		}
		d = *x
	case *time.Time:
		if x == nil {
			return ""
		}
		d = calendar.DateOf(*x)
	case time.Time:
		d = calendar.DateOf(x)
	default:
		return ""
	}
	if d.IsZero() {
		return ""
	}
	switch {
	case d.Before(today):
		return "overdue"
	case !d.After(today.AddDays(7)):
		return "soon"
	}
	return ""
}
