package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error by what the caller can do about it. The HTTP
// adapter maps each kind to one status code in one place.
type Kind uint8

const (
	KindOther           Kind = iota // unclassified: a bug or an outage we did not foresee
	KindInvalid                     // the input is wrong; the caller can fix it
	KindNotFound                    // the thing does not exist (or is not visible to the caller)
	KindConflict                    // the state does not allow it now (already closed, duplicate …)
	KindForbidden                   // the caller may not do it
	KindUnauthenticated             // the caller is not known
	KindUnavailable                 // a dependency is down; retry later
	KindTooLarge                    // the input exceeds a size limit
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindForbidden:
		return "forbidden"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindUnavailable:
		return "unavailable"
	case KindTooLarge:
		return "too large"
	}
	return "other"
}

// Error is the one error type of Obieg (in the manner of upspin's errors):
// the operation that failed, what kind of failure it is, optionally the input
// field at fault, a message for people and the underlying error.
type Error struct {
	Op    string // operation, e.g. "registry.CreateCase"
	Kind  Kind
	Field string // input field at fault, for KindInvalid (JSON pointer-ish: "metadata.tytul")
	Msg   string // message fit to show to the caller
	Err   error  // underlying error, may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else if e.Err == nil {
		b.WriteString(e.Kind.String())
	}
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error. Arguments are taken by type: string is the op (first
// string) then the message (second string); Kind; error; Field.
//
//	engine.E("registry.CreateCase", engine.KindInvalid, engine.Field("jrwa"), "unknown JRWA class")
func E(args ...any) error {
	e := &Error{}
	strs := 0
	for _, a := range args {
		switch v := a.(type) {
		case string:
			if strs == 0 {
				e.Op = v
			} else {
				e.Msg = v
			}
			strs++
		case Kind:
			e.Kind = v
		case Field:
			e.Field = string(v)
		case error:
			e.Err = v
		default:
			panic(fmt.Sprintf("engine.E: unexpected argument %T", a))
		}
	}
	// Inherit the kind and field of a wrapped *Error when not given.
	var inner *Error
	if e.Err != nil && errors.As(e.Err, &inner) {
		if e.Kind == KindOther {
			e.Kind = inner.Kind
		}
		if e.Field == "" {
			e.Field = inner.Field
		}
	}
	return e
}

// Field names the input field an error is about.
type Field string

// Errorf is shorthand for an error with op, kind and a formatted message.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Invalid is shorthand for a KindInvalid error about one field.
func Invalid(op, field, format string, args ...any) error {
	return &Error{Op: op, Kind: KindInvalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// KindOf reports the kind of err: that of the outermost *Error carrying a
// kind other than KindOther, or KindOther.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return KindOther
		}
		if e.Kind != KindOther {
			return e.Kind
		}
		err = e.Err
	}
	return KindOther
}

// Is reports whether err is of the given kind.
func Is(kind Kind, err error) bool { return err != nil && KindOf(err) == kind }

// FieldOf reports the input field an error is about, if any.
func FieldOf(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Field != "" {
			return e.Field
		}
		err = e.Err
	}
	return ""
}

// MessageOf returns the message fit for the caller: the first non-empty Msg
// along the chain, or the kind's name. Underlying technical errors (SQL,
// I/O) are not exposed.
func MessageOf(err error) string {
	for e := err; e != nil; {
		var ee *Error
		if !errors.As(e, &ee) {
			break
		}
		if ee.Msg != "" {
			return ee.Msg
		}
		e = ee.Err
	}
	return KindOf(err).String()
}
