// Package realtimebench benchmarks the live security feed through the real
// Cloud API, run as a child process so its memory is measured alone: the
// resident memory of 10,000 idle WebSocket connections against the same
// process with none, and the latency from an alert's acceptance (the 204
// of a POST /v1/ingest to the real ingestor, and a direct commit as the
// baseline) to its arrival at 1,000 clients of a tenant and at one.
//
// Everything lives in _test.go files: `make bench` runs it with
//
//	go test -run '^$' -bench . -benchtime 1x ./bench/realtime
//
// and `make test` only compiles it. See docs/benchmarks.md.
package realtimebench
