package bpmn

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"reflect"
	"strings"
	"testing"

	"obieg.dev/obieg/engine"
)

func parseFile(t *testing.T, name string) *Definitions {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	sum := sha256.Sum256(data)
	if d.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Hash = %s, want the SHA-256 of the input", d.Hash)
	}
	return d
}

// el returns the element or fails the test.
func el(t *testing.T, p *Process, id string) *Element {
	t.Helper()
	e := p.Element(id)
	if e == nil {
		t.Fatalf("element %q not found", id)
	}
	return e
}

func eval(t *testing.T, e *Expression, vars map[string]any) any {
	t.Helper()
	if e == nil {
		t.Fatal("nil expression")
	}
	v, err := e.Eval(vars)
	if err != nil {
		t.Fatalf("Eval(%q): %v", e.Source, err)
	}
	return v
}

func TestParseCamunda7(t *testing.T) {
	d := parseFile(t, "camunda7_korespondencja.bpmn")
	if d.Exporter != "Camunda Modeler" || d.ExporterVersion != "5.28.0" || d.ID != "Definitions_0k3x9qa" {
		t.Errorf("definitions header = %q %q %q", d.ID, d.Exporter, d.ExporterVersion)
	}
	if len(d.Processes) != 1 || len(d.Executable()) != 1 || len(d.Warnings) != 0 {
		t.Fatalf("processes = %d, executable = %d, warnings = %v", len(d.Processes), len(d.Executable()), d.Warnings)
	}
	p := d.Process("korespondencja-przychodzaca")
	if p == nil || !p.Executable || p.Name != "Korespondencja przychodząca" || p.Pool != "Urząd Gminy Przykładowo" {
		t.Fatalf("process = %+v", p)
	}
	if len(p.Lanes) != 2 || p.Lanes[0].Name != "Kancelaria" || p.Lanes[1].Name != "Wydział merytoryczny" {
		t.Errorf("lanes = %+v", p.Lanes)
	}
	if len(d.Messages) != 1 || d.Messages["Message_Wycofanie"].Name != "pismo-wycofane" {
		t.Errorf("messages = %+v", d.Messages)
	}

	start := p.NoneStart()
	if start == nil || start.ID != "StartEvent_Wplyw" || len(p.StartEvents) != 1 || start.Form != "embedded:app:forms/wplyw.html" {
		t.Fatalf("none start = %+v", start)
	}
	if out := p.Outgoing[start.ID]; len(out) != 1 || out[0].Target.ID != "Activity_Rejestracja" {
		t.Errorf("outgoing of start = %+v", out)
	}
	// Artefacts and data are not flow nodes.
	for _, id := range []string{"DataObjectReference_Skan", "DataStoreReference_Dziennik", "TextAnnotation_0a1b2c3", "Group_0rozp", "Association_1q2w3e4"} {
		if p.Element(id) != nil {
			t.Errorf("%s is in the model", id)
		}
	}

	rej := el(t, p, "Activity_Rejestracja")
	if rej.Type != UserTask || rej.User == nil || rej.User.CandidateUnit.String() != "kancelaria" || !rej.User.CandidateUnit.IsLiteral() ||
		rej.Form != "rejestracja-pisma" || rej.Lane == nil || rej.Lane.ID != "Lane_Kancelaria" || rej.Retries != 3 || rej.Async {
		t.Errorf("Activity_Rejestracja = %+v, user %+v", rej, rej.User)
	}

	gw := el(t, p, "Gateway_CzyDekretacja")
	if gw.Type != ExclusiveGateway || gw.Default == nil || gw.Default.ID != "Flow_BezDekretacji" || !gw.Default.Default || gw.Default.Condition != nil {
		t.Fatalf("gateway default = %+v", gw.Default)
	}
	cond := p.Flow("Flow_Dekretacja")
	if cond == nil || cond.Default || cond.Condition == nil || cond.Condition.Program == nil {
		t.Fatalf("Flow_Dekretacja = %+v", cond)
	}
	for _, c := range []struct {
		vars map[string]any
		want bool
	}{
		{map[string]any{"wymagaDekretacji": true, "kwota": 10}, true},
		{map[string]any{"wymagaDekretacji": true, "kwota": 0}, false},
		{map[string]any{"wymagaDekretacji": false, "kwota": 0, "rodzaj": "skarga"}, true},
	} {
		got, err := cond.Condition.Bool(c.vars)
		if err != nil || got != c.want {
			t.Errorf("condition(%v) = %v, %v; want %v", c.vars, got, err, c.want)
		}
	}

	dek := el(t, p, "Activity_Dekretacja")
	if got := eval(t, dek.User.Assignee, map[string]any{"kierownikWydzialu": "a.nowak"}); got != "a.nowak" {
		t.Errorf("assignee = %v", got)
	}
	if dek.User.DueDate.String() != "P14D" || !dek.User.DueDate.IsLiteral() || dek.User.Calendar != "kpa" || dek.Lane.ID != "Lane_Wydzial" {
		t.Errorf("Activity_Dekretacja user = %+v", dek.User)
	}
	if len(dek.Boundaries) != 2 || dek.Boundaries[0].ID != "Event_TerminDekretacji" || dek.Boundaries[1].ID != "Event_Wycofanie" {
		t.Fatalf("boundaries = %v", dek.Boundaries)
	}
	tm := dek.Boundaries[0]
	if tm.Type != BoundaryEvent || tm.Event != EventTimer || tm.CancelActivity || tm.AttachedTo != dek ||
		tm.Timer.Type != TimerDuration || tm.Timer.Value.String() != "P14D" || tm.Timer.Calendar != "kpa" {
		t.Errorf("timer boundary = %+v, timer %+v", tm, tm.Timer)
	}
	msg := dek.Boundaries[1]
	if msg.Event != EventMessage || !msg.CancelActivity || msg.Message.Name != "pismo-wycofane" ||
		eval(t, msg.CorrelationKey, map[string]any{"numerPisma": "KO.123"}) != "KO.123" {
		t.Errorf("message boundary = %+v", msg)
	}

	sub := el(t, p, "Activity_Rozpatrzenie")
	if sub.Type != SubProcess || sub.Sub == nil || sub.Sub.Owner != sub || sub.Sub.Parent != &p.Scope || sub.Scope != &p.Scope {
		t.Fatalf("sub-process = %+v", sub)
	}
	if s := sub.Sub.NoneStart(); s == nil || s.ID != "Event_RozpStart" || s.Scope != sub.Sub {
		t.Errorf("sub-process start = %+v", s)
	}
	if p.Elements["Activity_Weryfikacja"] != nil || sub.Sub.Elements["Activity_Weryfikacja"] == nil || p.Element("Activity_Weryfikacja") == nil {
		t.Error("Activity_Weryfikacja is not (only) in the sub-process scope")
	}
	if f := sub.Sub.Flows["Flow_Kompletne"]; f == nil || p.Flows["Flow_Kompletne"] != nil || p.Flow("Flow_Kompletne") != f {
		t.Error("Flow_Kompletne is not (only) in the sub-process scope")
	}
	braki := el(t, p, "Event_RozpBraki")
	if braki.Type != EndEvent || braki.Event != EventError || braki.Error.Code != "BRAKI_FORMALNE" {
		t.Errorf("error end = %+v", braki)
	}
	catch := el(t, p, "Event_BrakiZlapane")
	if catch.Event != EventError || catch.Error != braki.Error || catch.AttachedTo != sub || !catch.CancelActivity || len(sub.Boundaries) != 1 {
		t.Errorf("error boundary = %+v", catch)
	}
	call := el(t, p, "Activity_Wezwanie")
	if call.Type != CallActivity || call.CalledElement.String() != "wezwanie-do-uzupelnienia" || !call.CalledElement.IsLiteral() {
		t.Errorf("call activity = %+v", call)
	}

	op := el(t, p, "Activity_Opiniowanie")
	if op.Loop == nil || op.Loop.Sequential || op.Loop.ElementVariable != "opiniujacy" || op.Loop.Cardinality != nil {
		t.Fatalf("multi-instance = %+v", op.Loop)
	}
	if got := eval(t, op.Loop.Collection, map[string]any{"zespolOpiniujacy": []any{"a", "b"}}); !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Errorf("collection = %v", got)
	}
	if ok, err := op.Loop.CompletionCondition.Bool(map[string]any{"nrOfCompletedInstances": 2}); !ok || err != nil {
		t.Errorf("completion condition = %v, %v", ok, err)
	}

	if j := p.Incoming["Gateway_Scalenie"]; len(j) != 2 {
		t.Errorf("incoming of the join = %d", len(j))
	}
	arch := el(t, p, "Activity_Archiwizacja")
	if arch.Type != ServiceTask || arch.Handler != "archiwum.odloz" || !arch.Async || arch.Retries != 5 || arch.External() {
		t.Errorf("Activity_Archiwizacja = %+v", arch)
	}
	odp := el(t, p, "Activity_WyslijOdpowiedz")
	if !odp.External() || odp.Topic != "epuap-wysylka" || odp.Handler != "" || !odp.Async {
		t.Errorf("Activity_WyslijOdpowiedz = %+v", odp)
	}
	if pon := el(t, p, "Activity_Ponaglenie"); pon.Type != SendTask || pon.Handler != "powiadomienia.ponaglenie" {
		t.Errorf("Activity_Ponaglenie = %+v", pon)
	}
}

