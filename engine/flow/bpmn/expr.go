package bpmn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// maxExprLen bounds the source of one expression.
const maxExprLen = 4096

// Expression is a value written in the model: either a literal string
// (Program == nil) or an expression compiled with expr-lang/expr.
//
// An attribute is an expression when it is wrapped in ${…} or #{…}
// (Camunda 7, JUEL style) or starts with = (Camunda 8, FEEL style); the
// wrapper is stripped and the rest is compiled with expr-lang/expr over an
// environment map[string]any of process variables, undefined variables
// evaluating to nil. Only the expr-lang syntax is understood: simple
// comparisons and boolean logic read the same in JUEL, FEEL and expr, but
// FEEL's single = for equality, for example, does not compile. Conditions
// (sequence flow conditionExpression, completionCondition) are always
// compiled, wrapped or not, and must yield a bool.
type Expression struct {
	Source  string      // as written in the XML, trimmed
	Code    string      // the compiled text (wrapper stripped); for a literal, the literal
	Program *vm.Program // nil for a literal
}

// IsLiteral reports whether the expression is a plain literal string.
func (e *Expression) IsLiteral() bool { return e != nil && e.Program == nil }

// Eval evaluates the expression over vars; a literal evaluates to its
// string.
func (e *Expression) Eval(vars map[string]any) (any, error) {
	if e == nil {
		return nil, errors.New("bpmn: nil expression")
	}
	if e.Program == nil {
		return e.Code, nil
	}
	return Eval(e.Program, vars)
}

// Bool evaluates a condition. A nil *Expression (no condition) is true.
func (e *Expression) Bool(vars map[string]any) (bool, error) {
	if e == nil {
		return true, nil
	}
	v, err := e.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("bpmn: condition %q yields %T, not bool", e.Source, v)
	}
	return b, nil
}

// String returns the expression as written.
func (e *Expression) String() string {
	if e == nil {
		return ""
	}
	return e.Source
}

// Eval runs a compiled program over the process variables vars (nil means
// none). It never panics.
func Eval(prog *vm.Program, vars map[string]any) (out any, err error) {
	if prog == nil {
		return nil, errors.New("bpmn: nil program")
	}
	if vars == nil {
		vars = map[string]any{}
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("bpmn: evaluating expression: %v", r)
		}
	}()
	return expr.Run(prog, vars)
}

// exprMode says how a text is turned into an Expression.
type exprMode uint8

const (
	exprValue     exprMode = iota // literal unless wrapped
	exprCondition                 // always compiled, must be boolean
	exprCompiled                  // always compiled, any type (a variable name is an expression)
)

// unwrap strips a ${…}, #{…} or leading = wrapper. wrapped is false for a
// literal; an error reports text mixing literals and ${…}.
func unwrap(s string) (code string, wrapped bool, err error) {
	switch {
	case (strings.HasPrefix(s, "${") || strings.HasPrefix(s, "#{")) && strings.HasSuffix(s, "}") && len(s) >= 3:
		return strings.TrimSpace(s[2 : len(s)-1]), true, nil
	case strings.HasPrefix(s, "="):
		return strings.TrimSpace(s[1:]), true, nil
	case strings.Contains(s, "${") || strings.Contains(s, "#{"):
		return "", false, errors.New("text mixing literals and ${…} is not supported; write the whole value as one expression")
	}
	return s, false, nil
}

// compileExpr builds an Expression from src in the given mode. An empty src
// gives nil, nil.
func compileExpr(src string, mode exprMode) (*Expression, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return nil, nil
	}
	if len(src) > maxExprLen {
		return nil, fmt.Errorf("expression longer than %d bytes", maxExprLen)
	}
	code, wrapped, err := unwrap(src)
	if err != nil {
		return nil, err
	}
	if !wrapped && mode == exprValue {
		return &Expression{Source: src, Code: src}, nil
	}
	if code == "" {
		return nil, fmt.Errorf("empty expression %q", src)
	}
	prog, err := compileProgram(code, mode == exprCondition)
	if err != nil {
		return nil, fmt.Errorf("expression %q: %s", src, oneLine(err.Error()))
	}
	return &Expression{Source: src, Code: code, Program: prog}, nil
}

func compileProgram(code string, boolean bool) (prog *vm.Program, err error) {
	// expr-lang recovers its own panics in the compiler; this guards the
	// parser and checker too, so that Parse never panics.
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("cannot compile: %v", r)
		}
	}()
	opts := []expr.Option{expr.Env(map[string]any{}), expr.AllowUndefinedVariables()}
	if boolean {
		opts = append(opts, expr.AsBool())
	}
	return expr.Compile(code, opts...)
}

// oneLine keeps the first line of expr-lang's error (message and position;
// the following lines repeat the source with a caret).
func oneLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return s
}
