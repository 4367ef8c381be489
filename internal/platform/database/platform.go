package database

import (
	"context"
	"strings"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Platform is a pool connected as the audited platform role, which bypasses
// row-level security. It serves the few cross-tenant operations (tenant
// provisioning, retention jobs) and is never given to request handlers.
type Platform struct {
	db *DB
}

// OpenPlatform connects as the platform role.
func OpenPlatform(ctx context.Context, opts Options) (*Platform, error) {
	db, err := Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Platform{db: db}, nil
}

// Close closes the pool.
func (p *Platform) Close() error { return p.db.Close() }

// Operation names a cross-tenant operation for the platform audit trail.
type Operation struct {
	Name   string // e.g. "tenancy.provision"
	Actor  string // who asked: "operator:<id>", "job:retention", "cli:dev"
	Detail string // free text, no secrets
}

// InPlatform runs fn as the platform role, recording the operation in
// platform_audit in the same transaction: if the record cannot be written,
// nothing fn did is kept.
func (p *Platform) InPlatform(ctx context.Context, op Operation, fn func(tx *Tx) error) error {
	if strings.TrimSpace(op.Name) == "" || strings.TrimSpace(op.Actor) == "" {
		return errs.New(errs.KindInternal, "platform operation needs a name and an actor")
	}
	return p.db.run(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx,
			`INSERT INTO platform_audit (operation, actor, detail) VALUES ($1, $2, $3)`,
			op.Name, op.Actor, op.Detail)
		return err
	}, fn)
}
