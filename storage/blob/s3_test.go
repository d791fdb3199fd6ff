package blob_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/storage/blob"
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopVersity()
	os.Exit(code)
}

var buckets atomic.Int64

// s3Harness opens a store on a new bucket of the test server.
func s3Harness(t *testing.T) harness {
	h, _ := newS3(t)
	return h
}

// newS3 opens a store on a new bucket of the test server and returns the
// bucket's name.
func newS3(t *testing.T) (harness, string) {
	endpoint := versity(t)
	bucket := fmt.Sprintf("obieg-test-%d", buckets.Add(1))
	tmp := t.TempDir()
	s, err := blob.Open(t.Context(), s3URL(endpoint, bucket, tmp))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	c := testClient(t, endpoint)
	return harness{
		store: s,
		files: func(t *testing.T) int {
			n := countFiles(t, tmp)
			for obj := range c.ListObjects(t.Context(), bucket, minio.ListObjectsOptions{Recursive: true}) {
				if obj.Err != nil {
					t.Fatalf("listing bucket: %v", obj.Err)
				}
				n++
			}
			return n
		},
		tamper: func(t *testing.T, sha string, content []byte) {
			_, err := c.PutObject(t.Context(), bucket, "sha256/"+sha, bytes.NewReader(content), int64(len(content)), minio.PutObjectOptions{})
			if err != nil {
				t.Fatalf("overwriting object: %v", err)
			}
		},
	}, bucket
}

func TestS3(t *testing.T) {
	versity(t) // skip once, not in every subtest
	testStore(t, s3Harness)
}

func TestS3CreatesBucket(t *testing.T) {
	h, bucket := newS3(t)
	endpoint := versity(t)
	c := testClient(t, endpoint)
	if ok, err := c.BucketExists(t.Context(), bucket); err != nil || !ok {
		t.Fatalf("bucket %s after Open: exists = %v, %v", bucket, ok, err)
	}
	sha := put(t, h.store, []byte("Rejestr przesyłek wpływających"))
	if _, err := c.StatObject(t.Context(), bucket, "sha256/"+sha, minio.StatObjectOptions{}); err != nil {
		t.Fatalf("object not under sha256/<hex>: %v", err)
	}
	// Opening an existing bucket is fine, and sees the same blobs.
	s, err := blob.Open(t.Context(), s3URL(endpoint, bucket, t.TempDir()))
	if err != nil {
		t.Fatalf("Open of existing bucket: %v", err)
	}
	defer s.Close()
	if _, err := s.Stat(t.Context(), sha); err != nil {
		t.Fatalf("Stat through second store: %v", err)
	}
}

func TestS3CredentialsFromEnv(t *testing.T) {
	endpoint := versity(t)
	t.Setenv(blob.EnvS3AccessKey, testAccess)
	t.Setenv(blob.EnvS3SecretKey, testSecret)
	u := fmt.Sprintf("s3://%s/obieg-env-%d?secure=false&tmp=%s", endpoint, buckets.Add(1), t.TempDir())
	s, err := blob.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open with credentials from environment: %v", err)
	}
	defer s.Close()
	content := []byte("x")
	mustRead(t, s, put(t, s, content), content)
}

func TestS3WrongCredentials(t *testing.T) {
	endpoint := versity(t)
	const secret = "not-the-secret-key"
	u := fmt.Sprintf("s3://%s:%s@%s/obieg-denied?secure=false&tmp=%s", testAccess, secret, endpoint, t.TempDir())
	_, err := blob.Open(t.Context(), u)
	if err == nil {
		t.Fatal("Open with a wrong secret succeeded")
	}
	if engine.Is(engine.KindUnavailable, err) || !strings.Contains(err.Error(), "obieg-denied") {
		t.Errorf("err = %v (kind %v), want a refusal naming the bucket", err, engine.KindOf(err))
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error reveals the secret: %v", err)
	}
}

// TestS3Unavailable needs no server: nothing listening is the point.
func TestS3Unavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, err = blob.Open(ctx, "s3://a:b@"+addr+"/bucket?secure=false")
	if !engine.Is(engine.KindUnavailable, err) {
		t.Fatalf("Open with no server: err = %v (kind %v), want unavailable", err, engine.KindOf(err))
	}
}

func TestS3URL(t *testing.T) {
	t.Setenv(blob.EnvS3AccessKey, "")
	t.Setenv(blob.EnvS3SecretKey, "")
	for _, u := range []string{
		"s3://AK:hunter2xyz@/bucket",
		"s3://AK:hunter2xyz@host:9000",
		"s3://AK:hunter2xyz@host:9000/",
		"s3://AK:hunter2xyz@host:9000/bucket/prefix",
		"s3://AK:hunter2xyz@host:9000/bucket?secure=maybe",
		"s3://AK:hunter2xyz@host:9000/bucket?scure=false",
		"s3://AK@host:9000/bucket",
		"s3://host:9000/bucket",
		"s3://AK:hunter2xyz@host:9000/bucket%zz",
	} {
		_, err := blob.Open(t.Context(), u)
		if !engine.Is(engine.KindInvalid, err) {
			t.Errorf("Open(%q): err = %v, want invalid", u, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2xyz") {
			t.Errorf("Open(%q): error reveals the secret: %v", u, err)
		}
	}
}

func s3URL(endpoint, bucket, tmp string) string {
	return fmt.Sprintf("s3://%s:%s@%s/%s?secure=false&region=us-east-1&tmp=%s", testAccess, testSecret, endpoint, bucket, tmp)
}

func testClient(t *testing.T, endpoint string) *minio.Client {
	t.Helper()
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(testAccess, testSecret, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
