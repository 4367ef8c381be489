package migrate

import (
	"context"
	"fmt"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/migrations"
)

// Current reports, as the app role, whether the database has every migration
// this binary embeds. A newer database is fine (an older binary still running
// during a rolling deploy); an older one is not ready.
func Current(ctx context.Context, db *database.DB, set migrations.Set) error {
	want, err := Latest(set)
	if err != nil {
		return err
	}
	var have int64
	err = db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &have, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`)
	})
	if err != nil {
		return errs.Wrap(errs.KindUnavailable, "The database is not reachable or not migrated.", err).WithCode("not_ready")
	}
	if have < want {
		return errs.New(errs.KindUnavailable,
			fmt.Sprintf("Migrations are pending: the database is at version %d, this build needs %d. Run monozu migrate.", have, want)).
			WithCode("not_ready")
	}
	return nil
}
