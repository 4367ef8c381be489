package database

import "context"

// ExecSessionForTest runs a statement outside any transaction, on whatever
// pooled connection comes next, to simulate code that leaks session state.
func (db *DB) ExecSessionForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.pool.ExecContext(ctx, query, args...)
	return err
}
