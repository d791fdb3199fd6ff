#!/usr/bin/env bash
# make bench: a private PostgreSQL, then the benchmark module (bench/, its own go.mod).
# With no arguments (or -suite all / -suite search) it also prepares the demo
# office scaled to 100,000 documents (obieg seed-scale) for the search suite.
set -euo pipefail
cd "$(dirname "$0")/.."
pgdata=$(mktemp -d /tmp/obieg-bench-pg.XXXXXX)
blobs=$(mktemp -d /tmp/obieg-bench-blobs.XXXXXX)
port=$(( 55000 + RANDOM % 5000 ))
cleanup() {
	scripts/pg.sh stop "$pgdata" || true
	rm -rf "$pgdata" "$blobs" "/tmp/obieg-pg-$(printf '%s' "$(realpath -m "$pgdata")" | sha1sum | cut -c1-12)"
}
trap cleanup EXIT
admin=$(scripts/pg.sh start "$pgdata" "$port")
suite=all
for a in "$@"; do case "$a" in -suite=*) suite=${a#-suite=} ;; esac; done
prev=
for a in "$@"; do [ "$prev" = "-suite" ] && suite=$a; prev=$a; done
if [ "$suite" != search ]; then
	(cd bench && go run . -db "$admin" "$@")
fi
if [ "$suite" = all ] || [ "$suite" = search ]; then
	db=obieg_bench_search
	psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
	url=${admin/\/postgres\?//$db?}
	echo; echo "search: the demo office scaled to 100,000 documents (obieg seed-scale)…"
	OBIEG_DATABASE_URL=$url OBIEG_BLOB_URL=file://$blobs OBIEG_LOG_LEVEL=warn ./bin/obieg seed >/dev/null
	OBIEG_DATABASE_URL=$url OBIEG_BLOB_URL=file://$blobs OBIEG_LOG_LEVEL=warn ./bin/obieg seed-scale --documents 100000
	(cd bench && go run . -db "$admin" -suite search -search-db "$url")
fi
