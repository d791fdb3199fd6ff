#!/usr/bin/env bash
# make bench: a private PostgreSQL, then the benchmark module (bench/, its own go.mod).
set -euo pipefail
cd "$(dirname "$0")/.."
pgdata=$(mktemp -d /tmp/obieg-bench-pg.XXXXXX)
port=$(( 55000 + RANDOM % 5000 ))
cleanup() {
	scripts/pg.sh stop "$pgdata" || true
	rm -rf "$pgdata" "/tmp/obieg-pg-$(printf '%s' "$(realpath -m "$pgdata")" | sha1sum | cut -c1-12)"
}
trap cleanup EXIT
admin=$(scripts/pg.sh start "$pgdata" "$port")
(cd bench && go run . -db "$admin" "$@")
