# Monozu — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)

VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GO_FILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')

.PHONY: run build web-build web-check openapi test fmt-check vet lint go-test browser-test bench test-db-stop clean

## run: local PostgreSQL (when DATABASE_URL is unset), migrations, demo data, all services
run: build
	./bin/monozu dev

## build: the web apps (when web/package.json exists and npm is installed), then the monozu binary in bin/
## with them embedded; without them the binary serves a page saying the web UI was not built
build: web-build
	go build -ldflags "$(LDFLAGS)" -o bin/monozu ./cmd/monozu

# Where the binary embeds the built apps from (internal/platform/webui).
WEBUI_DIST := internal/platform/webui/dist
# The skip message when the web workspace or npm is missing, else empty.
WEB_SKIP = $(if $(wildcard web/package.json),$(if $(shell command -v npm 2>/dev/null),,npm is not installed),web/package.json does not exist yet)

## web-build: npm ci and build in web/, then copy web/cloud/dist and web/mgmt/dist into $(WEBUI_DIST)
web-build:
ifeq ($(WEB_SKIP),)
	npm --prefix web ci
	npm --prefix web run build
	@for app in cloud mgmt; do \
		test -f web/$$app/dist/index.html || { echo "web/$$app/dist/index.html is missing after the build"; exit 1; }; \
		rm -rf $(WEBUI_DIST)/$$app && cp -R web/$$app/dist $(WEBUI_DIST)/$$app || exit 1; \
	done
else
	@echo "web apps skipped: $(WEB_SKIP) (the binary embeds whatever $(WEBUI_DIST) holds)"
endif

## web-check: lint, typecheck and unit tests of the web apps (part of make test)
web-check:
ifeq ($(WEB_SKIP),)
	npm --prefix web ci
	npm --prefix web run check
else
	@echo "web checks skipped: $(WEB_SKIP)"
endif

## openapi: write the OpenAPI documents the web apps are typed from (web/api/openapi/*.json) and the
## TypeScript generated from them (web/api/src/openapi/*.ts); commit both (a test fails when they are stale)
openapi:
	go run ./cmd/monozu openapi -dir web/api/openapi
ifeq ($(WEB_SKIP),)
	@test -d web/node_modules || npm --prefix web ci
	npm --prefix web run openapi
else
	@echo "TypeScript types not generated: $(WEB_SKIP)"
endif

## test: formatting, vet, staticcheck, the web apps' checks, every Go test with the race detector, then the
## browser journeys
test: fmt-check vet lint web-check go-test browser-test

fmt-check:
	@unformatted="$$(gofmt -l $(GO_FILES))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

vet:
	go vet ./...

lint:
	go tool staticcheck ./...

# The agent's end-to-end tests run apart, verbosely, so their exactly-once
# reports (produced = stored, duplicates = 0) show in the output; all of it
# when they fail.
E2E_PKG := ./internal/edgeagent/e2e
go-test:
	go test -race -count=1 -timeout 20m $$(go list ./... | grep -v '/internal/edgeagent/e2e$$')
	@out=$$(mktemp); echo "go test -race -count=1 -timeout 15m -v $(E2E_PKG)"; \
	if go test -race -count=1 -timeout 15m -v $(E2E_PKG) >$$out 2>&1; then grep -E -- '^(--- |ok)|produced =' $$out; rm -f $$out; \
	else cat $$out; rm -f $$out; exit 1; fi

## browser-test: the browser journeys of web/e2e (playwright-core driving the system Chromium, installed with
## apt-get when /usr/bin/chromium is missing and this is root) against bin/monozu and bin/edgezu, with the
## services on fresh databases (internal/browsertest); screenshots and logs in .data/browser/
browser-test: build
	CGO_ENABLED=0 go build -ldflags "$(LDFLAGS)" -o bin/edgezu ./cmd/edgezu
	MONOZU_BIN=$(CURDIR)/bin/monozu EDGEZU_BIN=$(CURDIR)/bin/edgezu go test -count=1 -timeout 15m -v ./internal/browsertest/

## bench: the benchmarks under bench/ and the agent's footprint (never part of make test): they seed their own database and print
## their results beside baselines measured in the same run, as ratios; 4–7 minutes (docs/benchmarks.md)
bench:
	go test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 40m ./bench/...
	go test -count=1 -run '^$$' -bench Footprint -benchtime 1x -timeout 10m ./internal/edgeagent/agent/

## test-db-stop: stop the throwaway PostgreSQL the tests started (it is reused between runs)
test-db-stop:
	go run ./internal/platform/database/dbtest/stop

clean:
	rm -rf bin $(WEBUI_DIST)/cloud $(WEBUI_DIST)/mgmt
