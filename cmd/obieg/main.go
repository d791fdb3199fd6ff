package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"obieg.dev/obieg/engine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "obieg:", err)
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(int(ee))
		}
		os.Exit(1)
	}
}

// stdout is where commands print their results (a variable so tests can read it).
var stdout io.Writer = os.Stdout

// exitError carries an exit status other than 1.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `usage: obieg COMMAND

  serve                     migrate the database, then serve the API and UI
  worker                    run workflow jobs and timers only (scale them apart from the API)
  epuap-sim                 run the ePUAP simulator (OBIEG_EPUAP_SIM_LISTEN, default 127.0.0.1:8081)
  edoreczenia-sim           run the e-Doręczenia simulator (OBIEG_EDOR_SIM_LISTEN, default 127.0.0.1:8082)
  migrate                   apply pending database migrations
  seed                      create the demo office once, print its users' passwords
  seed-scale --documents N  scale the demo office to N documents (search at scale; see README)
  verify                    recompute every metryka chain (exit 1 on the first broken entry)
  token create --user LOGIN [--name NAME] [--ttl 2160h]
                            issue an API token and print it
  jrwa import --office SHORT --name NAME --valid-from YYYY-MM-DD FILE.csv
  user password LOGIN       set a new random password and print it

Configuration: OBIEG_DATABASE_URL, OBIEG_BLOB_URL, OBIEG_LISTEN, OBIEG_LOG_LEVEL,
OBIEG_LOG_FORMAT, OBIEG_MAX_UPLOAD_BYTES, OBIEG_WORKERS, OBIEG_EPUAP_* (see README).`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return exitError(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "serve":
		return cmdServe(ctx, rest)
	case "migrate":
		return cmdMigrate(ctx)
	case "worker":
		return cmdWorker(ctx)
	case "epuap-sim":
		return cmdEPUAPSim(ctx)
	case "edoreczenia-sim":
		return cmdEdorSim(ctx)
	case "seed":
		return cmdSeed(ctx)
	case "seed-scale":
		return cmdSeedScale(ctx, rest)
	case "verify":
		return cmdVerify(ctx)
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			return fmt.Errorf("usage: obieg token create --user LOGIN")
		}
		return cmdTokenCreate(ctx, rest[1:])
	case "jrwa":
		if len(rest) == 0 || rest[0] != "import" {
			return fmt.Errorf("usage: obieg jrwa import --office SHORT --name NAME --valid-from YYYY-MM-DD FILE.csv")
		}
		return cmdJRWAImport(ctx, rest[1:])
	case "user":
		if len(rest) != 2 || rest[0] != "password" {
			return fmt.Errorf("usage: obieg user password LOGIN")
		}
		return cmdUserPassword(ctx, rest[1])
	}
	return engine.Errorf("obieg", engine.KindInvalid, "unknown command %q\n%s", cmd, usage)
}
