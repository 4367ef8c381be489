package ingest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/ingest"
	"github.com/monozu/monozu/internal/ingest/ingesttest"
)

// TestDecodersAgree: a valid batch is read by the fast decoder, a broken
// one by encoding/json; both must read a valid batch to the same events.
func TestDecodersAgree(t *testing.T) {
	events := ingesttest.Mixed(200, time.Now().Add(-time.Hour))
	body, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	if !ingest.DecodersAgree(body, time.Now()) {
		t.Fatal("the fast decoder and encoding/json read the same batch differently")
	}
	if valid, problems, err := ingest.DecodeBatch(body, time.Now()); err != nil || problems != 0 || valid != len(events) {
		t.Fatalf("valid %d, problems %d, err %v", valid, problems, err)
	}
}
