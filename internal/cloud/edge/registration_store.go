package edge

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// useRegistrationKey counts one use of a key that can still be used and
// returns its site. The conditions sit in the UPDATE itself, so concurrent
// registrations queue on the row and each sees the count the one before
// left: a key is never used more than max_uses times.
func useRegistrationKey(ctx context.Context, tx *database.Tx, keyID uuid.UUID, now time.Time) (*uuid.UUID, error) {
	var site struct {
		ID *uuid.UUID `db:"site_id"`
	}
	err := tx.Get(ctx, &site, `UPDATE edge_registration_keys SET uses = uses + 1, last_used_at = $3
		WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL
		  AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > $3)
		RETURNING site_id`, tx.TenantID(), keyID, now)
	if errs.Is(err, errs.KindNotFound) {
		return nil, errInvalidRegistration
	}
	return site.ID, err
}

var errTenantPending = errs.New(errs.KindPermissionDenied, "The organisation is waiting for its licence to be activated.").WithCode("tenant_pending")

// requireActiveTenant refuses registrations into an organisation that is
// not active. Only a caller holding a valid key gets this far.
func requireActiveTenant(ctx context.Context, tx *database.Tx) error {
	var status string
	if err := tx.Get(ctx, &status, `SELECT status FROM tenants WHERE id = $1`, tx.TenantID()); err != nil {
		return err
	}
	switch status {
	case "active":
		return nil
	case "pending":
		return errTenantPending
	case "suspended":
		return errTenantSuspended
	}
	return errInvalidRegistration
}

// countDevicesLocked counts the registered (not deregistered) devices
// under the tenant's device-count lock, held to the end of the transaction.
func countDevicesLocked(ctx context.Context, tx *database.Tx) (int, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('edge.devices:' || $1::text, 0))`, tx.TenantID()); err != nil {
		return 0, err
	}
	var n int
	err := tx.Get(ctx, &n, `SELECT count(*) FROM edge_devices WHERE tenant_id = $1 AND deregistered_at IS NULL`, tx.TenantID())
	return n, err
}

type newDevice struct {
	facts  DeviceFacts
	siteID *uuid.UUID
	keyID  uuid.UUID
	hash   []byte
	shown  string
	at     time.Time
}

type insertedDevice struct {
	ID              uuid.UUID `db:"id"`
	PollIntervalS   int       `db:"poll_interval_s"`
	UploadIntervalS int       `db:"upload_interval_s"`
}

func insertDevice(ctx context.Context, tx *database.Tx, n newDevice) (insertedDevice, error) {
	var d insertedDevice
	f := n.facts
	err := tx.Get(ctx, &d, `INSERT INTO edge_devices (tenant_id, site_id, registration_key_id, name, location, type, hostname,
			agent_version, os, arch, capabilities, key_hash, key_prefix, registered_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
		RETURNING id, poll_interval_s, upload_interval_s`,
		tx.TenantID(), n.siteID, n.keyID, f.Name, f.Location, f.Type, f.Hostname, f.AgentVersion, f.OS, f.Arch,
		f.Capabilities, n.hash, n.shown, n.at)
	return d, err
}
