package identity

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// permissionCacheTTL bounds how long a revoked session or a changed group
// keeps its old effect on another replica; this replica forgets at once.
const permissionCacheTTL = 10 * time.Second

// access is what the guard knows about a session.
type access struct {
	grants []string
	at     time.Time
}

type permissionCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[uuid.UUID]access // by session
}

func newPermissionCache(ttl time.Duration) *permissionCache {
	return &permissionCache{ttl: ttl, m: map[uuid.UUID]access{}}
}

func (c *permissionCache) get(session uuid.UUID, now time.Time) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[session]
	if !ok || now.Sub(a.at) >= c.ttl {
		return nil, false
	}
	return a.grants, true
}

func (c *permissionCache) put(session uuid.UUID, grants []string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 100_000 { // bound memory; entries are cheap to rebuild
		c.m = map[uuid.UUID]access{}
	}
	c.m[session] = access{grants: grants, at: now}
}

func (c *permissionCache) forgetSession(session uuid.UUID) {
	c.mu.Lock()
	delete(c.m, session)
	c.mu.Unlock()
}

// forgetAll drops everything (after a group or membership change).
func (c *permissionCache) forgetAll() {
	c.mu.Lock()
	c.m = map[uuid.UUID]access{}
	c.mu.Unlock()
}

type grantsKey struct{}

// Guard implements httpapi.Guard with access tokens, sessions and groups.
type Guard struct{ s *Service }

// Guard returns the route guard of this service.
func (s *Service) Guard() Guard { return Guard{s: s} }

// Authenticate verifies the Bearer token, checks the session is still live
// and puts the principal and its grants on the context.
func (g Guard) Authenticate() fiber.Handler {
	return func(c fiber.Ctx) error {
		raw, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok {
			return errUnauthenticated
		}
		claims, err := g.s.cfg.Signer.Verify(strings.TrimSpace(raw))
		if err != nil {
			return errs.New(errs.KindUnauthenticated, "The access token is not valid.").WithCode("invalid_token")
		}
		p := auth.Principal{Kind: auth.KindUser, TenantID: claims.TenantID, ActorID: claims.UserID}
		ctx := auth.WithPrincipal(c.Context(), p)
		grants, err := g.s.sessionGrants(ctx, claims.SessionID)
		if err != nil {
			return err
		}
		c.SetContext(ctx)
		c.Locals(grantsKey{}, grants)
		return c.Next()
	}
}

// RequirePermission refuses callers whose groups do not grant key.
func (g Guard) RequirePermission(key string) fiber.Handler {
	return func(c fiber.Ctx) error {
		grants, _ := c.Locals(grantsKey{}).([]string)
		if !rbac.Allows(grants, key) {
			return errs.New(errs.KindPermissionDenied, "You do not have the permission "+key+".")
		}
		return c.Next()
	}
}

// RequireFeature refuses every request to a module the licence does not
// switch on.
func (g Guard) RequireFeature(feature string) fiber.Handler {
	return func(c fiber.Ctx) error {
		enabled, err := g.s.licences.Enabled(c.Context())
		if err != nil {
			return err
		}
		if !enabled[rbac.Feature(feature)] {
			return errs.New(errs.KindFeatureDisabled, "Your licence does not include the "+feature+" module.")
		}
		return c.Next()
	}
}

// sessionGrants checks the session is live and the user active, and
// returns the user's grants, cached briefly per session.
func (s *Service) sessionGrants(ctx context.Context, sessionID uuid.UUID) ([]string, error) {
	now := s.now()
	if grants, ok := s.perms.get(sessionID, now); ok {
		return grants, nil
	}
	p, _ := auth.PrincipalFrom(ctx)
	var grants []string
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		sess, err := sessionByID(ctx, tx, sessionID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && (!sess.usable(now) || sess.UserID != p.ActorID)) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		u, err := userByID(ctx, tx, p.ActorID)
		if err != nil || u.Status != UserActive {
			return errInvalidSession
		}
		var tenantStatus string
		if err := tx.Get(ctx, &tenantStatus, `SELECT status FROM tenants WHERE id = $1`, tx.TenantID()); err != nil {
			return err
		}
		switch tenantStatus {
		case "active":
		case "suspended":
			return errTenantSuspended
		default:
			return errInvalidSession
		}
		grants, err = effectivePermissions(ctx, tx, p.ActorID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if grants == nil {
		grants = []string{}
	}
	s.perms.put(sessionID, grants, now)
	return grants, nil
}
