package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"obieg.dev/obieg/engine"
)

// Environment variables holding the S3 credentials when the URL has none.
// Keeping them out of the URL keeps them out of configuration files.
const (
	EnvS3AccessKey = "OBIEG_S3_ACCESS_KEY"
	EnvS3SecretKey = "OBIEG_S3_SECRET_KEY"
)

// s3Store keeps blobs as objects "sha256/<hex>" in one bucket of an
// S3-compatible service. Content is staged in a local directory first: the
// hash (the object's name) is only known once all of it has been read, and
// an upload that turns out too large never reaches the service.
type s3Store struct {
	client *minio.Client
	bucket string
	tmp    string
}

// openS3 opens the store at
//
//	s3://[ACCESS:SECRET@]host[:port]/bucket[?secure=true|false][&region=…][&tmp=/dir]
//
// secure (default true) selects HTTPS; tmp (default os.TempDir()) is where
// content is staged. The bucket is created if it does not exist.
func openS3(ctx context.Context, u *url.URL) (*s3Store, error) {
	const op = "blob.Open"
	q := u.Query()
	if err := checkQuery(op, q, "secure", "region", "tmp"); err != nil {
		return nil, err
	}
	if u.Host == "" {
		return nil, engine.E(op, engine.KindInvalid, "s3 URL has no host")
	}
	bucket := strings.Trim(u.Path, "/")
	if bucket == "" || strings.Contains(bucket, "/") {
		return nil, engine.E(op, engine.KindInvalid, "s3 URL path must be exactly a bucket name: s3://host/bucket")
	}
	secure := true
	if v := q.Get("secure"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, engine.Errorf(op, engine.KindInvalid, "s3 URL parameter secure=%q is not a boolean", v)
		}
		secure = b
	}
	access, secret := os.Getenv(EnvS3AccessKey), os.Getenv(EnvS3SecretKey)
	if u.User != nil {
		access, secret = u.User.Username(), ""
		if p, ok := u.User.Password(); ok {
			secret = p
		}
	}
	if access == "" || secret == "" {
		return nil, engine.Errorf(op, engine.KindInvalid,
			"no S3 credentials: give them in the URL (s3://ACCESS:SECRET@host/bucket) or in %s and %s",
			EnvS3AccessKey, EnvS3SecretKey)
	}
	tmp := q.Get("tmp")
	if tmp == "" {
		tmp = os.TempDir()
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, engine.E(op, "cannot create staging directory", err)
	}

	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(access, secret, ""),
		Secure: secure,
		Region: q.Get("region"),
	})
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, "bad s3 endpoint", err)
	}
	s := &s3Store{client: client, bucket: bucket, tmp: tmp}
	if err := s.ensureBucket(ctx, q.Get("region")); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket if it does not exist, so that a fresh
// deployment needs no manual step.
func (s *s3Store) ensureBucket(ctx context.Context, region string) error {
	const op = "blob.Open"
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s3Err(op, fmt.Sprintf("cannot check bucket %q", s.bucket), err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" { // another instance won the race
		return s3Err(op, fmt.Sprintf("bucket %q does not exist and could not be created", s.bucket), err)
	}
	return nil
}

func key(sha string) string { return "sha256/" + sha }

func (s *s3Store) Stage(ctx context.Context, r io.Reader, limit int64) (*Staged, error) {
	return stage(ctx, s.tmp, r, limit, s.publish)
}

// publish uploads the staged file unless an object of that name and size is
// already there (same name, same bytes; a different size means it is damaged
// and is replaced).
func (s *s3Store) publish(ctx context.Context, tmp, sha string, size int64) error {
	info, err := s.client.StatObject(ctx, s.bucket, key(sha), minio.StatObjectOptions{})
	switch {
	case err == nil && info.Size == size:
		return nil
	case err != nil && s3Kind(err) != engine.KindNotFound:
		return s3Err(commitOp, "cannot check for existing blob", err)
	}
	f, err := os.Open(tmp)
	if err != nil {
		return engine.E(commitOp, "cannot open staged content", err)
	}
	defer f.Close()
	up, err := s.client.PutObject(ctx, s.bucket, key(sha), f, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
	})
	if err != nil {
		return s3Err(commitOp, "cannot upload blob", err)
	}
	if up.Size != size {
		return engine.Errorf(commitOp, engine.KindOther, "uploaded %d bytes of blob %s, want %d", up.Size, sha, size)
	}
	return nil
}

func (s *s3Store) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	const op = "blob.Open"
	if err := checkSHA(op, sha); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, s3Err(op, "", err)
	}
	// GetObject is lazy; Stat sends the request, so that a missing blob is
	// reported here and not by the first Read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s3BlobErr(op, sha, err)
	}
	return newVerifier(obj, sha, func(err error) error { return s3Err("blob.Read", "", err) }), nil
}

func (s *s3Store) Stat(ctx context.Context, sha string) (int64, error) {
	const op = "blob.Stat"
	if err := checkSHA(op, sha); err != nil {
		return 0, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key(sha), minio.StatObjectOptions{})
	if err != nil {
		return 0, s3BlobErr(op, sha, err)
	}
	return info.Size, nil
}

// Close does nothing: the client holds only pooled HTTP connections.
func (s *s3Store) Close() error { return nil }

func s3BlobErr(op, sha string, err error) error {
	if s3Kind(err) == engine.KindNotFound {
		return engine.Errorf(op, engine.KindNotFound, "blob %s not found", sha)
	}
	return s3Err(op, "", err)
}

func s3Err(op, msg string, err error) error {
	if msg == "" {
		return engine.E(op, s3Kind(err), err)
	}
	return engine.E(op, s3Kind(err), msg, err)
}

// s3Kind classifies an error of the S3 client. Failing to reach or hear back
// from the service is KindUnavailable (retry later); a refusal by the
// service, such as bad credentials, is KindOther: retrying will not help.
func s3Kind(err error) engine.Kind {
	var resp minio.ErrorResponse
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &netErr):
		return engine.KindUnavailable
	case !errors.As(err, &resp):
		return engine.KindOther
	case resp.Code == minio.NoSuchKey:
		return engine.KindNotFound
	case resp.Code == "SlowDown", resp.StatusCode == 429,
		resp.StatusCode == 502, resp.StatusCode == 503, resp.StatusCode == 504:
		return engine.KindUnavailable
	}
	return engine.KindOther
}
