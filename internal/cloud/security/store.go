package security

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// listAlerts reads up to limit alerts matching f after the cursor, newest
// first (ties in id order), along the security_alerts_observed index.
func listAlerts(ctx context.Context, tx *database.Tx, f Filter, after *Cursor, limit int) ([]Alert, error) {
	args := []any{tx.TenantID()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"tenant_id = $1"}
	if len(f.Severities) > 0 {
		where = append(where, "severity = ANY("+arg(f.Severities)+"::text[])")
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status = ANY("+arg(f.Statuses)+"::text[])")
	}
	if len(f.SiteIDs) > 0 {
		where = append(where, "site_id = ANY("+arg(uuidStrings(f.SiteIDs))+"::uuid[])")
	}
	if len(f.DeviceIDs) > 0 {
		where = append(where, "device_id = ANY("+arg(uuidStrings(f.DeviceIDs))+"::uuid[])")
	}
	if f.From != nil {
		where = append(where, "observed_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "observed_at < "+arg(*f.To))
	}
	if after != nil {
		t, id := arg(after.ObservedAt), arg(after.ID)
		where = append(where, "(observed_at < "+t+" OR (observed_at = "+t+" AND id > "+id+"))")
	}
	alerts := []Alert{}
	err := tx.Select(ctx, &alerts, `SELECT `+AlertColumns+` FROM security_alerts WHERE `+strings.Join(where, " AND ")+
		` ORDER BY observed_at DESC, id LIMIT `+arg(limit), args...)
	return alerts, err
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func alertByID(ctx context.Context, tx *database.Tx, id uuid.UUID, lock bool) (Alert, error) {
	var a Alert
	q := `SELECT ` + AlertColumns + ` FROM security_alerts WHERE tenant_id = $1 AND id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	err := tx.Get(ctx, &a, q, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return Alert{}, errs.NotFound("alert")
	}
	return a, err
}

// writeAcknowledgement stores an acknowledgement and returns the row as
// it is now.
func writeAcknowledgement(ctx context.Context, tx *database.Tx, a Alert) (Alert, error) {
	var out Alert
	err := tx.Get(ctx, &out, `UPDATE security_alerts
		SET status = $3, acknowledged_at = $4, acknowledged_by = $5, version = version + 1, updated_at = now()
		WHERE tenant_id = $1 AND id = $2 RETURNING `+AlertColumns,
		tx.TenantID(), a.ID, a.Status, a.AcknowledgedAt, a.AcknowledgedBy)
	return out, err
}
