# Obieg — the two commands you need: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
STATICCHECK_VERSION := v0.8.0
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS):/usr/local/go/bin:$(PATH)

.PHONY: help run test lint build bench deps clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

run: deps build ## start PostgreSQL (unless OBIEG_DATABASE_URL is set), migrate, seed a demo office, serve on :8080
	scripts/run.sh

test: deps ## run every test against a private PostgreSQL and S3 server
	scripts/test.sh

lint: deps ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@[ -x $(TOOLS)/staticcheck ] || GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(TOOLS)/staticcheck ./...

build: deps ## build ./bin/obieg
	$(GO) build -o bin/obieg ./cmd/obieg

bench: deps build ## measure registrations/s and API latency against raw PostgreSQL and blob baselines
	scripts/bench.sh $(ARGS)

# deps installs what a fresh Debian machine lacks: Go (Debian's, which then
# fetches the toolchain go.mod asks for) and the PostgreSQL server.
deps:
	@command -v $(GO) >/dev/null || { echo "installing Go (apt-get install golang-go)…"; \
		[ "$$(id -u)" = 0 ] && { apt-get update -qq && apt-get install -y -qq golang-go >/dev/null; } \
		|| { echo "Go is missing: install it (https://go.dev/doc/install)"; exit 1; }; }
	@command -v git >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq git >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { echo "installing PostgreSQL…"; \
		[ "$$(id -u)" = 0 ] && { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
		|| { echo "PostgreSQL is missing: sudo apt-get install postgresql"; exit 1; }; }

clean: ## remove build output (keeps ./var data)
	rm -rf bin .tools
