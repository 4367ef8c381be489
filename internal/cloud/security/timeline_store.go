package security

import (
	"context"
	"time"

	"github.com/monozu/monozu/internal/platform/database"
)

// countTimeline counts the tenant's alerts of r by bucket and severity.
func countTimeline(ctx context.Context, tx *database.Tx, r TimelineRange) (map[time.Time]*SeverityCounts, error) {
	var rows []struct {
		Bucket   time.Time `db:"bucket"`
		Severity string    `db:"severity"`
		N        int       `db:"n"`
	}
	err := tx.Select(ctx, &rows, `SELECT date_trunc($2, observed_at, 'UTC') AS bucket, severity, count(*) AS n
		FROM security_alerts WHERE tenant_id = $1 AND observed_at >= $3 AND observed_at < $4 GROUP BY 1, 2`,
		tx.TenantID(), r.Bucket, r.From, r.To)
	out := map[time.Time]*SeverityCounts{}
	for _, row := range rows {
		k := row.Bucket.UTC()
		if out[k] == nil {
			out[k] = &SeverityCounts{}
		}
		out[k].add(row.Severity, row.N)
	}
	return out, err
}
