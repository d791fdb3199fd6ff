// Command bench measures Obieg against baselines taken in the same run on
// the same machine, and prints ratios: absolute numbers vary between
// machines, ratios much less. It has its own go.mod so that peer systems
// measured here never become dependencies of the product.
//
//	go run . -db URL [-n 2000] [-c 8] [-rate 200] [-duration 10s]
//
// The URL is an admin URL of a PostgreSQL server; each measurement gets a
// database of its own. scripts/bench.sh starts a private server and runs it.
package main
