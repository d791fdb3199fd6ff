// Package blobtest starts a real S3 server (versitygw) for tests outside
// package blob: the HTTP adapter's tests and the benchmarks. The binary comes
// from OBIEG_VERSITYGW, which `make test` sets after building it once.
package blobtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// EnvVersitygw names the variable holding the path of the versitygw binary.
const EnvVersitygw = "OBIEG_VERSITYGW"

// Start runs versitygw with its posix backend in a temporary directory for
// the test and returns an s3:// URL of a bucket on it. The server is killed
// when the test ends (or if the test binary dies). Without OBIEG_VERSITYGW
// the test is skipped; if the server does not start, the test fails.
func Start(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvVersitygw)
	if bin == "" {
		t.Skipf("%s is not set: run `make test`, which builds and starts versitygw", EnvVersitygw)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	logName := filepath.Join(dir, "versitygw.log")
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		logf, err := os.Create(logName)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--access", "obiegtest", "--secret", "obiegtest-secret-key", "--port", addr, "--quiet", "posix", root)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		logf.Close()
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if waitListening(addr, exited, 20*time.Second) {
			t.Cleanup(func() { cmd.Process.Kill(); <-exited })
			return fmt.Sprintf("s3://obiegtest:obiegtest-secret-key@%s/obieg-test?secure=false&tmp=%s", addr, dir)
		}
		cmd.Process.Kill()
		<-exited
	}
	log, _ := os.ReadFile(logName)
	t.Fatalf("%s did not start; its output:\n%s", bin, log)
	return ""
}

func waitListening(addr string, exited <-chan struct{}, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}
