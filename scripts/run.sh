#!/usr/bin/env bash
# make run: start a project-local PostgreSQL unless OBIEG_DATABASE_URL is set,
# migrate, seed the demo office (once), and serve on http://localhost:8080.
# Ctrl-C stops the server and the database; the data stays under ./var.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/blobs
port=${OBIEG_PG_PORT:-54329}
pgdata=${OBIEG_PGDATA:-var/pg}
started_pg=
sim=
edorsim=
cleanup() {
	for p in $sim $edorsim; do
		kill -INT "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	if [ -n "$started_pg" ]; then
		echo "stopping PostgreSQL…" >&2
		scripts/pg.sh stop "$pgdata"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${OBIEG_DATABASE_URL:-}" ]; then
	scripts/pg.sh start "$pgdata" "$port" >/dev/null
	started_pg=1
	dsn=$(scripts/pg.sh dsn "$pgdata" "$port")
	# Commands such as `./bin/obieg token create` read this when OBIEG_DATABASE_URL is unset.
	printf 'OBIEG_DATABASE_URL=%s\n' "$dsn" > var/local.env
	export OBIEG_DATABASE_URL="$dsn"
	echo "PostgreSQL: $pgdata (socket $(scripts/pg.sh dsn "$pgdata" "$port" | sed 's/.*host=\([^&]*\).*/\1/'), port $port)" >&2
fi
export OBIEG_LOG_FORMAT=${OBIEG_LOG_FORMAT:-text}
# Without the authority's qualified certificate, decisions are signed with a
# development key made once in var/ (it verifies, it is not qualified).
if [ -z "${OBIEG_SIGN_CERT:-}" ]; then
	export OBIEG_SIGN_DEV_KEY=${OBIEG_SIGN_DEV_KEY:-var/dev-sign.pem}
fi
./bin/obieg migrate
./bin/obieg seed

# The ePUAP simulator, with the demo office's box wired to it (pulled every minute).
if [ -z "${OBIEG_EPUAP_URL:-}" ]; then
	export OBIEG_EPUAP_SIM_LISTEN=${OBIEG_EPUAP_SIM_LISTEN:-127.0.0.1:8081}
	./bin/obieg epuap-sim &
	sim=$!
	export OBIEG_EPUAP_URL="http://$OBIEG_EPUAP_SIM_LISTEN" OBIEG_EPUAP_ENTITY=${OBIEG_EPUAP_ENTITY:-ugprzykladowo}
	export OBIEG_EPUAP_PULL_SCHEDULE=${OBIEG_EPUAP_PULL_SCHEDULE:-@every 1m}
	# The simulator signs UPP/UPD with a development key made at its start:
	# trust its certificate, so the office verifies the receipts.
	if [ -z "${OBIEG_EPUAP_TRUST:-}" ]; then
		rm -f var/epuap-sim.pem
		for _ in $(seq 50); do
			curl -fsS "$OBIEG_EPUAP_URL/sim/certificate" -o var/epuap-sim.pem 2>/dev/null && break
			sleep 0.1
		done
		if [ -s var/epuap-sim.pem ]; then export OBIEG_EPUAP_TRUST=var/epuap-sim.pem; fi
	fi
	echo "ePUAP simulator on $OBIEG_EPUAP_URL (box /$OBIEG_EPUAP_ENTITY/skrytka; its API under /sim/; trust ${OBIEG_EPUAP_TRUST:-none})" >&2
fi
# The e-Doręczenia simulator with the office's two mailboxes and a citizen's
# (Jan Nowak, AE:PL-30000-40000-NOWAK-28), pulled every minute.
if [ -z "${OBIEG_EDOR_URL:-}" ]; then
	export OBIEG_EDOR_SIM_LISTEN=${OBIEG_EDOR_SIM_LISTEN:-127.0.0.1:8082}
	./bin/obieg edoreczenia-sim &
	edorsim=$!
	export OBIEG_EDOR_URL="http://$OBIEG_EDOR_SIM_LISTEN" OBIEG_EDOR_CLIENT_ID=obieg OBIEG_EDOR_CLIENT_SECRET=demo-secret
	export OBIEG_EDOR_SEARCH_URL="$OBIEG_EDOR_URL/search/addresses"
	export OBIEG_EDOR_PULL_SCHEDULE=${OBIEG_EDOR_PULL_SCHEDULE:-@every 1m}
	echo "e-Doręczenia simulator on $OBIEG_EDOR_URL (office AE:PL-10000-20000-PRZYK-28, tax unit AE:PL-10000-20001-PODAT-24; its API under /sim/)" >&2
fi
listen=${OBIEG_LISTEN:-:8080}
url="http://localhost:${listen##*:}"
echo "Serving on $url — API docs at $url/api/v1/openapi.json; Ctrl-C stops." >&2
# Not exec: the trap must stop PostgreSQL after the server exits.
./bin/obieg serve &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server; exit 130' INT TERM
wait $server
