package ingest

import "time"

// DecodeBatch exposes decodeBatch to the package's external tests: it
// returns how many events were valid and how many problems were found.
func DecodeBatch(body []byte, now time.Time) (valid, problems int, err error) {
	events, bad, err := decodeBatch(body, now)
	return len(events), len(bad), err
}
