package ingest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
)

// BenchmarkDecodeBatch measures decoding and validating one 1,000-event
// mixed batch, the ingestor's own CPU per request.
func BenchmarkDecodeBatch(b *testing.B) {
	body, err := json.Marshal(ingesttest.Mixed(1000, time.Now().Add(-time.Hour)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		valid, problems, err := ingest.DecodeBatch(body, time.Now())
		if err != nil || problems > 0 || valid != 1000 {
			b.Fatal(valid, problems, err)
		}
	}
}
