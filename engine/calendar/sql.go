package calendar

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Scan reads a SQL date (as time.Time or text), so Date can be a column
// type. The date is taken as written, with no time-zone conversion: a legal
// date stored as `date` is already a civil date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
		return nil
	case string:
		p, err := ParseDate(v)
		if err != nil {
			return err
		}
		*d = p
		return nil
	case []byte:
		return d.Scan(string(v))
	}
	return fmt.Errorf("calendar.Date: cannot scan %T", src)
}

// Value writes the date as YYYY-MM-DD for a SQL date column.
func (d Date) Value() (driver.Value, error) {
	if !d.IsValid() {
		return nil, fmt.Errorf("calendar.Date: %v is not a valid date", d)
	}
	return d.String(), nil
}
