// Package cmdbbench benchmarks the CMDB's asset list, asset detail and CSV
// import through the real Cloud API on a seeded PostgreSQL (20 tenants ×
// 100,000 assets by default), beside the same SQL run directly with and
// without row-level security as baselines measured in the same run.
//
// Everything lives in _test.go files: `make bench` runs it with
//
//	go test -run '^$' -bench CMDB -benchtime 1x -timeout 40m ./bench/cmdb
//
// and `make test` only compiles it. See docs/benchmarks.md.
package cmdbbench
