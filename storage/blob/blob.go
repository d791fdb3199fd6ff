package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"sync"

	"obieg.dev/obieg/engine"
)

// Store is a content-addressed blob store. Implementations are safe for
// concurrent use.
type Store interface {
	// Stage reads r, at most limit bytes, into a local temporary file while
	// hashing it and returns a Staged blob that is not yet visible in the
	// store. Content longer than limit is an engine.KindTooLarge error and
	// leaves nothing behind; so does any other error.
	Stage(ctx context.Context, r io.Reader, limit int64) (*Staged, error)

	// Open returns the content of the blob named by sha256hex. The reader
	// hashes what it returns and, if the content does not match its name,
	// returns an error wrapping ErrCorrupt from Read instead of io.EOF, so a
	// caller streaming the blob to a client sees the damage rather than
	// serving it as good. A missing blob is engine.KindNotFound; a name that
	// is not 64 lowercase hex digits is engine.KindInvalid. For a remote
	// backend ctx also bounds the reading, not just the opening.
	Open(ctx context.Context, sha256hex string) (io.ReadCloser, error)

	// Stat returns the size of the blob named by sha256hex, or an
	// engine.KindNotFound error if there is no such blob.
	Stat(ctx context.Context, sha256hex string) (size int64, err error)

	// Close releases the store's resources. Blobs staged but neither
	// committed nor discarded are not cleaned up by Close.
	Close() error
}

// ErrCorrupt is wrapped by the error a blob reader returns when the content
// read does not hash to the blob's name.
var ErrCorrupt = errors.New("content does not match its SHA-256")

// Open opens the store at rawURL:
//
//	file:///var/lib/obieg/blobs          absolute path
//	file://./blobs                       path relative to the working directory
//	s3://ACCESS:SECRET@host:port/bucket?secure=false&region=us-east-1&tmp=/var/tmp
//
// See the backends for details. Open creates what is missing (directories,
// the bucket) so that a fresh deployment needs no manual step.
func Open(ctx context.Context, rawURL string) (Store, error) {
	const op = "blob.Open"
	u, err := url.Parse(rawURL)
	if err != nil {
		// The parse error quotes the URL, which may carry S3 credentials.
		return nil, engine.E(op, engine.KindInvalid, "malformed blob store URL")
	}
	switch u.Scheme {
	case "file":
		return openFile(u)
	case "s3":
		return openS3(ctx, u)
	}
	return nil, engine.Errorf(op, engine.KindInvalid, "unsupported blob store URL scheme %q (want file or s3)", u.Scheme)
}

// Staged is content that has been hashed and saved locally but is not yet in
// the store; only Store.Stage makes one. Call exactly one of Commit or Discard; calling Discard after
// Commit is allowed and does nothing, which makes "defer st.Discard()" the
// natural way to never leak a temporary file.
type Staged struct {
	SHA256 string // lowercase hex SHA-256 of the content: the blob's name
	Size   int64  // length of the content in bytes

	mu      sync.Mutex
	tmp     string // the temporary file holding the content
	state   stagedState
	publish publishFunc
}

const commitOp = "blob.Commit"

type stagedState uint8

const (
	staged stagedState = iota
	committed
	discarded
)

// publishFunc makes the content of the temporary file tmp visible in the
// store under sha. It may move tmp away; whatever is left at tmp afterwards
// is removed by Commit. Its errors carry commitOp.
type publishFunc func(ctx context.Context, tmp, sha string, size int64) error

// Commit makes the blob visible in the store under s.SHA256. Committing
// content that is already stored is not an error and does not rewrite it:
// same name, same bytes. Commit on a committed blob does nothing; on a
// discarded one it is an engine.KindConflict error. After a failed Commit the
// blob stays staged, so Commit may be retried and Discard must still be
// called.
func (s *Staged) Commit(ctx context.Context) error {
	const op = commitOp
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case committed:
		return nil
	case discarded:
		return engine.E(op, engine.KindConflict, "staged blob was discarded")
	}
	if err := ctx.Err(); err != nil {
		return engine.E(op, err)
	}
	if err := s.publish(ctx, s.tmp, s.SHA256, s.Size); err != nil {
		return err
	}
	s.state = committed
	// The blob is in the store; failing to remove a leftover temporary file
	// is not worth failing the commit for (the file backend sweeps them).
	_ = removeIfExists(s.tmp)
	return nil
}

