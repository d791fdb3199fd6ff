package bpmn

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// A deliberately small ISO 8601 checker for timer definitions and due
// dates. It only validates syntax at deploy time; computing instants (and
// counting KPA working days) is engine/calendar's business.

// isoDuration is a parsed ISO 8601 duration PnYnMnWnDTnHnMnS.
type isoDuration struct {
	years, months, weeks, days int
	hours, minutes             int
	seconds                    float64
}

// maxDurationDigits bounds each number so nothing overflows.
const maxDurationDigits = 9

// parseISODuration parses an ISO 8601 duration such as P14D, PT10M, P1Y2M,
// P2W or PT1.5S. Designators must come in order, each at most once; only
// the seconds may have a fraction; at least one component is required.
func parseISODuration(s string) (isoDuration, error) {
	var d isoDuration
	if !strings.HasPrefix(s, "P") {
		return d, fmt.Errorf("duration %q must start with P", s)
	}
	rest := s[1:]
	datePart, timePart, hasT := strings.Cut(rest, "T")
	if hasT && timePart == "" {
		return d, fmt.Errorf("duration %q has T but no time components", s)
	}
	n := 0
	order := "YMWD"
	for datePart != "" {
		num, frac, des, tail, err := durationComponent(datePart)
		if err != nil {
			return d, fmt.Errorf("duration %q: %v", s, err)
		}
		if frac {
			return d, fmt.Errorf("duration %q: only seconds may have a fraction", s)
		}
		i := strings.IndexByte(order, des)
		if i < 0 {
			return d, fmt.Errorf("duration %q: unexpected designator %q in the date part", s, des)
		}
		order = order[i+1:]
		switch des {
		case 'Y':
			d.years = int(num)
		case 'M':
			d.months = int(num)
		case 'W':
			d.weeks = int(num)
		case 'D':
			d.days = int(num)
		}
		datePart = tail
		n++
	}
	order = "HMS"
	for timePart != "" {
		num, frac, des, tail, err := durationComponent(timePart)
		if err != nil {
			return d, fmt.Errorf("duration %q: %v", s, err)
		}
		i := strings.IndexByte(order, des)
		if i < 0 {
			return d, fmt.Errorf("duration %q: unexpected designator %q in the time part", s, des)
		}
		if frac && (des != 'S' || tail != "") {
			return d, fmt.Errorf("duration %q: only seconds may have a fraction", s)
		}
		order = order[i+1:]
		switch des {
		case 'H':
			d.hours = int(num)
		case 'M':
			d.minutes = int(num)
		case 'S':
			d.seconds = num
		}
		timePart = tail
		n++
	}
	if n == 0 {
		return d, fmt.Errorf("duration %q has no components", s)
	}
	return d, nil
}

// durationComponent reads digits[.digits]designator from the front of s.
func durationComponent(s string) (num float64, frac bool, des byte, tail string, err error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false, 0, "", errors.New("expected a number")
	}
	if i > maxDurationDigits {
		return 0, false, 0, "", errors.New("number too large")
	}
	var whole, fraction, scale float64 = 0, 0, 1
	for _, c := range s[:i] {
		whole = whole*10 + float64(c-'0')
	}
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		frac = true
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			if j-i <= maxDurationDigits {
				scale /= 10
				fraction += float64(s[j]-'0') * scale
			}
			j++
		}
		if j == i+1 {
			return 0, false, 0, "", errors.New("expected digits after the decimal mark")
		}
		i = j
	}
	if i >= len(s) {
		return 0, false, 0, "", errors.New("number without a designator")
	}
	return whole + fraction, frac, s[i], s[i+1:], nil
}

// parseISODate parses a timeDate: an RFC 3339 date-time with a zone.
func parseISODate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not an RFC 3339 date-time such as 2026-01-01T09:00:00+01:00", s)
	}
	return t, nil
}

// isoCycle is a parsed repeating interval R[n]/[start/]duration or
// R[n]/duration/end. repeat is -1 for unbounded.
type isoCycle struct {
	repeat   int
	start    time.Time
	end      time.Time
	duration isoDuration
}

// parseISOCycle parses a timeCycle: R3/PT10M, R/P1D,
// R5/2026-01-01T00:00:00Z/P1D or R2/P1D/2026-02-01T00:00:00Z. Cron
// expressions are rejected.
func parseISOCycle(s string) (isoCycle, error) {
	c := isoCycle{repeat: -1}
	if strings.ContainsAny(s, " \t") {
		return c, fmt.Errorf("cycle %q looks like a cron expression; use an ISO 8601 repeating interval such as R/P1D", s)
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || !strings.HasPrefix(parts[0], "R") {
		return c, fmt.Errorf("cycle %q is not an ISO 8601 repeating interval such as R3/PT10M", s)
	}
	if r := parts[0][1:]; r != "" {
		if len(r) > maxDurationDigits || strings.Trim(r, "0123456789") != "" {
			return c, fmt.Errorf("cycle %q: bad repetition count %q", s, r)
		}
		c.repeat = 0
		for _, ch := range r {
			c.repeat = c.repeat*10 + int(ch-'0')
		}
	}
	var err error
	switch {
	case len(parts) == 2:
		c.duration, err = parseISODuration(parts[1])
	case strings.HasPrefix(parts[1], "P"):
		if c.duration, err = parseISODuration(parts[1]); err == nil {
			c.end, err = parseISODate(parts[2])
		}
	default:
		if c.start, err = parseISODate(parts[1]); err == nil {
			c.duration, err = parseISODuration(parts[2])
		}
	}
	if err != nil {
		return c, fmt.Errorf("cycle %q: %v", s, err)
	}
	return c, nil
}

// checkTimerLiteral validates a literal timer value of the given type.
func checkTimerLiteral(t TimerType, s string) error {
	var err error
	switch t {
	case TimerDate:
		_, err = parseISODate(s)
	case TimerDuration:
		_, err = parseISODuration(s)
	case TimerCycle:
		_, err = parseISOCycle(s)
	}
	return err
}

// checkDueDateLiteral validates a literal due date: a duration or a date.
func checkDueDateLiteral(s string) error {
	if strings.HasPrefix(s, "P") {
		_, err := parseISODuration(s)
		return err
	}
	if _, err := parseISODate(s); err != nil {
		return fmt.Errorf("due date %q is neither an ISO 8601 duration (P14D) nor an RFC 3339 date-time", s)
	}
	return nil
}