func TestParseCamunda8(t *testing.T) {
	d := parseFile(t, "camunda8_wniosek.bpmn")
	p := d.Process("wniosek-zaswiadczenie")
	if p == nil || !p.Executable || p.Pool != "" || len(d.Processes) != 1 {
		t.Fatalf("process = %+v", p)
	}
	start := el(t, p, "StartEvent_Wniosek")
	if start.Event != EventMessage || start.Message.Name != "wniosek-epuap" || p.NoneStart() != nil || len(p.StartEvents) != 1 {
		t.Errorf("message start = %+v", start)
	}
	wer := el(t, p, "Activity_Weryfikacja")
	if wer.User.CandidateUnit.String() != "kancelaria" || wer.Form != "weryfikacja-wniosku" || wer.User.DueDate.IsLiteral() || wer.User.Assignee != nil {
		t.Errorf("Activity_Weryfikacja = %+v %+v", wer, wer.User)
	}
	if ms := el(t, p, "Event_Zweryfikowano"); ms.Type != IntermediateThrowEvent || ms.Event != EventNone {
		t.Errorf("milestone = %+v", ms)
	}
	gw := el(t, p, "Gateway_Sprawdzenia")
	if gw.Type != InclusiveGateway || gw.Default.ID != "Flow_Rejestr" || len(p.Outgoing[gw.ID]) != 3 {
		t.Errorf("inclusive split = %+v", gw)
	}
	if ok, _ := p.Flow("Flow_Oplata").Condition.Bool(map[string]any{"oplata": 17}); !ok {
		t.Error("=oplata > 0 is false for 17")
	}
	if ok, _ := p.Flow("Flow_Opinia").Condition.Bool(map[string]any{"potrzebnaOpinia": true, "zwolniony": false}); !ok {
		t.Error("=potrzebnaOpinia and not zwolniony is false")
	}
	if j := el(t, p, "Gateway_Sprawdzono"); j.Type != InclusiveGateway || len(p.Incoming[j.ID]) != 3 {
		t.Errorf("inclusive join = %+v", j)
	}
	if o := el(t, p, "Activity_Oplata"); o.Topic != "oplata-skarbowa" || o.Retries != 5 || o.Handler != "" {
		t.Errorf("Activity_Oplata = %+v", o)
	}
	if o := el(t, p, "Activity_Opinia"); o.User.CandidatePosition.String() != "radca-prawny" || o.User.DueDate.String() != "P7D" || o.User.Calendar != "kpa" {
		t.Errorf("Activity_Opinia = %+v", o.User)
	}
	if r := el(t, p, "Activity_Rejestr"); r.Handler != "rejestr.mieszkancy" {
		t.Errorf("Activity_Rejestr = %+v", r)
	}
	if s := el(t, p, "Activity_Zawiadomienie"); s.Type != SendTask || s.Topic != "epuap-wysylka" {
		t.Errorf("Activity_Zawiadomienie = %+v", s)
	}
	eg := el(t, p, "Gateway_Czekaj")
	if eg.Type != EventBasedGateway || len(p.Outgoing[eg.ID]) != 2 {
		t.Errorf("event gateway = %+v", eg)
	}
	uz := el(t, p, "Event_Uzupelniono")
	if uz.Event != EventMessage || eval(t, uz.CorrelationKey, map[string]any{"numerSprawy": "USC.5"}) != "USC.5" {
		t.Errorf("message catch = %+v", uz)
	}
	up := el(t, p, "Event_Uplynelo")
	if up.Event != EventTimer || up.Timer.Type != TimerDuration || up.Timer.Calendar != "kpa" {
		t.Errorf("timer catch = %+v", up.Timer)
	}
	if e := el(t, p, "Event_Pozostawiono"); e.Event != EventTerminate {
		t.Errorf("terminate end = %+v", e)
	}
	z := el(t, p, "Activity_Zalaczniki")
	if z.Loop == nil || !z.Loop.Sequential || z.Loop.ElementVariable != "zalacznik" || z.Loop.Collection.Code != "zalaczniki" {
		t.Errorf("multi-instance = %+v", z.Loop)
	}
	if got := eval(t, z.User.Assignee, map[string]any{"referent": "k.wisniewska"}); got != "k.wisniewska" {
		t.Errorf("assignee = %v", got)
	}
	if c := el(t, p, "Activity_Podpis"); c.CalledElement.String() != "podpis-kwalifikowany" {
		t.Errorf("call activity = %+v", c)
	}
	r := el(t, p, "Activity_Odbior")
	if r.Type != ReceiveTask || r.Message.Name != "epuap-upo" || r.CorrelationKey == nil || r.CorrelationKey.Code != "idWysylki" {
		t.Errorf("receive task = %+v", r)
	}
}