// Discard removes the staged content. It is safe to call more than once and
// after Commit, when it does nothing.
func (s *Staged) Discard() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != staged {
		return nil
	}
	s.state = discarded
	if err := removeIfExists(s.tmp); err != nil {
		return engine.E("blob.Discard", "cannot remove staged content", err)
	}
	return nil
}

// stagePrefix starts the names of temporary files, which may be in a
// directory shared with other programs.
const stagePrefix = "obieg-blob-"

// stage copies at most limit bytes of r into a new temporary file in dir,
// hashing them on the way. On any error the temporary file is removed.
func stage(ctx context.Context, dir string, r io.Reader, limit int64, publish publishFunc) (_ *Staged, err error) {
	const op = "blob.Stage"
	if limit < 0 {
		return nil, engine.Errorf(op, engine.KindInvalid, "negative size limit %d", limit)
	}
	f, err := os.CreateTemp(dir, stagePrefix+"*")
	if err != nil {
		return nil, engine.E(op, "cannot create temporary file", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	// Read one byte more than allowed to tell "exactly limit" from "more".
	upTo := limit
	if upTo < math.MaxInt64 {
		upTo++
	}
	src := &readErrReader{ctx: ctx, r: io.LimitReader(r, upTo)}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), src)
	switch {
	case src.err != nil:
		return nil, engine.E(op, "cannot read content", src.err)
	case err != nil:
		return nil, engine.E(op, "cannot write temporary file", err)
	case n > limit:
		return nil, engine.E(op, engine.KindTooLarge, fmt.Sprintf("content exceeds the limit of %d bytes", limit))
	}
	if err := f.Close(); err != nil {
		return nil, engine.E(op, "cannot write temporary file", err)
	}
	return &Staged{
		SHA256:  hex.EncodeToString(h.Sum(nil)),
		Size:    n,
		tmp:     f.Name(),
		publish: publish,
	}, nil
}

// readErrReader remembers errors from the source, so that stage can tell a
// failing client from a failing disk, and stops when ctx is done.
type readErrReader struct {
	ctx context.Context
	r   io.Reader
	err error
}

func (r *readErrReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return 0, err
	}
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// verifier hashes what is read through it and turns the final io.EOF into an
// ErrCorrupt error if the content does not match the blob's name.
type verifier struct {
	rc     io.ReadCloser
	sha    string
	h      hash.Hash
	mapErr func(error) error // classifies errors of rc
	err    error             // sticky: once the end is reached it stays reached
}

func newVerifier(rc io.ReadCloser, sha string, mapErr func(error) error) *verifier {
	return &verifier{rc: rc, sha: sha, h: sha256.New(), mapErr: mapErr}
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	switch {
	case err == io.EOF:
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.sha {
			err = engine.E("blob.Read", engine.KindOther,
				fmt.Sprintf("blob %s is corrupt (its content hashes to %s)", v.sha, got), ErrCorrupt)
		}
		v.err = err
	case err != nil:
		v.err = v.mapErr(err)
		err = v.err
	}
	return n, err
}

func (v *verifier) Close() error {
	if err := v.rc.Close(); err != nil {
		return v.mapErr(err)
	}
	return nil
}

// checkSHA rejects anything but 64 lowercase hex digits. Names are used to
// build paths and keys, so this is also what rules out path traversal.
func checkSHA(op, s string) error {
	if len(s) != 2*sha256.Size {
		return engine.Invalid(op, "sha256", "a blob name must be 64 lowercase hex digits")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return engine.Invalid(op, "sha256", "a blob name must be 64 lowercase hex digits")
		}
	}
	return nil
}

func removeIfExists(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// checkQuery rejects query parameters other than allowed, so that a typo in
// a configured URL fails loudly instead of being ignored.
func checkQuery(op string, q url.Values, allowed ...string) error {
next:
	for k := range q {
		for _, a := range allowed {
			if k == a {
				continue next
			}
		}
		return engine.Errorf(op, engine.KindInvalid, "unknown blob store URL parameter %q", k)
	}
	return nil
}
