package ident

// ValidPESEL checks a PESEL number: 11 digits with the check digit of the
// ustawa o ewidencji ludności (weights 1-3-7-9).
func ValidPESEL(s string) bool {
	if len(s) != 11 || !allDigits(s) {
		return false
	}
	w := [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, wt := range w {
		sum += int(s[i]-'0') * wt
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// ValidNIP checks a NIP number: 10 digits (separators '-' and ' ' allowed)
// with the mod-11 check digit (weights 6-5-7-2-3-4-5-6-7).
func ValidNIP(s string) bool {
	d := make([]byte, 0, 10)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == '-' || c == ' ':
		default:
			return false
		}
	}
	if len(d) != 10 {
		return false
	}
	w := [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i, wt := range w {
		sum += int(d[i]-'0') * wt
	}
	return sum%11 != 10 && sum%11 == int(d[9]-'0')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidREGON checks a REGON number: 9 digits (weights 8-9-2-3-4-5-6-7) or
// 14 digits (weights 2-4-8-5-0-9-7-3-6-1-2-4-8), check digit = sum mod 11,
// with 10 read as 0 (GUS rules for the business register).
func ValidREGON(s string) bool {
	var w []int
	switch len(s) {
	case 9:
		w = []int{8, 9, 2, 3, 4, 5, 6, 7}
	case 14:
		w = []int{2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8}
	default:
		return false
	}
	if !allDigits(s) {
		return false
	}
	sum := 0
	for i, wt := range w {
		sum += int(s[i]-'0') * wt
	}
	c := sum % 11 % 10
	return c == int(s[len(s)-1]-'0')
}