func TestParseBpmnIO(t *testing.T) {
	d := parseFile(t, "bpmnio_przeglad.bpmn")
	if !strings.HasPrefix(d.Exporter, "bpmn-js") || len(d.Processes) != 2 {
		t.Fatalf("definitions = %+v", d)
	}
	exe := d.Executable()
	if len(exe) != 1 || exe[0].ID != "przeglad-terminow" || exe[0].Pool != "Urząd" {
		t.Fatalf("executable = %+v", exe)
	}
	p := exe[0]
	if len(p.StartEvents) != 2 || p.NoneStart().ID != "StartEvent_Recznie" {
		t.Errorf("start events = %v", p.StartEvents)
	}
	cz := el(t, p, "StartEvent_Codziennie")
	if cz.Event != EventTimer || cz.Timer.Type != TimerCycle || cz.Timer.Value.String() != "R/2026-01-02T07:00:00+01:00/P1D" {
		t.Errorf("timer start = %+v", cz.Timer)
	}
	if g := el(t, p, "Gateway_Rozdziel"); g.Type != ParallelGateway || len(p.Outgoing[g.ID]) != 2 {
		t.Errorf("parallel split = %+v", g)
	}
	if e := el(t, p, "Activity_Tablica"); e.Type != ManualTask {
		t.Errorf("manual task = %v", e.Type)
	}
	if e := el(t, p, "Activity_Zawiadom"); e.Type != Task {
		t.Errorf("task = %v", e.Type)
	}
	if e := el(t, p, "Event_DoTerminu"); e.Timer.Type != TimerDate {
		t.Errorf("timer date = %+v", e.Timer)
	}
	other := d.Process("Process_Strona")
	if other == nil || other.Executable || other.Pool != "Strona postępowania" {
		t.Fatalf("non-executable process = %+v", other)
	}
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], `"Activity_Odbierz"`) {
		t.Errorf("warnings = %q", d.Warnings)
	}
}

