package calendar_test

import (
	"fmt"
	"time"

	"obieg.dev/obieg/engine/calendar"
)

// An appeal against a decision delivered on 10 December 2025 is due within
// 14 days (KPA art. 129 §2): the 14th day is Christmas Eve, and the first day
// after it that is neither a holiday nor a Saturday is Monday 29 December.
func ExampleCalendar_DeadlineDays() {
	delivered, _ := calendar.ParseDate("2025-12-10")
	due := calendar.Polish().DeadlineDays(delivered, 14)
	fmt.Println(due, due.Weekday())
	// Output: 2025-12-29 Monday
}

// A BPMN timer with obieg:calendar="kpa" and timeDuration P5D started on the
// Thursday before Easter fires five working days later.
func ExampleCalendar_AddKPA() {
	d, err := calendar.ParseDuration("P5D")
	if err != nil {
		panic(err)
	}
	start := time.Date(2025, 4, 17, 9, 0, 0, 0, calendar.Warsaw())
	fmt.Println(calendar.Polish().AddKPA(start, d).Format(time.DateTime))
	// Output: 2025-04-25 09:00:00
}

func ExampleCalendar_Holidays() {
	for _, h := range calendar.Polish().Holidays(2026)[2:4] {
		fmt.Println(h.Date, h.Name)
	}
	// Output:
	// 2026-04-05 pierwszy dzień Wielkiej Nocy
	// 2026-04-06 drugi dzień Wielkiej Nocy
}
