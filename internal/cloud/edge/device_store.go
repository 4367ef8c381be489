package edge

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

const deviceColumns = `d.id, d.name, d.site_id, s.name AS site_name, d.location, d.type, d.hostname, d.last_seen_at,
	host(d.last_seen_ip) AS last_seen_ip, d.agent_version, d.os, d.arch,
	to_json(ARRAY(SELECT host(a) FROM unnest(d.ip_addresses) a)) AS ips, to_json(d.capabilities) AS caps,
	to_json(d.roles) AS role_list, d.key_prefix, d.poll_interval_s, d.upload_interval_s, d.latest_telemetry AS telemetry,
	d.latest_telemetry_at, d.registered_at, d.deregistered_at, d.updated_at, d.version
	FROM edge_devices d LEFT JOIN sites s ON s.tenant_id = d.tenant_id AND s.id = d.site_id`

type deviceRow struct {
	Device
	IPs       database.JSON[[]string] `db:"ips"`
	Caps      database.JSON[[]string] `db:"caps"`
	RoleList  database.JSON[[]string] `db:"role_list"`
	Telemetry []byte                  `db:"telemetry"`
}

func (r deviceRow) device() Device {
	d := r.Device
	d.IPAddresses, d.Capabilities, d.Roles = nonNil(r.IPs.V), nonNil(r.Caps.V), nonNil(r.RoleList.V)
	if len(r.Telemetry) > 0 {
		d.LatestTelemetry = json.RawMessage(r.Telemetry)
	} else {
		d.LatestTelemetry = json.RawMessage("null")
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// deviceWhere builds the conditions of a device query; $1 is the tenant.
type deviceWhere struct {
	conds []string
	args  []any
}

func (w *deviceWhere) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func listDevices(ctx context.Context, tx *database.Tx, f DeviceFilter, after *deviceCursor, limit int, now time.Time) ([]Device, error) {
	w := deviceWhere{args: []any{tx.TenantID()}}
	if after != nil {
		w.conds = append(w.conds, "(lower(d.name), d.id) > (lower("+w.arg(after.Name)+"::text), "+w.arg(after.ID)+"::uuid)")
	}
	if f.SiteID != nil {
		w.conds = append(w.conds, "d.site_id = "+w.arg(*f.SiteID))
	}
	if f.Query != "" {
		like := w.arg("%" + likeEscaper.Replace(f.Query) + "%")
		w.conds = append(w.conds, "(d.name ILIKE "+like+" OR d.hostname ILIKE "+like+" OR d.location ILIKE "+like+")")
	}
	online := func() string {
		return "d.last_seen_at >= " + w.arg(now) + "::timestamptz - make_interval(secs => " + strconv.Itoa(onlinePolls) + " * d.poll_interval_s)"
	}
	switch f.Status {
	case "":
		w.conds = append(w.conds, "d.deregistered_at IS NULL")
	case DeviceDeregistered:
		w.conds = append(w.conds, "d.deregistered_at IS NOT NULL")
	case DeviceNeverSeen:
		w.conds = append(w.conds, "d.deregistered_at IS NULL AND d.last_seen_at IS NULL")
	case DeviceOnline:
		w.conds = append(w.conds, "d.deregistered_at IS NULL AND "+online())
	case DeviceOffline:
		w.conds = append(w.conds, "d.deregistered_at IS NULL AND NOT ("+online()+")")
	}
	var rows []deviceRow
	err := tx.Select(ctx, &rows, `SELECT `+deviceColumns+` WHERE d.tenant_id = $1 AND `+strings.Join(w.conds, " AND ")+
		` ORDER BY lower(d.name), d.id LIMIT `+w.arg(limit), w.args...)
	devices := make([]Device, len(rows))
	for i, r := range rows {
		devices[i] = r.device()
	}
	return devices, err
}

// likeEscaper makes search text literal in ILIKE.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func deviceByID(ctx context.Context, tx *database.Tx, id uuid.UUID, lock bool) (Device, error) {
	tail := ""
	if lock {
		tail = " FOR NO KEY UPDATE OF d"
	}
	var r deviceRow
	err := tx.Get(ctx, &r, `SELECT `+deviceColumns+` WHERE d.tenant_id = $1 AND d.id = $2`+tail, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Device{}, errs.NotFound("device")
	}
	return r.device(), err
}

func updateDevice(ctx context.Context, tx *database.Tx, d Device, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE edge_devices SET name = $3, location = $4, site_id = $5, roles = $6,
			version = version + 1, updated_at = $7
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), d.ID, d.Name, d.Location, d.SiteID, d.Roles, now)
	return err
}

func deregisterDevice(ctx context.Context, tx *database.Tx, id uuid.UUID, by *uuid.UUID, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE edge_devices SET deregistered_at = $3, deregistered_by = $4, key_hash = NULL,
			key_prefix = '', version = version + 1, updated_at = $3
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID(), id, now, by)
	return err
}
