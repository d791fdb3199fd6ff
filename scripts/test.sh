#!/usr/bin/env bash
# make test: a private PostgreSQL (as a non-root user, private socket and
# port) and a real S3 server (versitygw, built once with a pinned go install
# and cached), then the whole test suite. Everything started is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${OBIEG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/obieg}
versitygw_version=v1.8.0
gw="$cache/bin/versitygw-$versitygw_version"
if [ ! -x "$gw" ]; then
	echo "building versitygw $versitygw_version (once; cached in $cache/bin)…" >&2
	mkdir -p "$cache/bin"
	GOBIN="$cache/bin/tmp" go install "github.com/versity/versitygw/cmd/versitygw@$versitygw_version"
	mv "$cache/bin/tmp/versitygw" "$gw"
	rmdir "$cache/bin/tmp" 2>/dev/null || true
fi
export OBIEG_VERSITYGW="$gw"

# poppler-utils reads the PDFs the tests produce (pdfsig checks their signatures),
# zbar-tools scans their barcodes, xmlsec1 checks XML signatures, libxml2-utils
# (xmllint) validates XML against the schemas, chromium drives the web UI tests.
if ! command -v pdftotext >/dev/null || ! command -v zbarimg >/dev/null || ! command -v xmlsec1 >/dev/null ||
	! command -v xmllint >/dev/null || ! [ -x /usr/bin/chromium ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing poppler-utils, zbar-tools, xmlsec1, libxml2-utils and chromium…" >&2
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils zbar-tools xmlsec1 libxml2-utils chromium >/dev/null
	else
		echo "tests need pdftotext, zbarimg, xmlsec1, xmllint and chromium: sudo apt-get install poppler-utils zbar-tools xmlsec1 libxml2-utils chromium" >&2
	fi
fi
# The browser tests must run, not skip; their screenshots are kept here.
export OBIEG_REQUIRE_BROWSER=1
export OBIEG_ARTIFACTS=${OBIEG_ARTIFACTS:-$PWD/var/test-artifacts}
mkdir -p "$OBIEG_ARTIFACTS"

pgdata=$(mktemp -d /tmp/obieg-test-pg.XXXXXX)
port=$(( 55000 + RANDOM % 5000 ))
cleanup() {
	scripts/pg.sh stop "$pgdata" || true
	rm -rf "$pgdata" "/tmp/obieg-pg-$(printf '%s' "$(realpath -m "$pgdata")" | sha1sum | cut -c1-12)"
}
trap cleanup EXIT
export OBIEG_TEST_DATABASE_URL=$(scripts/pg.sh start "$pgdata" "$port")
echo "test PostgreSQL on port $port" >&2
go test -count=1 -timeout 15m "$@" ./...
