package bpmn

import (
	"strings"
	"testing"
)

func TestCompileExpr(t *testing.T) {
	for _, c := range []struct {
		src     string
		mode    exprMode
		literal bool
		code    string
	}{
		{"jan.kowalski", exprValue, true, "jan.kowalski"},
		{"  ${ kierownik }  ", exprValue, false, "kierownik"},
		{"#{kierownik}", exprValue, false, "kierownik"},
		{"=kierownik", exprValue, false, "kierownik"},
		{"kwota > 100", exprCondition, false, "kwota > 100"},
		{"${kwota > 100}", exprCondition, false, "kwota > 100"},
		{"=kwota > 100", exprCondition, false, "kwota > 100"},
		{"pozycje", exprCompiled, false, "pozycje"},
	} {
		e, err := compileExpr(c.src, c.mode)
		if err != nil {
			t.Errorf("compileExpr(%q): %v", c.src, err)
			continue
		}
		if e.IsLiteral() != c.literal || e.Code != c.code || e.Source != strings.TrimSpace(c.src) {
			t.Errorf("compileExpr(%q) = %+v", c.src, e)
		}
	}
	if e, err := compileExpr("  ", exprCondition); e != nil || err != nil {
		t.Errorf("empty: %v, %v", e, err)
	}
	for _, c := range []struct {
		src  string
		mode exprMode
	}{
		{"${}", exprValue}, {"=", exprValue}, {"${a", exprValue}, {"pan ${x}", exprValue},
		{"${1 +}", exprValue}, {`="tak"`, exprCondition}, {"kwota >", exprCondition},
		{strings.Repeat("a", maxExprLen+1), exprCondition}, {"${a} i ${b}", exprValue},
	} {
		if e, err := compileExpr(c.src, c.mode); err == nil {
			t.Errorf("compileExpr(%q) = %+v, want an error", c.src, e)
		}
	}
}

func TestEval(t *testing.T) {
	e, err := compileExpr("${kwota > 100 && rodzaj == 'skarga'}", exprCondition)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Bool(map[string]any{"kwota": 150, "rodzaj": "skarga"}); !ok || err != nil {
		t.Errorf("Bool = %v, %v", ok, err)
	}
	// Undefined variables are nil, not a compile error.
	if ok, err := e.Bool(map[string]any{"kwota": 150}); ok || err != nil {
		t.Errorf("Bool with rodzaj undefined = %v, %v", ok, err)
	}
	if ok, err := (*Expression)(nil).Bool(nil); !ok || err != nil {
		t.Errorf("nil condition = %v, %v", ok, err)
	}
	v, err := Eval(e.Program, nil)
	if err == nil {
		t.Logf("Eval(nil vars) = %v", v) // nil > 100 is a runtime error or false; either way no panic
	}
	if _, err := Eval(nil, nil); err == nil {
		t.Error("Eval(nil program) did not fail")
	}
	lit, _ := compileExpr("kancelaria", exprValue)
	if v, err := lit.Eval(nil); v != "kancelaria" || err != nil {
		t.Errorf("literal Eval = %v, %v", v, err)
	}
	if _, err := lit.Bool(nil); err == nil {
		t.Error("a literal string is not a boolean")
	}
	sum, _ := compileExpr("=len(pozycje) * 2", exprValue)
	if v, err := sum.Eval(map[string]any{"pozycje": []any{1, 2, 3}}); v != 6 || err != nil {
		t.Errorf("Eval = %v, %v", v, err)
	}
}
