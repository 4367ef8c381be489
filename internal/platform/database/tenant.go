package database

import (
	"context"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/errs"
)

// ErrNoTenant is returned when tenant data is asked for without a verified
// principal on the context. It is a bug in the caller, never user input.
var ErrNoTenant = errs.New(errs.KindInternal, "no tenant principal on the context").WithCode("no_tenant_context")

// InTenant runs fn in a transaction scoped to the tenant of the verified
// principal on ctx. The first statement sets app.tenant_id for this
// transaction only, so row-level security admits that tenant's rows and no
// others. It is the only way code reaches tenant data.
func (db *DB) InTenant(ctx context.Context, fn func(tx *Tx) error) error {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return ErrNoTenant
	}
	return db.run(ctx, func(tx *Tx) error {
		tx.tenantID = p.TenantID
		_, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", p.TenantID.String())
		return err
	}, fn)
}

// InTenantResult runs fn in a tenant transaction (see InTenant) and returns
// the value it produced: the shape of every use case that reads or creates
// one thing.
func InTenantResult[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := db.InTenant(ctx, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
