package database

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Each runs query and calls scan once per row as the rows arrive, so a result
// of any size needs memory for one row only (exports, long reports).
//
// Unlike the other Tx methods it has no per-call query timeout: a large
// export legitimately takes longer than one query should. The transaction's
// own deadline (the caller's context, or InTenant's default bound) still ends
// it. Database errors are mapped like every other Tx call; an error returned
// by scan stops the iteration and comes back unchanged, and the remaining
// rows are discarded so the transaction stays usable.
func (t *Tx) Each(ctx context.Context, query string, args []any, scan func(rows *sqlx.Rows) error) error {
	rows, err := t.tx.QueryxContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}
