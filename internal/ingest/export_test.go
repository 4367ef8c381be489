package ingest

import (
	"reflect"
	"time"
)

// DecodeBatch exposes decodeBatch to the package's external tests: it
// returns how many events were valid and how many problems were found.
func DecodeBatch(body []byte, now time.Time) (valid, problems int, err error) {
	events, bad, err := decodeBatch(body, now)
	return len(events), len(bad), err
}

// DecodersAgree reports whether the fast path (decodeBatch on a valid
// batch) and the encoding/json path (decodeStream) read body the same.
func DecodersAgree(body []byte, now time.Time) bool {
	fast, fastBad, fastErr := decodeBatch(body, now)
	v := batchValidator{latest: now.Add(MaxFutureSkew)}
	slow, slowBad, slowErr := v.decodeStream(body)
	return reflect.DeepEqual(fast, slow) && reflect.DeepEqual(fastBad, slowBad) && (fastErr == nil) == (slowErr == nil)
}
