package mail

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// htmlToText renders an HTML body as plain text for the register: tags are
// dropped (with the content of script, style, title and the like),
// entities decoded, white space collapsed, and block elements become line
// or paragraph breaks. It is a reading aid, not a browser: it never fails
// and runs in time linear in the input.
func htmlToText(s string) string {
	r := &textRenderer{}
	skip := ""
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			if skip == "" {
				r.text(html.UnescapeString(s[i : i+j]))
			}
			i += j
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			j := strings.Index(s[i+4:], "-->")
			if j < 0 {
				break
			}
			i += 4 + j + 3
			continue
		}
		end := tagEnd(s, i+1)
		if end < 0 {
			break
		}
		name, closing := tagName(s[i+1 : end])
		i = end + 1
		if skip != "" {
			if closing && name == skip {
				skip = ""
			}
			continue
		}
		switch name {
		case "script", "style", "title", "xml", "template", "noscript":
			if !closing && !strings.HasSuffix(s[:end], "/") {
				skip = name
			}
		case "br":
			r.newlines(1)
		case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
			"blockquote", "pre", "hr", "section", "article", "header", "footer", "dl", "address":
			r.newlines(2)
		case "li":
			r.newlines(1)
			if !closing {
				r.out.WriteString("- ")
			}
		case "tr", "dt", "dd":
			r.newlines(1)
		case "td", "th":
			r.space = true
		}
	}
	return tidy(r.out.String())
}

// tagEnd returns the index of the '>' closing the tag begun before i, or -1.
func tagEnd(s string, i int) int {
	quote := byte(0)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

func tagName(tag string) (name string, closing bool) {
	if strings.HasPrefix(tag, "/") {
		tag, closing = tag[1:], true
	}
	end := 0
	for end < len(tag) && (tag[end] >= 'a' && tag[end] <= 'z' || tag[end] >= 'A' && tag[end] <= 'Z' ||
		tag[end] >= '0' && tag[end] <= '9' || tag[end] == ':' || tag[end] == '!') {
		end++
	}
	return strings.ToLower(tag[:end]), closing
}

type textRenderer struct {
	out   strings.Builder
	space bool // white space seen since the last word
}

func (r *textRenderer) text(t string) {
	for _, c := range t {
		if unicode.IsSpace(c) {
			r.space = true
			continue
		}
		if r.space && r.out.Len() > 0 && !r.atLineStart() {
			r.out.WriteByte(' ')
		}
		r.space = false
		r.out.WriteRune(c)
	}
}

func (r *textRenderer) atLineStart() bool {
	s := r.out.String()
	return s == "" || s[len(s)-1] == '\n'
}

// newlines ends the current line and makes sure n line breaks end the text.
func (r *textRenderer) newlines(n int) {
	r.space = false
	if r.out.Len() == 0 {
		return
	}
	s := r.out.String()
	have := len(s) - len(strings.TrimRight(s, "\n"))
	for ; have < n; have++ {
		r.out.WriteByte('\n')
	}
}

// tidy trims line ends, keeps at most one empty line between paragraphs and
// trims the whole.
func tidy(s string) string {
	var b strings.Builder
	empty := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			empty++
			continue
		}
		if b.Len() > 0 {
			b.WriteString(strings.Repeat("\n", min(empty, 1)+1))
		}
		empty = 0
		b.WriteString(line)
	}
	return strings.ToValidUTF8(b.String(), string(utf8.RuneError))
}
