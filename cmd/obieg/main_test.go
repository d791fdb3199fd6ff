package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/storage/postgres/pgtest"
)

// obieg runs a command in-process and returns what it printed.
func obieg(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	stdout = &buf
	t.Cleanup(func() { stdout = nil })
	err := run(context.Background(), args)
	return buf.String(), err
}

func TestSeedTokenVerify(t *testing.T) {
	url := pgtest.URL(t)
	t.Setenv("OBIEG_DATABASE_URL", url)
	t.Setenv("OBIEG_BLOB_URL", "file://"+t.TempDir())
	t.Setenv("OBIEG_LOG_LEVEL", "warn")

	out, err := obieg(t, "seed")
	if err != nil || !strings.Contains(out, "admin") || !strings.Contains(out, "kancelaria") {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if out, err = obieg(t, "seed"); err != nil || !strings.Contains(out, "nothing to seed") {
		t.Fatalf("second seed: %v\n%s", err, out)
	}
	tok, err := obieg(t, "token", "create", "--user", "admin")
	if err != nil || !strings.HasPrefix(tok, "obg_") {
		t.Fatalf("token: %v %q", err, tok)
	}

	a, err := open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	admin, err := a.reg.Authenticate(ctx, strings.TrimSpace(tok))
	if err != nil || admin.Login != "admin" {
		t.Fatalf("the printed token does not authenticate: %v", err)
	}
	c, err := a.reg.CreateCase(ctx, admin, registry.NewCase{Unit: "FN", JRWA: "3120", Title: "Sprawa demonstracyjna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.reg.SuspendCase(ctx, admin, c.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if out, err = obieg(t, "verify"); err != nil || !strings.Contains(out, "metryka OK: 2 entries in 1 cases") {
		t.Fatalf("verify intact: %v\n%s", err, out)
	}
	// Tamper as superuser, around the append-only trigger.
	if _, err := a.db.Pool.Exec(ctx, `ALTER TABLE metryka DISABLE TRIGGER metryka_append_only;
		UPDATE metryka SET details = '{"reason":"inny powód","status":"suspended"}' WHERE seq = 2;
		ALTER TABLE metryka ENABLE TRIGGER metryka_append_only`); err != nil {
		t.Fatal(err)
	}
	out, err = obieg(t, "verify")
	var ee exitError
	if !errors.As(err, &ee) || ee != 1 {
		t.Fatalf("verify of a tampered chain: err %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(out, "first broken link: case "+c.Signature) || !strings.Contains(out, "entry 2") {
		t.Errorf("verify does not name the broken entry:\n%s", out)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("OBIEG_DATABASE_URL", "postgres://x@/y")
	t.Setenv("OBIEG_LOG_FORMAT", "xml")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "OBIEG_LOG_FORMAT") {
		t.Errorf("bad log format: %v", err)
	}
	t.Setenv("OBIEG_LOG_FORMAT", "text")
	t.Setenv("OBIEG_MAX_UPLOAD_BYTES", "lots")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "MAX_UPLOAD_BYTES") {
		t.Errorf("bad upload size: %v", err)
	}
	if _, err := obieg(t, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
}
