// Package edge is the edge fleet (spec 40): registration keys, device
// registration, devices, their commands and telemetry, and the device-key
// authentication that the Cloud's device API and the ingestor share.
package edge

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// DeviceKeyHeader carries a device's credential on every device call.
const DeviceKeyHeader = "X-Device-Key"

// Key formats: a prefix naming what the key is, then 32 random bytes.
const (
	deviceKeyPrefix = "dvc_"
	maxKeyLength    = 128
	// shownPrefixLength is how much of a key lists show to tell keys apart.
	shownPrefixLength = 12
)

// DeviceKeyTTL is how long an authenticated (or refused) key is believed
// without asking the database: a deregistration in another process takes
// effect within it.
const DeviceKeyTTL = 5 * time.Second

// maxCachedKeys bounds the cache; when full it starts over.
const maxCachedKeys = 50_000

var (
	errInvalidDeviceKey = errs.New(errs.KindUnauthenticated, "The device key is missing, wrong or revoked.").WithCode("invalid_device_key")
	errTenantSuspended  = errs.New(errs.KindPermissionDenied, "The organisation of this device is suspended.").WithCode("tenant_suspended")
)

// DeviceIdentity is an authenticated device.
type DeviceIdentity struct {
	TenantID uuid.UUID
	DeviceID uuid.UUID
	// SiteID is the device's site, when it has one.
	SiteID *uuid.UUID
}

// Principal is the device acting within its tenant.
func (d DeviceIdentity) Principal() auth.Principal {
	return auth.Principal{Kind: auth.KindDevice, TenantID: d.TenantID, ActorID: d.DeviceID}
}

// newSecretKey makes a key with the given prefix and returns it with its
// SHA-256 hash (what is stored) and the prefix lists show.
func newSecretKey(prefix string) (key string, hash []byte, shown string) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS has no entropy: nothing is safe
	}
	key = prefix + base64.RawURLEncoding.EncodeToString(raw)
	return key, hashKey(key), key[:shownPrefixLength]
}

func hashKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

type cachedDevice struct {
	identity  DeviceIdentity
	err       error // errInvalidDeviceKey or errTenantSuspended
	expiresAt time.Time
}

// DeviceKeys authenticates X-Device-Key values through the allowlisted
// pre-tenant lookup edge_device_by_key, caching answers for DeviceKeyTTL.
type DeviceKeys struct {
	db  *database.DB
	now func() time.Time

	mu    sync.Mutex
	cache map[[sha256.Size]byte]cachedDevice
}

// NewDeviceKeys returns an authenticator on db.
func NewDeviceKeys(db *database.DB) *DeviceKeys {
	return &DeviceKeys{db: db, now: time.Now, cache: map[[sha256.Size]byte]cachedDevice{}}
}

// Authenticate returns the device a key belongs to. A missing, malformed,
// unknown or revoked key is errs.KindUnauthenticated (invalid_device_key);
// a device of a suspended tenant is errs.KindPermissionDenied
// (tenant_suspended).
func (k *DeviceKeys) Authenticate(ctx context.Context, key string) (DeviceIdentity, error) {
	if !strings.HasPrefix(key, deviceKeyPrefix) || len(key) > maxKeyLength {
		return DeviceIdentity{}, errInvalidDeviceKey
	}
	var hash [sha256.Size]byte
	copy(hash[:], hashKey(key))
	now := k.now()
	k.mu.Lock()
	c, ok := k.cache[hash]
	k.mu.Unlock()
	if ok && now.Before(c.expiresAt) {
		return c.identity, c.err
	}
	identity, err := k.lookup(ctx, hash[:])
	if err != nil && !errs.Is(err, errs.KindUnauthenticated) && !errs.Is(err, errs.KindPermissionDenied) {
		return DeviceIdentity{}, err // the database is unwell: believe nothing, cache nothing
	}
	k.mu.Lock()
	if len(k.cache) >= maxCachedKeys {
		k.cache = map[[sha256.Size]byte]cachedDevice{}
	}
	k.cache[hash] = cachedDevice{identity: identity, err: err, expiresAt: now.Add(DeviceKeyTTL)}
	k.mu.Unlock()
	return identity, err
}

func (k *DeviceKeys) lookup(ctx context.Context, hash []byte) (DeviceIdentity, error) {
	var found struct {
		TenantID uuid.UUID `db:"tenant_id"`
		DeviceID uuid.UUID `db:"device_id"`
	}
	err := k.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &found, `SELECT tenant_id, device_id FROM edge_device_by_key($1)`, hash)
	})
	if errs.Is(err, errs.KindNotFound) {
		return DeviceIdentity{}, errInvalidDeviceKey
	}
	if err != nil {
		return DeviceIdentity{}, err
	}
	identity := DeviceIdentity{TenantID: found.TenantID, DeviceID: found.DeviceID}
	var row struct {
		SiteID       *uuid.UUID `db:"site_id"`
		TenantStatus string     `db:"status"`
	}
	ctx = auth.WithPrincipal(ctx, identity.Principal())
	err = k.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &row, `SELECT d.site_id, t.status FROM edge_devices d JOIN tenants t ON t.id = d.tenant_id
			WHERE d.tenant_id = $1 AND d.id = $2 AND d.key_hash = $3`, identity.TenantID, identity.DeviceID, hash)
	})
	if errs.Is(err, errs.KindNotFound) {
		return DeviceIdentity{}, errInvalidDeviceKey // deregistered between the two reads
	}
	if err != nil {
		return DeviceIdentity{}, err
	}
	identity.SiteID = row.SiteID
	switch row.TenantStatus {
	case "active":
		return identity, nil
	case "suspended":
		return identity, errTenantSuspended
	default:
		return DeviceIdentity{}, errInvalidDeviceKey
	}
}

// Forget drops what this process believes about a device's key at once
// (after a deregistration here; other processes follow within DeviceKeyTTL).
func (k *DeviceKeys) Forget(deviceID uuid.UUID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for hash, c := range k.cache {
		if c.identity.DeviceID == deviceID {
			delete(k.cache, hash)
		}
	}
}

type deviceKey struct{}

// Middleware authenticates X-Device-Key, puts the device's principal on the
// request context and, when seen is set, records the call for last-seen.
func (k *DeviceKeys) Middleware(seen *LastSeen) fiber.Handler {
	return func(c fiber.Ctx) error {
		identity, err := k.Authenticate(c.Context(), c.Get(DeviceKeyHeader))
		if err != nil {
			return err
		}
		if seen != nil {
			seen.Touch(identity, c.IP(), k.now())
		}
		c.SetContext(auth.WithPrincipal(c.Context(), identity.Principal()))
		c.Locals(deviceKey{}, identity)
		return c.Next()
	}
}

// DeviceFrom returns the device Middleware authenticated.
func DeviceFrom(c fiber.Ctx) (DeviceIdentity, bool) {
	d, ok := c.Locals(deviceKey{}).(DeviceIdentity)
	return d, ok
}

// DeviceRateKey groups requests by the authenticated device (for
// httpapi.RateLimit.Key after Middleware), falling back to the client IP.
func DeviceRateKey(c fiber.Ctx) string {
	if d, ok := DeviceFrom(c); ok {
		return "device:" + d.DeviceID.String()
	}
	return "ip:" + c.IP()
}
