package database

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// Tx is a transaction handed to store code. Every call gets the query
// deadline and typed error mapping; none of them can change the tenant.
type Tx struct {
	tx           *sqlx.Tx
	queryTimeout time.Duration
	tenantID     uuid.UUID
}

// TenantID is the tenant this transaction is scoped to (zero on the platform
// role). Stores put it in every WHERE clause as well (planner, Citus routing).
func (t *Tx) TenantID() uuid.UUID { return t.tenantID }

func (t *Tx) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	if t.queryTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, t.queryTimeout)
}

// Get scans one row into dest; no row is errs.KindNotFound.
func (t *Tx) Get(ctx context.Context, dest any, query string, args ...any) error {
	ctx, cancel := t.ctx(ctx)
	defer cancel()
	return mapError(t.tx.GetContext(ctx, dest, query, args...))
}

// Select scans all rows into dest (a pointer to a slice).
func (t *Tx) Select(ctx context.Context, dest any, query string, args ...any) error {
	ctx, cancel := t.ctx(ctx)
	defer cancel()
	return mapError(t.tx.SelectContext(ctx, dest, query, args...))
}

// Exec runs a statement and returns the number of rows it touched.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx, cancel := t.ctx(ctx)
	defer cancel()
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, mapError(err)
	}
	n, err := res.RowsAffected()
	return n, mapError(err)
}

// NamedExec runs a statement with :name parameters bound from arg.
func (t *Tx) NamedExec(ctx context.Context, query string, arg any) (int64, error) {
	ctx, cancel := t.ctx(ctx)
	defer cancel()
	res, err := t.tx.NamedExecContext(ctx, query, arg)
	if err != nil {
		return 0, mapError(err)
	}
	n, err := res.RowsAffected()
	return n, mapError(err)
}

// ExecOne runs a statement that must touch exactly one row; zero rows is
// errs.KindNotFound with the resource name given.
func (t *Tx) ExecOne(ctx context.Context, resource, query string, args ...any) error {
	n, err := t.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(resource)
	}
	return nil
}

// JobQueueTx is the transaction for enqueueing a job with the change that
// caused it (transactional enqueue): the job exists if and only if the
// change commits.
func (t *Tx) JobQueueTx() *sql.Tx { return t.tx.Tx }
