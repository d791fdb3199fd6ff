package bpmn

import (
	"testing"
)

func TestISODuration(t *testing.T) {
	good := map[string]isoDuration{
		"P14D":           {days: 14},
		"PT10M":          {minutes: 10},
		"P1Y2M3DT4H5M6S": {years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6},
		"P2W":            {weeks: 2},
		"PT1.5S":         {seconds: 1.5},
		"PT0,25S":        {seconds: 0.25},
		"P0D":            {},
		"PT36H":          {hours: 36},
	}
	for s, want := range good {
		got, err := parseISODuration(s)
		if err != nil || got != want {
			t.Errorf("parseISODuration(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "P1DT", "14D", "P1.5D", "PT1.5M", "PT1.5S2M", "P1D1D", "P1M1Y", "PT1H1H", "P-1D",
		"P1H", "PT1D", "PT1S1M", "P1234567890D", "P1", "pt1h", "P1D ", "PT.5S", "PT1.S"} {
		if d, err := parseISODuration(s); err == nil {
			t.Errorf("parseISODuration(%q) = %+v, want an error", s, d)
		}
	}
}

func TestISOCycle(t *testing.T) {
	for s, rep := range map[string]int{
		"R3/PT10M":                        3,
		"R/P1D":                           -1,
		"R5/2026-01-01T00:00:00Z/P1D":     5,
		"R2/P1D/2026-02-01T00:00:00Z":     2,
		"R0/PT1H":                         0,
		"R/2026-01-02T07:00:00+01:00/P1W": -1,
	} {
		c, err := parseISOCycle(s)
		if err != nil || c.repeat != rep {
			t.Errorf("parseISOCycle(%q) = %+v, %v; want repeat %d", s, c, err, rep)
		}
	}
	for _, s := range []string{"", "R", "R3", "PT10M", "R3/", "R3/P", "Rx/PT1M", "R-1/PT1M", "R3/PT10M/PT10M/PT1M",
		"0 0 9 * * ?", "R3/2026-01-01/P1D", "R3/2026-01-01T00:00:00Z/2026-02-01T00:00:00Z", "3/PT1M"} {
		if c, err := parseISOCycle(s); err == nil {
			t.Errorf("parseISOCycle(%q) = %+v, want an error", s, c)
		}
	}
}

func TestTimerAndDueDateLiterals(t *testing.T) {
	for _, c := range []struct {
		t  TimerType
		s  string
		ok bool
	}{
		{TimerDate, "2026-03-01T12:00:00Z", true},
		{TimerDate, "2026-03-01T12:00:00+01:00", true},
		{TimerDate, "2026-03-01T12:00:00", false}, // no zone: ambiguous
		{TimerDate, "2026-03-01", false},
		{TimerDuration, "P14D", true},
		{TimerDuration, "2026-03-01T12:00:00Z", false},
		{TimerCycle, "R/P1D", true},
		{TimerCycle, "P1D", false},
	} {
		if err := checkTimerLiteral(c.t, c.s); (err == nil) != c.ok {
			t.Errorf("checkTimerLiteral(%v, %q) = %v", c.t, c.s, err)
		}
	}
	for s, ok := range map[string]bool{"P14D": true, "2026-05-01T00:00:00Z": true, "14 dni": false, "P": false} {
		if err := checkDueDateLiteral(s); (err == nil) != ok {
			t.Errorf("checkDueDateLiteral(%q) = %v", s, err)
		}
	}
}

// FuzzTimerAndExpr: the ISO 8601 and expression front ends never panic.
func FuzzTimerAndExpr(f *testing.F) {
	for _, s := range []string{"P14D", "PT1.5S", "R3/PT10M", "R5/2026-01-01T00:00:00Z/P1D", "2026-01-01T00:00:00Z", "${a > 1}", "=x", "#{y}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseISODuration(s)
		_, _ = parseISOCycle(s)
		_ = checkDueDateLiteral(s)
		for _, m := range []exprMode{exprValue, exprCondition, exprCompiled} {
			if e, err := compileExpr(s, m); err == nil && e != nil && e.Program != nil {
				_, _ = e.Eval(map[string]any{"a": 1, "x": []any{1}, "y": "z"})
			}
		}
	})
}
