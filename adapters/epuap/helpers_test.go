package epuap

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"obieg.dev/obieg/engine"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantKind fails unless err is of the kind.
func wantKind(t *testing.T, err error, kind engine.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", kind)
	}
	if got := engine.KindOf(err); got != kind {
		t.Fatalf("kind of %q = %v, want %v", err, got, kind)
	}
	var e *engine.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an *engine.Error", err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
