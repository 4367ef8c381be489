// Package database is the only way Monozu code reaches PostgreSQL. It owns the
// pool, per-call deadlines, tracing, error mapping and — above all — the
// tenant transaction (InTenant) that row-level security relies on.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// Options configure a pool.
type Options struct {
	URL             string
	AppName         string // application_name seen in pg_stat_activity
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	QueryTimeout    time.Duration
}

// txTimeoutFactor bounds a transaction without a caller deadline to this
// many query timeouts.
const txTimeoutFactor = 3

// DB is a pool connected as the app role. It deliberately exposes no raw
// query methods: tenant data is reached through InTenant only.
type DB struct {
	pool         *sqlx.DB
	queryTimeout time.Duration
}

// Open connects, checks the connection and returns the pool.
func Open(ctx context.Context, opts Options) (*DB, error) {
	db, err := Unconnected(opts)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// Unconnected returns the pool without connecting: for building a
// service's routes where no database is reachable (the OpenAPI contract).
// Its first query connects as Open's would.
func Unconnected(opts Options) (*DB, error) {
	pool, err := openPool(opts)
	if err != nil {
		return nil, err
	}
	return &DB{pool: pool, queryTimeout: opts.QueryTimeout}, nil
}

func openPool(opts Options) (*sqlx.DB, error) {
	cc, err := pgx.ParseConfig(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("parsing database URL: %w", err)
	}
	if opts.AppName != "" {
		cc.RuntimeParams["application_name"] = opts.AppName
	}
	// A transaction left open by a crashed handler must not hold locks forever.
	cc.RuntimeParams["idle_in_transaction_session_timeout"] = "60000"
	cc.Tracer = queryTracer{}
	sqlDB := stdlib.OpenDB(*cc, stdlib.OptionResetSession(resetSession))
	sqlDB.SetMaxOpenConns(max(opts.MaxOpenConns, 1))
	sqlDB.SetMaxIdleConns(opts.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(opts.ConnMaxLifetime)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return sqlx.NewDb(sqlDB, "pgx"), nil
}

// resetSession runs before a pooled connection is reused. Tenant context is
// transaction-local already; this also clears anything set for the session
// (by mistake or by a future feature), so one tenant's state can never leak
// into the next borrower.
func resetSession(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, "RESET ALL")
	return err
}

// Ping checks the database answers within the query timeout.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := db.withTimeout(ctx)
	defer cancel()
	if err := db.pool.PingContext(ctx); err != nil {
		return mapError(err)
	}
	return nil
}

// Close closes the pool, waiting for borrowed connections to return.
func (db *DB) Close() error { return db.pool.Close() }

func (db *DB) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if db.queryTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, db.queryTimeout)
}

// begin opens a transaction bounded by the query timeout for its start.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	raw, err := db.pool.BeginTxx(ctx, nil)
	if err != nil {
		return nil, mapError(err)
	}
	return &Tx{tx: raw, queryTimeout: db.queryTimeout}, nil
}

// run executes fn in a transaction after setup, committing on success and
// retrying once when PostgreSQL reports a serialization failure or deadlock.
func (db *DB) run(ctx context.Context, setup func(*Tx) error, fn func(*Tx) error) error {
	// Request contexts carry no deadline (Fiber's never ends): bound the whole
	// transaction, pool wait included, so a stuck call cannot hold a
	// connection forever. Callers with their own deadline (jobs) keep it.
	if _, ok := ctx.Deadline(); !ok && db.queryTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, txTimeoutFactor*db.queryTimeout)
		defer cancel()
	}
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		err = db.runOnce(ctx, setup, fn)
		if !isRetryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) runOnce(ctx context.Context, setup func(*Tx) error, fn func(*Tx) error) (err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.tx.Rollback()
		}
	}()
	if err = setup(tx); err != nil {
		return err
	}
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.tx.Commit(); err != nil {
		return mapError(err)
	}
	return nil
}

// ReadGlobal runs fn in a read-only transaction without a tenant context:
// global tables are readable, tenant tables show nothing (RLS fails closed).
func (db *DB) ReadGlobal(ctx context.Context, fn func(tx *Tx) error) error {
	return db.run(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "SET TRANSACTION READ ONLY")
		return err
	}, fn)
}

// JobQueuePool is the pool for the job queue library, which reads and writes
// only its own global tables. Tenant tables stay closed on it: no tenant
// context is ever set there, so row-level security shows nothing.
func (db *DB) JobQueuePool() *sql.DB { return db.pool.DB }

// InGlobal runs fn in a read-write transaction without a tenant context. It
// serves databases without tenants (the management plane's); in the Cloud
// database tenant tables stay closed to it, as row-level security fails
// closed without app.tenant_id.
func (db *DB) InGlobal(ctx context.Context, fn func(tx *Tx) error) error {
	return db.run(ctx, func(*Tx) error { return nil }, fn)
}
