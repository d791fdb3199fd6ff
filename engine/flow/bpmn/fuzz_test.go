package bpmn

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"obieg.dev/obieg/engine"
)

func FuzzParse(f *testing.F) {
	// The seeds are whole modeler files of 15-25 KiB. The fuzzer minimizes
	// every new interesting input for -fuzzminimizetime (default 60s), and
	// for inputs this size that means the whole minute: a 60s run would do
	// little else. Unless the flag is given, minimize briefly.
	set := false
	flag.Visit(func(fl *flag.Flag) { set = set || fl.Name == "test.fuzzminimizetime" })
	if !set {
		_ = flag.Set("test.fuzzminimizetime", "2s")
	}
	files, _ := filepath.Glob("testdata/*.bpmn")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, c := range rejectCases {
		if len(c.xml) < 64<<10 {
			f.Add([]byte(c.xml))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			if k := engine.KindOf(err); k != engine.KindInvalid && k != engine.KindTooLarge {
				t.Fatalf("error of kind %v: %v", k, err)
			}
			if engine.MessageOf(err) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkModel(t, d)
	})
}

// checkModel asserts the invariants of an accepted model.
func checkModel(t *testing.T, d *Definitions) {
	t.Helper()
	if len(d.Hash) != 64 || len(d.Executable()) == 0 {
		t.Fatalf("hash %q, %d executable processes", d.Hash, len(d.Executable()))
	}
	for _, p := range d.Processes {
		if d.Process(p.ID) != p {
			t.Fatalf("Process(%q) is not the process", p.ID)
		}
		checkScope(t, p, &p.Scope)
	}
}

func checkScope(t *testing.T, p *Process, s *Scope) {
	t.Helper()
	if len(s.Elements) != len(s.nodes) || len(s.Flows) != len(s.list) {
		t.Fatalf("scope %q: %d elements, %d nodes; %d flows, %d listed", s.ID, len(s.Elements), len(s.nodes), len(s.Flows), len(s.list))
	}
	for _, el := range s.Nodes() {
		if s.Elements[el.ID] != el || p.Element(el.ID) != el || el.Scope != s {
			t.Fatalf("element %q is not indexed in its scope %q", el.ID, s.ID)
		}
		if el.Sub != nil {
			if el.Type != SubProcess || el.Sub.Parent != s || el.Sub.Owner != el || el.Sub.ID != el.ID {
				t.Fatalf("sub-process %q has a bad scope", el.ID)
			}
			checkScope(t, p, el.Sub)
		}
		if p.Executable && el.Type == BoundaryEvent {
			a := el.AttachedTo
			if a == nil || s.Elements[a.ID] != a || !a.IsActivity() {
				t.Fatalf("boundary event %q is not attached to an activity of its scope", el.ID)
			}
		}
		for _, b := range el.Boundaries {
			if b.AttachedTo != el {
				t.Fatalf("boundary %q of %q is attached to %v", b.ID, el.ID, b.AttachedTo)
			}
		}
		if el.Default != nil && (el.Default.Source != el || !el.Default.Default || el.Default.Condition != nil) {
			t.Fatalf("default flow of %q is bad", el.ID)
		}
	}
	for _, f := range s.SequenceFlows() {
		if f.Source == nil || f.Target == nil {
			t.Fatalf("flow %q has an unresolved end", f.ID)
		}
		if s.Elements[f.Source.ID] != f.Source || s.Elements[f.Target.ID] != f.Target {
			t.Fatalf("flow %q: source %q or target %q not in scope %q", f.ID, f.Source.ID, f.Target.ID, s.ID)
		}
		if p.Flow(f.ID) != f || s.Flows[f.ID] != f {
			t.Fatalf("flow %q is not indexed", f.ID)
		}
		if !contains(s.Outgoing[f.Source.ID], f) || !contains(s.Incoming[f.Target.ID], f) {
			t.Fatalf("flow %q is missing from the outgoing/incoming indices", f.ID)
		}
		if f.Condition != nil && f.Condition.Program == nil {
			t.Fatalf("flow %q has an uncompiled condition", f.ID)
		}
		if f.Default && f.Source.Default != f {
			t.Fatalf("flow %q is marked default but its source's default is %v", f.ID, f.Source.Default)
		}
	}
	for _, e := range s.StartEvents {
		if e.Type != StartEvent || s.Elements[e.ID] != e {
			t.Fatalf("start event %q is bad", e.ID)
		}
	}
}

func contains(fs []*SequenceFlow, f *SequenceFlow) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// TestModelInvariants runs the fuzz invariants over the test data.
func TestModelInvariants(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bpmn")
	if len(files) < 3 {
		t.Fatalf("test data: %v", files)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkModel(t, d)
	}
}
