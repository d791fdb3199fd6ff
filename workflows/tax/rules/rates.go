package rules

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"obieg.dev/obieg/engine"
)

// Rate is a tax or interest rate in fixed point with 4 decimals (RateScale):
// złoty per m² or per ha for areas (1,34 zł/m² is Rate(13400)), percent of
// value for structures (2% is Rate(20000)) and percent a year for late
// interest (14,5% is Rate(145000)). Four decimals hold every rate the
// Minister announces and the finer rates some councils set.
type Rate int64

// RateScale is the fixed-point scale of a [Rate].
const RateScale = 10000

// ParseRate parses "1,34", "35.53" or "2" into a Rate, without rounding.
func ParseRate(s string) (Rate, error) {
	n, err := parseFixed("rules.ParseRate", "rate", s, 4)
	return Rate(n), err
}

// String formats r with a decimal comma and at least 2 decimals: "1,34".
func (r Rate) String() string { return formatFixed(int64(r), 4, 2) }

// MaxRateRow is one row of the table of maximum rates: the ceiling of
// category Category for the tax years FromYear to ToYear inclusive (ToYear 0:
// until further notice).
type MaxRateRow struct {
	Category Category
	FromYear int
	ToYear   int
	Max      Rate
}

//go:embed maxrates.csv
var maxRatesCSV string

// maxRates is the table of maximum rates (upol art. 5 ust. 1, revalued
// yearly by art. 20 ust. 1–2 and announced by the Minister of Finance).
var maxRates = mustParseMaxRates(maxRatesCSV)

func mustParseMaxRates(s string) []MaxRateRow {
	rows, err := parseMaxRates(s)
	if err != nil {
		panic("rules: maxrates.csv: " + err.Error())
	}
	return rows
}

// parseMaxRates reads the CSV table: comment lines start with '#', the first
// record is the header.
func parseMaxRates(s string) ([]MaxRateRow, error) {
	var lines []string
	for l := range strings.Lines(s) {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	r := csv.NewReader(strings.NewReader(strings.Join(lines, "")))
	r.FieldsPerRecord = 4
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	if strings.Join(head, ",") != "category,from_year,to_year,max" {
		return nil, fmt.Errorf("unexpected header %q", head)
	}
	var rows []MaxRateRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		c, err := ParseCategory(rec[0])
		if err != nil {
			return nil, err
		}
		row := MaxRateRow{Category: c}
		if row.FromYear, err = strconv.Atoi(rec[1]); err != nil {
			return nil, fmt.Errorf("%s: from_year: %w", rec[0], err)
		}
		if rec[2] != "" {
			if row.ToYear, err = strconv.Atoi(rec[2]); err != nil {
				return nil, fmt.Errorf("%s: to_year: %w", rec[0], err)
			}
			if row.ToYear < row.FromYear {
				return nil, fmt.Errorf("%s: to_year %d before from_year %d", rec[0], row.ToYear, row.FromYear)
			}
		}
		if row.Max, err = ParseRate(rec[3]); err != nil {
			return nil, fmt.Errorf("%s %s: %w", rec[0], rec[1], err)
		}
		for _, o := range rows {
			if o.Category == c && overlaps(o, row) {
				return nil, fmt.Errorf("%s: rows for %d and %d overlap", c, o.FromYear, row.FromYear)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func overlaps(a, b MaxRateRow) bool {
	aEnd, bEnd := a.ToYear, b.ToYear
	if aEnd == 0 {
		aEnd = 1 << 30
	}
	if bEnd == 0 {
		bEnd = 1 << 30
	}
	return a.FromYear <= bEnd && b.FromYear <= aEnd
}

// MaxRateTable returns a copy of the table of maximum rates.
func MaxRateTable() []MaxRateRow { return slices.Clone(maxRates) }

// MaxRate returns the maximum rate of category c in tax year year (upol
// art. 5 ust. 1 as revalued for that year); ok is false when the table has
// no rate for that year.
func MaxRate(year int, c Category) (max Rate, ok bool) {
	for _, r := range maxRates {
		if r.Category == c && year >= r.FromYear && (r.ToYear == 0 || year <= r.ToYear) {
			return r.Max, true
		}
	}
	return 0, false
}

// MaxRates returns the maximum rates of every category for year, or an
// error when the table does not cover the year.
func MaxRates(year int) (RateTable, error) {
	t := RateTable{}
	for _, ci := range categories {
		m, ok := MaxRate(year, ci.Code)
		if !ok {
			return nil, engine.Invalid("rules.MaxRates", "year", "no maximum rate of %s for %d", ci.Code, year)
		}
		t[ci.Code] = m
	}
	return t, nil
}

// RateTable is a council's rates for one tax year, by category (uchwała rady
// gminy, upol art. 5 ust. 1). A category missing from the table has no rate:
// an object of that category cannot be assessed.
type RateTable map[Category]Rate

// CheckRates refuses a council's rates for year that the council could not
// lawfully set: a rate above the state maximum for that year (upol art. 5
// ust. 1: "rada gminy określa ... stawki ... nie mogą przekroczyć rocznie"),
// a negative rate, or an unknown category. The error is engine.KindInvalid
// with the field "rates.<category code>"; a year the table of maximum rates
// does not cover gives the field "year". Rates below the maximum, zero
// included, are the council's to choose.
func CheckRates(year int, council RateTable) error {
	const op = "rules.CheckRates"
	codes := make([]Category, 0, len(council))
	for c := range council {
		codes = append(codes, c)
	}
	slices.Sort(codes) // report the same error every time
	for _, c := range codes {
		rate := council[c]
		field := "rates." + string(c)
		if _, ok := c.Info(); !ok {
			return engine.Invalid(op, field, "unknown category %q", c)
		}
		if rate < 0 {
			return engine.Invalid(op, field, "rate %s is negative", rate)
		}
		max, ok := MaxRate(year, c)
		if !ok {
			return engine.Invalid(op, "year", "no maximum rates known for %d", year)
		}
		if rate > max {
			return engine.Invalid(op, field, "rate %s for %d exceeds the maximum %s (upol art. 5 ust. 1)", rate, year, max)
		}
	}
	return nil
}
