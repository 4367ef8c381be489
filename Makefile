# Monozu — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)

VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GO_FILES = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')

.PHONY: run build test fmt-check vet lint go-test bench test-db-stop clean

## run: local PostgreSQL (when DATABASE_URL is unset), migrations, demo data, all services
run: build
	./bin/monozu dev

## build: the monozu binary in bin/
build:
	go build -ldflags "$(LDFLAGS)" -o bin/monozu ./cmd/monozu

## test: formatting, vet, staticcheck, then every test with the race detector
test: fmt-check vet lint go-test

fmt-check:
	@unformatted="$$(gofmt -l $(GO_FILES))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

vet:
	go vet ./...

lint:
	go tool staticcheck ./...

go-test:
	go test -race -count=1 -timeout 20m ./...

## bench: the benchmarks under bench/ (never part of make test): they seed their own database and print
## their results beside baselines measured in the same run, as ratios; 4–7 minutes (docs/benchmarks.md)
bench:
	go test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 40m ./bench/...

## test-db-stop: stop the throwaway PostgreSQL the tests started (it is reused between runs)
test-db-stop:
	go run ./internal/platform/database/dbtest/stop

clean:
	rm -rf bin
