package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/blob"
)

// harness is a fresh, empty store of one backend plus the means to look
// behind its back.
type harness struct {
	store blob.Store
	// files counts what the store keeps anywhere: blobs and staged content.
	files func(t *testing.T) int
	// tamper replaces the stored bytes of blob sha with content, bypassing
	// the store.
	tamper func(t *testing.T, sha string, content []byte)
}

// testStore runs the behaviour every backend must have.
func testStore(t *testing.T, open func(t *testing.T) harness) {
	t.Run("RoundTrip", func(t *testing.T) {
		h := open(t)
		for i, content := range [][]byte{
			nil,
			[]byte("Wniosek o udostępnienie informacji publicznej"),
			randomBytes(t, 17<<20), // more than one S3 part
		} {
			st, err := h.store.Stage(t.Context(), bytes.NewReader(content), int64(len(content)))
			if err != nil {
				t.Fatalf("Stage: %v", err)
			}
			if st.SHA256 != shaOf(content) || st.Size != int64(len(content)) {
				t.Fatalf("Staged = %s, %d; want %s, %d", st.SHA256, st.Size, shaOf(content), len(content))
			}
			if _, err := h.store.Stat(t.Context(), st.SHA256); !engine.Is(engine.KindNotFound, err) {
				t.Fatalf("Stat before Commit: err = %v, want not found", err)
			}
			if err := st.Commit(t.Context()); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if size, err := h.store.Stat(t.Context(), st.SHA256); err != nil || size != int64(len(content)) {
				t.Fatalf("Stat = %d, %v; want %d", size, err, len(content))
			}
			got, err := read(t.Context(), h.store, st.SHA256)
			if err != nil {
				t.Fatalf("reading back: %v", err)
			}
			if !bytes.Equal(got, content) {
				t.Fatalf("read back %d bytes, not what was stored", len(got))
			}
			if n := h.files(t); n != i+1 {
				t.Fatalf("store holds %d files after %d commits", n, i+1)
			}
		}
	})

	t.Run("CommitIdempotent", func(t *testing.T) {
		h := open(t)
		content := []byte("Decyzja administracyjna")
		st := stage(t, h.store, content)
		for range 2 {
			if err := st.Commit(t.Context()); err != nil {
				t.Fatalf("Commit: %v", err)
			}
		}
		again := stage(t, h.store, content)
		if err := again.Commit(t.Context()); err != nil {
			t.Fatalf("Commit of content already stored: %v", err)
		}
		if err := again.Discard(); err != nil {
			t.Fatalf("Discard after Commit: %v", err)
		}
		if n := h.files(t); n != 1 {
			t.Fatalf("store holds %d files, want 1", n)
		}
		mustRead(t, h.store, st.SHA256, content)
	})

	t.Run("Discard", func(t *testing.T) {
		h := open(t)
		st := stage(t, h.store, []byte("projekt pisma, porzucony"))
		for range 2 {
			if err := st.Discard(); err != nil {
				t.Fatalf("Discard: %v", err)
			}
		}
		if n := h.files(t); n != 0 {
			t.Fatalf("store holds %d files after Discard, want 0", n)
		}
		if err := st.Commit(t.Context()); !engine.Is(engine.KindConflict, err) {
			t.Fatalf("Commit after Discard: err = %v, want conflict", err)
		}
		if _, err := h.store.Stat(t.Context(), st.SHA256); !engine.Is(engine.KindNotFound, err) {
			t.Fatalf("Stat of discarded blob: err = %v, want not found", err)
		}
	})

	t.Run("TooLarge", func(t *testing.T) {
		h := open(t)
		if _, err := h.store.Stage(t.Context(), strings.NewReader("12345678901"), 10); !engine.Is(engine.KindTooLarge, err) {
			t.Fatalf("Stage of 11 bytes with limit 10: err = %v, want too large", err)
		}
		// An endless upload is cut off at the limit, not read to the end.
		if _, err := h.store.Stage(t.Context(), endless{}, 1<<20); !engine.Is(engine.KindTooLarge, err) {
			t.Fatalf("Stage of endless reader: err = %v, want too large", err)
		}
		if _, err := h.store.Stage(t.Context(), strings.NewReader("x"), -1); !engine.Is(engine.KindInvalid, err) {
			t.Fatalf("Stage with negative limit: err = %v, want invalid", err)
		}
		if n := h.files(t); n != 0 {
			t.Fatalf("store holds %d files after refused uploads, want 0", n)
		}
	})

	t.Run("FailedUpload", func(t *testing.T) {
		h := open(t)
		boom := errors.New("client went away")
		r := io.MultiReader(strings.NewReader("początek"), iotest.ErrReader(boom))
		if _, err := h.store.Stage(t.Context(), r, 1<<20); !errors.Is(err, boom) {
			t.Fatalf("Stage of failing reader: err = %v, want it to wrap %v", err, boom)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := h.store.Stage(ctx, strings.NewReader("treść"), 1<<20); !errors.Is(err, context.Canceled) {
			t.Fatalf("Stage with canceled context: err = %v", err)
		}
		if n := h.files(t); n != 0 {
			t.Fatalf("store holds %d files after failed uploads, want 0", n)
		}
	})

	t.Run("Tampered", func(t *testing.T) {
		h := open(t)
		content := []byte("Umowa nr 17/2024 na kwotę 1000 zł")
		sha := put(t, h.store, content)
		forged := bytes.Clone(content)
		forged[len(forged)-6] = '9' // 9000 zł
		h.tamper(t, sha, forged)

		_, err := read(t.Context(), h.store, sha)
		if !errors.Is(err, blob.ErrCorrupt) {
			t.Fatalf("reading tampered blob: err = %v, want ErrCorrupt", err)
		}
		if engine.KindOf(err) != engine.KindOther || !strings.Contains(err.Error(), "corrupt") ||
			!strings.Contains(err.Error(), sha) {
			t.Fatalf("corruption error %q (kind %v) should be KindOther and name the blob", err, engine.KindOf(err))
		}
	})

	t.Run("BadName", func(t *testing.T) {
		h := open(t)
		for _, name := range []string{
			"",
			"abc",
			strings.ToUpper(shaOf(nil)),
			shaOf(nil)[:63] + "g",
			"../../../../../../../../etc/passwd",
			"../" + shaOf(nil)[3:],
			shaOf(nil) + "/../x",
		} {
			if _, err := h.store.Open(t.Context(), name); !engine.Is(engine.KindInvalid, err) || engine.FieldOf(err) != "sha256" {
				t.Errorf("Open(%q): err = %v, want invalid sha256", name, err)
			}
			if _, err := h.store.Stat(t.Context(), name); !engine.Is(engine.KindInvalid, err) {
				t.Errorf("Stat(%q): err = %v, want invalid", name, err)
			}
		}
	})

	t.Run("Missing", func(t *testing.T) {
		h := open(t)
		sha := shaOf([]byte("never stored"))
		if _, err := h.store.Open(t.Context(), sha); !engine.Is(engine.KindNotFound, err) {
			t.Fatalf("Open of missing blob: err = %v, want not found", err)
		}
		if _, err := h.store.Stat(t.Context(), sha); !engine.Is(engine.KindNotFound, err) {
			t.Fatalf("Stat of missing blob: err = %v, want not found", err)
		}
	})

	t.Run("ConcurrentCommits", func(t *testing.T) {
		h := open(t)
		content := randomBytes(t, 256<<10)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				st, err := h.store.Stage(t.Context(), bytes.NewReader(content), int64(len(content)))
				if err != nil {
					errs <- err
					return
				}
				defer st.Discard()
				errs <- st.Commit(t.Context())
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Stage and Commit: %v", err)
			}
		}
		mustRead(t, h.store, shaOf(content), content)
		if n := h.files(t); n != 1 {
			t.Fatalf("store holds %d files, want 1", n)
		}
	})
}

func stage(t *testing.T, s blob.Store, content []byte) *blob.Staged {
	t.Helper()
	st, err := s.Stage(t.Context(), bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	t.Cleanup(func() { st.Discard() })
	return st
}

func put(t *testing.T, s blob.Store, content []byte) string {
	t.Helper()
	st := stage(t, s, content)
	if err := st.Commit(t.Context()); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return st.SHA256
}

func read(ctx context.Context, s blob.Store, sha string) ([]byte, error) {
	rc, err := s.Open(ctx, sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func mustRead(t *testing.T, s blob.Store, sha string, want []byte) {
	t.Helper()
	got, err := read(t.Context(), s, sha)
	if err != nil {
		t.Fatalf("reading %s: %v", sha, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes of %s, not what was stored", len(got), sha)
	}
}

func shaOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// endless is an upload that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }
