// Package auth holds who is acting. The verified principal travels on the
// context; the database layer takes the tenant from it and from nowhere else.
package auth

import (
	"context"

	"github.com/google/uuid"
)

// Kind says what sort of actor a principal is.
type Kind string

// Principal kinds.
const (
	KindUser     Kind = "user"
	KindDevice   Kind = "device"
	KindSystem   Kind = "system"
	KindOperator Kind = "operator"
)

// Principal is a verified actor within one tenant.
type Principal struct {
	Kind     Kind
	TenantID uuid.UUID
	// ActorID is the user, device or operator id; zero for the system.
	ActorID uuid.UUID
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p. Only authentication code (and jobs
// acting for a tenant) should call it.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal on ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.TenantID != uuid.Nil
}

// System is the principal for background work done on a tenant's behalf.
func System(tenantID uuid.UUID) Principal {
	return Principal{Kind: KindSystem, TenantID: tenantID}
}
