package blob

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// fileStore keeps blobs on a local (or mounted) filesystem:
//
//	<root>/sha256/ab/cd/abcd…   the blobs, read-only (0444)
//	<root>/tmp/                 staged content
//
// The two-level fan-out keeps directories small enough for any filesystem
// and for people listing them. Staging under the root puts temporary files
// on the same filesystem as the blobs, so Commit is a rename: atomic, and no
// second copy of the bytes.
type fileStore struct {
	blobs string // <root>/sha256
	tmp   string // <root>/tmp
}

const (
	dirPerm  = 0o750 // the blobs are official records: not for every local user
	blobPerm = 0o444 // never written again once committed

	// staleAfter is how old a temporary file must be before Open removes it
	// as left over by a crashed process. No upload is staged that long.
	staleAfter = 24 * time.Hour
)

// openFile opens the store at file:///abs/path or file://./relative/path,
// creating its directories if missing.
func openFile(u *url.URL) (*fileStore, error) {
	const op = "blob.Open"
	if err := checkQuery(op, u.Query()); err != nil {
		return nil, err
	}
	var p string
	switch {
	case u.Opaque != "":
		p = u.Opaque // file:relative/path
	case u.Host == "" || u.Host == "localhost":
		p = u.Path
	case u.Host == "." || u.Host == "..":
		p = u.Host + u.Path
	default:
		return nil, engine.Errorf(op, engine.KindInvalid, "file URL names host %q: only local paths are supported", u.Host)
	}
	if p == "" {
		return nil, engine.E(op, engine.KindInvalid, "file URL has no path")
	}
	root, err := filepath.Abs(p) // so that a later chdir does not move the store
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, "bad blob store path", err)
	}
	s := &fileStore{
		blobs: filepath.Join(root, "sha256"),
		tmp:   filepath.Join(root, "tmp"),
	}
	for _, d := range []string{s.blobs, s.tmp} {
		if err := os.MkdirAll(d, dirPerm); err != nil {
			return nil, engine.E(op, "cannot create blob store directory", err)
		}
	}
	s.sweep(time.Now().Add(-staleAfter))
	return s, nil
}

// sweep removes temporary files older than cutoff: those of processes that
// died between Stage and Commit or Discard. Best effort.
func (s *fileStore) sweep(cutoff time.Time) {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), stagePrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(s.tmp, e.Name()))
		}
	}
}

// path returns where the blob named sha lives. sha must have been checked.
func (s *fileStore) path(sha string) string {
	return filepath.Join(s.blobs, sha[0:2], sha[2:4], sha)
}

func (s *fileStore) Stage(ctx context.Context, r io.Reader, limit int64) (*Staged, error) {
	return stage(ctx, s.tmp, r, limit, s.publish)
}

// publish renames the staged file into place after making its content and
// then its new name durable, so that a crash never leaves a blob whose name
// exists but whose bytes do not.
func (s *fileStore) publish(_ context.Context, tmp, sha string, size int64) error {
	dst := s.path(sha)
	fi, err := os.Stat(dst)
	switch {
	case err == nil && fi.Size() == size:
		return nil // already stored: same name, same bytes
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return engine.E(commitOp, "cannot check for existing blob", err)
	}
	// Either absent or, with the wrong size, demonstrably damaged: replace.
	if err := syncReadOnly(tmp); err != nil {
		return engine.E(commitOp, "cannot flush staged content", err)
	}
	if err := s.mkdirs(sha); err != nil {
		return engine.E(commitOp, "cannot create blob directory", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return engine.E(commitOp, "cannot move blob into place", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return engine.E(commitOp, "cannot flush blob directory", err)
	}
	return nil
}

// syncReadOnly makes the file read-only and flushes it to stable storage.
func syncReadOnly(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(blobPerm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// mkdirs creates the two fan-out directories of sha as needed, flushing the
// parent of each one it creates so the new entries survive a crash.
func (s *fileStore) mkdirs(sha string) error {
	parent := s.blobs
	for _, part := range []string{sha[0:2], sha[2:4]} {
		d := filepath.Join(parent, part)
		switch err := os.Mkdir(d, dirPerm); {
		case err == nil:
			if err := syncDir(parent); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return err
		}
		parent = d
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (s *fileStore) Open(_ context.Context, sha string) (io.ReadCloser, error) {
	const op = "blob.Open"
	if err := checkSHA(op, sha); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(sha))
	if err != nil {
		return nil, fileErr(op, sha, err)
	}
	return newVerifier(f, sha, func(err error) error { return engine.E("blob.Read", err) }), nil
}

func (s *fileStore) Stat(_ context.Context, sha string) (int64, error) {
	const op = "blob.Stat"
	if err := checkSHA(op, sha); err != nil {
		return 0, err
	}
	fi, err := os.Stat(s.path(sha))
	if err != nil {
		return 0, fileErr(op, sha, err)
	}
	return fi.Size(), nil
}

func (s *fileStore) Close() error { return nil }

func fileErr(op, sha string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return engine.Errorf(op, engine.KindNotFound, "blob %s not found", sha)
	}
	return engine.E(op, err)
}
