// Package ingestbench measures the ingestor: devices posting 1,000-event
// mixed batches over real HTTP, beside a baseline that runs the same unnest
// statements directly (no HTTP, no validation) for the same time.
//
// Everything lives in _test.go files: `make bench` runs it with
//
//	go test -run '^$' -bench Ingest -benchtime 1x ./bench/ingest
//
// and `make test` only compiles it. See docs/benchmarks.md.
package ingestbench
