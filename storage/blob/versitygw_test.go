package blob_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The S3 tests run against a real S3 server: versitygw with its posix
// backend, started once for the whole package and stopped by TestMain.

const (
	envVersity = "OBIEG_VERSITYGW" // path to the versitygw binary

	testAccess = "obiegtest"
	testSecret = "obiegtest-secret-key"
)

var vgw struct {
	once     sync.Once
	err      error
	endpoint string // host:port
	dir      string
	cmd      *exec.Cmd
	exited   chan error
}

// versity returns the address of the test S3 server, starting it on first
// use. Without OBIEG_VERSITYGW the test is skipped; if the server does not
// start, the test fails.
func versity(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(envVersity)
	if bin == "" {
		t.Skipf("S3 tests need a real S3 server: set %s to the path of a versitygw binary "+
			"(go install github.com/versity/versitygw/cmd/versitygw@v1.8.0); the Makefile does", envVersity)
	}
	vgw.once.Do(func() { vgw.err = startVersity(bin) })
	if vgw.err != nil {
		t.Fatalf("starting versitygw: %v", vgw.err)
	}
	return vgw.endpoint
}

func startVersity(bin string) error {
	dir, err := os.MkdirTemp("", "obieg-versitygw-")
	if err != nil {
		return err
	}
	vgw.dir = dir
	root := filepath.Join(dir, "root") // every directory in it is a bucket
	if err := os.Mkdir(root, 0o700); err != nil {
		return err
	}
	logName := filepath.Join(dir, "versitygw.log")
	logf, err := os.Create(logName)
	if err != nil {
		return err
	}
	defer logf.Close()

	// The free port is found by listening and closing, so another process
	// may take it before the server does: try again with another.
	var lastErr error
	for range 3 {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		cmd := exec.Command(bin, "--access", testAccess, "--secret", testSecret,
			"--port", addr, "--quiet", "posix", root)
		cmd.Stdout, cmd.Stderr = logf, logf
		killWithParent(cmd)
		if err := cmd.Start(); err != nil {
			return err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		err = waitListening(addr, exited, 20*time.Second)
		lastErr = err
		if err == nil {
			vgw.cmd, vgw.exited, vgw.endpoint = cmd, exited, addr
			return nil
		}
		if !errors.Is(err, errExited) { // alive but deaf: give up
			cmd.Process.Kill()
			<-exited
			break
		}
	}
	log, _ := os.ReadFile(logName)
	return fmt.Errorf("%s did not start: %v; its output:\n%s", bin, lastErr, log)
}

var errExited = errors.New("server exited")

// waitListening waits until addr accepts connections. If the server exits
// first it returns an error wrapping errExited, having received from exited.
func waitListening(addr string, exited <-chan error, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("%w: %v", errExited, err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not listening on %s after %v", addr, timeout)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func stopVersity() {
	if vgw.cmd != nil {
		vgw.cmd.Process.Kill()
		<-vgw.exited
	}
	if vgw.dir != "" {
		os.RemoveAll(vgw.dir)
	}
}
