package mail

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds a safe name, well below the 255 bytes file systems allow.
const maxNameBytes = 200

// safeName makes a file name that can be stored anywhere from a name as sent:
// only the last path element (of / or \ paths), no control or format
// characters (U+202E and other bidirectional overrides hide extensions), no
// leading dots or spaces, no trailing dots or spaces, no characters Windows
// refuses (replaced by _), no Windows device names, at most maxNameBytes.
// When nothing is left it is "zalacznik-n.bin".
func safeName(name string, n int) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimRight(strings.TrimLeft(b.String(), ". "), ". ")
	if len(s) > maxNameBytes {
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 16 {
			s, ext = s[:i], s[i:]
		}
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], ". ") + ext
	}
	if base, _, _ := strings.Cut(s, "."); reservedWindowsName(base) {
		s = "_" + s
	}
	if s == "" || strings.Trim(s, "._ ") == "" {
		return fmt.Sprintf("zalacznik-%d.bin", n)
	}
	return s
}

func reservedWindowsName(base string) bool {
	switch strings.ToUpper(strings.TrimSpace(base)) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}
