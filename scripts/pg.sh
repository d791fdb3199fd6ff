#!/usr/bin/env bash
# Project-local PostgreSQL: a private cluster on a private socket directory and
# port, run as a non-root user (PostgreSQL refuses to run as root).
#
#   scripts/pg.sh start DATADIR PORT   start (initdb first when DATADIR is empty); prints the admin DSN
#   scripts/pg.sh stop  DATADIR        stop it (fast shutdown)
#   scripts/pg.sh dsn   DATADIR PORT   print the DSN of the app role for database "obieg"
#
# The socket directory is /tmp/obieg-pg-<hash of DATADIR> (short enough for
# the 107-byte socket path limit). No TCP listener: listen_addresses=''.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

find_bindir() {
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	return 1
}

ensure_installed() {
	BINDIR=$(find_bindir) && return
	[ "$(id -u)" = 0 ] || die "PostgreSQL server not found; install it: sudo apt-get install -y postgresql"
	echo "pg.sh: installing PostgreSQL (apt-get install postgresql)…" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
	BINDIR=$(find_bindir) || die "PostgreSQL installed but initdb not found"
}

# run_as: the server and its tools run as the current user, or as "postgres"
# (created when missing) when we are root.
run_as() {
	if [ "$(id -u)" = 0 ]; then
		id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

sockdir_of() { echo "/tmp/obieg-pg-$(printf '%s' "$(realpath -m "$1")" | sha1sum | cut -c1-12)"; }

cmd=${1:-}; datadir=${2:-}; port=${3:-}
[ -n "$cmd" ] && [ -n "$datadir" ] || die "usage: pg.sh start|stop|dsn DATADIR [PORT]"
datadir=$(realpath -m "$datadir")
sock=$(sockdir_of "$datadir")

case "$cmd" in
start)
	[ -n "$port" ] || die "start needs a PORT"
	ensure_installed
	mkdir -p "$datadir" "$sock"
	if [ "$(id -u)" = 0 ]; then
		id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
		chown postgres: "$datadir" "$sock"
		runuser -u postgres -- test -w "$datadir" || die "user postgres cannot write $datadir (a parent directory is not traversable); set OBIEG_PGDATA to a directory it can reach"
	fi
	chmod 700 "$datadir" "$sock"
	if [ ! -f "$datadir/PG_VERSION" ]; then
		run_as "$BINDIR/initdb" -D "$datadir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$sock/initdb.log" 2>&1 \
			|| { cat "$sock/initdb.log" >&2; die "initdb failed"; }
		cat >>"$datadir/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
fsync = on
CONF
	fi
	# The socket directory is recorded in postgresql.conf; keep it in sync if DATADIR moved.
	sed -i "s|^unix_socket_directories = .*|unix_socket_directories = '$sock'|" "$datadir/postgresql.conf"
	if ! run_as "$BINDIR/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
		run_as "$BINDIR/pg_ctl" -D "$datadir" -o "-p $port" -l "$datadir/server.log" -w -t 60 start >/dev/null \
			|| { tail -20 "$datadir/server.log" >&2; die "server did not start"; }
	fi
	psql_admin() { "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"; }
	# The application's owner role: not a superuser, may create the RLS role.
	psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='obieg'" | grep -q 1 \
		|| psql_admin -c "CREATE ROLE obieg LOGIN CREATEROLE"
	psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='obieg'" | grep -q 1 \
		|| psql_admin -c "CREATE DATABASE obieg OWNER obieg"
	echo "postgres://postgres@/postgres?host=$sock&port=$port&sslmode=disable"
	;;
stop)
	BINDIR=$(find_bindir) || exit 0
	[ -f "$datadir/PG_VERSION" ] || exit 0
	run_as "$BINDIR/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
	;;
dsn)
	[ -n "$port" ] || die "dsn needs a PORT"
	echo "postgres://obieg@/obieg?host=$sock&port=$port&sslmode=disable"
	;;
*) die "unknown command $cmd" ;;
esac