// TestDefaultNamespace: no prefix at all, and QName references with one.
func TestDefaultNamespace(t *testing.T) {
	src := `<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tns="urn:x" xmlns:o="https://obieg.dev/bpmn" id="D" targetNamespace="urn:x">
  <message id="M" name="odpowiedz"/>
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <receiveTask id="r" messageRef="tns:M" o:correlationKey="=sprawa"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="r"/>
    <sequenceFlow id="f2" sourceRef="r" targetRef="e"/>
  </process>
</definitions>`
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := d.Process("p").Element("r")
	if r.Message == nil || r.Message.Name != "odpowiedz" || r.CorrelationKey.Code != "sprawa" {
		t.Errorf("receive task = %+v", r)
	}
}

func TestErrorsAreEngineErrors(t *testing.T) {
	_, err := Parse([]byte(`<x/>`))
	if !engine.Is(engine.KindInvalid, err) {
		t.Errorf("kind of %v = %v", err, engine.KindOf(err))
	}
	_, err = Parse(make([]byte, MaxSize+1))
	if !engine.Is(engine.KindTooLarge, err) {
		t.Errorf("kind of %v = %v", err, engine.KindOf(err))
	}
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	_, err = Parse([]byte(deep))
	if !engine.Is(engine.KindTooLarge, err) {
		t.Errorf("kind of %v = %v", err, engine.KindOf(err))
	}
	_, err = ParseReader(strings.NewReader(deep))
	if !engine.Is(engine.KindTooLarge, err) {
		t.Errorf("ParseReader: kind of %v = %v", err, engine.KindOf(err))
	}
}
