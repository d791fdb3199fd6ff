package main

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

type peerFunc func(ctx context.Context, admin string, n, c int) (result, error)

var peers = []struct {
	name string
	run  peerFunc
}{
	{"river", peerRiverChain},
	{"goworkflows", peerGoWorkflows},
	{"raw", peerRawInsert},
}

func benchAdmin(t *testing.T) string {
	admin := os.Getenv("OBIEG_BENCH_DATABASE_URL")
	if admin == "" {
		t.Skip("OBIEG_BENCH_DATABASE_URL not set (scripts/pg.sh start DIR PORT prints one)")
	}
	return admin
}

// TestPeersSmoke runs each peer with 50 instances from 4 clients and checks
// that every instance completed.
func TestPeersSmoke(t *testing.T) {
	admin := benchAdmin(t)
	const n, c = 50, 4
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			r, err := p.run(ctx, admin, n, c)
			if err != nil {
				t.Fatal(err)
			}
			if r.ops != n || r.errors != 0 {
				t.Fatalf("%s: %d instances, %d errors; want %d, 0", r.name, r.ops, r.errors, n)
			}
			t.Logf("%s: %d in %v = %.0f/s, p50 %v, p99 %v", r.name, r.ops, r.took.Round(time.Millisecond), r.rate(), r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond))
		})
	}
}

// TestPeersTimed runs each peer at OBIEG_BENCH_PEERS_N instances from
// OBIEG_BENCH_PEERS_C clients (default 8), one after another, and logs
// instances/s; skipped unless OBIEG_BENCH_PEERS_N is set.
func TestPeersTimed(t *testing.T) {
	admin := benchAdmin(t)
	n, _ := strconv.Atoi(os.Getenv("OBIEG_BENCH_PEERS_N"))
	if n <= 0 {
		t.Skip("OBIEG_BENCH_PEERS_N not set")
	}
	c, _ := strconv.Atoi(os.Getenv("OBIEG_BENCH_PEERS_C"))
	if c <= 0 {
		c = 8
	}
	for _, p := range peers {
		r, err := p.run(context.Background(), admin, n, c)
		if err != nil {
			t.Errorf("%s: %v", p.name, err)
			continue
		}
		t.Logf("n=%d c=%d  %-36s %8.1f instances/s  took %-10v p50 %-10v p99 %-10v errors %d", n, c, r.name, r.rate(),
			r.took.Round(time.Millisecond), r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond), r.errors)
		if r.errors != 0 {
			t.Errorf("%s: %d errors", r.name, r.errors)
		}
	}
}
