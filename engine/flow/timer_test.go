package flow

import (
	"testing"
	"time"

	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/flow/bpmn"
)

// Timer arithmetic with a fixed clock: ISO 8601 dates, durations and
// cycles, and working-day durations for calendar="kpa".
func TestTimerSpec(t *testing.T) {
	now := time.Date(2025, 12, 19, 10, 0, 0, 0, calendar.Warsaw()) // a Friday before Christmas
	e := &Engine{cal: calendar.Polish()}
	r := &run{e: e, now: now.UTC()}
	for _, tc := range []struct {
		xml    string
		due    time.Time
		repeat int
	}{
		{`<bpmn:timeDate>2026-01-15T08:00:00+01:00</bpmn:timeDate>`, time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), 0},
		{`<bpmn:timeDuration>PT2H</bpmn:timeDuration>`, now.Add(2 * time.Hour), 0},
		{`<bpmn:timeDuration>P14D</bpmn:timeDuration>`, time.Date(2026, 1, 2, 10, 0, 0, 0, calendar.Warsaw()), 0},
		// 5 working days: 22, 23, (24–26 holidays, 27–28 weekend) 29, 30, 31 December.
		{`<bpmn:timeDuration>P5D</bpmn:timeDuration>|kpa`, time.Date(2025, 12, 31, 10, 0, 0, 0, calendar.Warsaw()), 0},
		{`<bpmn:timeCycle>R3/PT10M</bpmn:timeCycle>`, now.Add(10 * time.Minute), 2},
		{`<bpmn:timeCycle>R/P1D</bpmn:timeCycle>`, now.AddDate(0, 0, 1), -1},
		{`<bpmn:timeCycle>R2/2026-01-05T09:00:00Z/P1W</bpmn:timeCycle>`, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), 1},
	} {
		body, cal := tc.xml, ""
		if n := len(body); body[n-4:] == "|kpa" {
			body, cal = body[:n-4], ` obieg:calendar="kpa"`
		}
		// A non-interrupting boundary timer takes dates, durations and cycles.
		defs, err := bpmn.Parse(def("timers", `<bpmn:startEvent id="s"/><bpmn:userTask id="u"/><bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>
			<bpmn:boundaryEvent id="wait" attachedToRef="u" cancelActivity="false"><bpmn:timerEventDefinition`+cal+`>`+body+
			`</bpmn:timerEventDefinition></bpmn:boundaryEvent>
			<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/><bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/>
			<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="e2"/>`))
		if err != nil {
			t.Fatalf("%s: %v", tc.xml, err)
		}
		due, repeat, err := r.timerSpec(defs.Processes[0].Element("wait"), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.xml, err)
		}
		if !due.Equal(tc.due) || repeat != tc.repeat {
			t.Errorf("%s: due %v repeat %d, want %v repeat %d", tc.xml, due.In(calendar.Warsaw()), repeat, tc.due.In(calendar.Warsaw()), tc.repeat)
		}
	}
}
