package blob_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/blob"
)

func TestFile(t *testing.T) {
	testStore(t, func(t *testing.T) harness {
		root := t.TempDir()
		s := openFile(t, root)
		return harness{
			store: s,
			files: func(t *testing.T) int { return countFiles(t, root) },
			tamper: func(t *testing.T, sha string, content []byte) {
				p := blobPath(root, sha)
				if err := os.Chmod(p, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, content, 0o644); err != nil {
					t.Fatal(err)
				}
			},
		}
	})
}

func TestFileLayout(t *testing.T) {
	root := t.TempDir()
	s := openFile(t, root)
	content := []byte("Pismo przewodnie")
	sha := put(t, s, content)

	p := blobPath(root, sha)
	before, err := os.Stat(p)
	if err != nil {
		t.Fatalf("blob not at %s: %v", p, err)
	}
	if mode := before.Mode(); mode != 0o444 {
		t.Errorf("blob mode = %v, want -r--r--r--", mode)
	}

	// Committing the same content again must leave the stored file alone.
	put(t, s, content)
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("second Commit of the same content replaced the stored file")
	}
	if n := countFiles(t, filepath.Join(root, "tmp")); n != 0 {
		t.Errorf("%d temporary files left after Commit", n)
	}
}

func TestFileURL(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := blob.Open(t.Context(), "file://./data/blobs")
	if err != nil {
		t.Fatalf("Open of relative URL: %v", err)
	}
	defer s.Close()
	sha := put(t, s, []byte("x"))
	// The path was resolved once, at Open: a later chdir does not move the store.
	t.Chdir(t.TempDir())
	if _, err := s.Stat(t.Context(), sha); err != nil {
		t.Fatalf("Stat after chdir: %v", err)
	}
	if _, err := os.Stat(blobPath(filepath.Join(dir, "data", "blobs"), sha)); err != nil {
		t.Fatalf("blob not under the relative root: %v", err)
	}

	for _, u := range []string{
		"file://fileserver/share/blobs",
		"file:///var/lib/obieg?sync=false",
		"file://",
		"ftp://example.com/blobs",
		"file://%zz",
	} {
		if _, err := blob.Open(t.Context(), u); !engine.Is(engine.KindInvalid, err) {
			t.Errorf("Open(%q): err = %v, want invalid", u, err)
		}
	}
}

// TestFileSweep checks that Open removes temporary files left by a crashed
// process, but not those of uploads that may still be in progress.
func TestFileSweep(t *testing.T) {
	root := t.TempDir()
	openFile(t, root)
	tmp := filepath.Join(root, "tmp")
	stale, fresh := filepath.Join(tmp, "obieg-blob-stale"), filepath.Join(tmp, "obieg-blob-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	openFile(t, root)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file survived Open: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed by Open: %v", err)
	}
}

func openFile(t *testing.T, root string) blob.Store {
	t.Helper()
	s, err := blob.Open(t.Context(), "file://"+filepath.ToSlash(root))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func blobPath(root, sha string) string {
	return filepath.Join(root, "sha256", sha[:2], sha[2:4], sha)
}

// countFiles counts the files, not directories, under root.
func countFiles(t *testing.T, root string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
