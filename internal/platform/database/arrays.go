package database

import "github.com/google/uuid"

// UUIDs is ids as a uuid[] parameter pgx encodes in binary directly:
// []uuid.UUID goes through driver.Valuer, a string per element.
func UUIDs(ids []uuid.UUID) [][16]byte {
	out := make([][16]byte, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
