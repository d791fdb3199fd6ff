// Command obieg is the single binary of Obieg: the server and the
// administrative commands. It is the only place where concrete parts
// (PostgreSQL, the blob store, the HTTP adapter) are wired together.
//
//	obieg serve             migrate, then serve the API (OBIEG_LISTEN, default :8080)
//	obieg worker            run workflow jobs and timers only
//	obieg migrate           apply pending database migrations
//	obieg seed              create the demo office (once) and print its users' passwords
//	obieg verify            recompute every metryka chain; exit 1 naming the first broken entry
//	obieg token create --user LOGIN [--name N] [--ttl 720h]
//	obieg jrwa import --office SHORT --name NAME --valid-from YYYY-MM-DD FILE.csv
//	obieg user password LOGIN   set a new random password and print it
//
// Configuration comes from OBIEG_* environment variables; when
// OBIEG_DATABASE_URL is not set, the file var/local.env written by `make run`
// supplies it, so commands reach the local demo database with no setup.
package main
