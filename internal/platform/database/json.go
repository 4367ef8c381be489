package database

import (
	"encoding/json"
	"fmt"
)

// JSON scans a json/jsonb column (or to_json(array) in a query) into T.
type JSON[T any] struct{ V T }

// Scan implements sql.Scanner.
func (j *JSON[T]) Scan(src any) error {
	switch b := src.(type) {
	case nil:
		var zero T
		j.V = zero
		return nil
	case []byte:
		return json.Unmarshal(b, &j.V)
	case string:
		return json.Unmarshal([]byte(b), &j.V)
	}
	return fmt.Errorf("cannot scan %T as JSON", src)
}
