package cmdb

import (
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// This file belongs to the benchmarks (bench/cmdb, docs/benchmarks.md), not
// to the product: nothing in the service calls it. It hands out the exact
// SQL the asset handlers run, built by the same code, so the benchmark's SQL
// baselines (with and without row-level security) time the very statement
// the HTTP path runs and stay right when the query builder changes.

// AssetSearchSQL is the index lookup GET /api/v1/assets runs first for a
// free-text search (resolveTextSearch), with its arguments; ok is false
// when the query values have no text the index can serve.
func AssetSearchSQL(values map[string]string) (stmt string, args []any, ok bool) {
	f, _ := parseAssetFilter(values)
	return textSearchLookup(f)
}

// AssetListSQL is the main statement GET /api/v1/assets runs for the query
// values values (as the handler reads them: site_id, category, q, sort ...)
// and page size limit in tenantID, first page (no cursor), with its
// arguments; hits are the ids AssetSearchSQL returned (nil when it was not
// run). It fetches limit+1 rows, as the handler does.
func AssetListSQL(tenantID uuid.UUID, values map[string]string, limit int, hits []uuid.UUID) (string, []any, error) {
	f, invalid := parseAssetFilter(values)
	o, badSort := parseAssetOrder(values["sort"])
	if problems := append(invalid, badSort...); len(problems) > 0 {
		return "", nil, errs.Invalid(problems...)
	}
	if hits != nil {
		f = withTextHits(f, hits)
	}
	q := newAssetQuery(tenantID, f)
	return q.sql(o, limit+1), q.args, nil
}

// AssetByIDSQL is the main statement of GET /api/v1/assets/:id (assetByID
// in asset_store.go, without the lock; same columns and joins, the WHERE
// clause repeated here); its arguments are the tenant id and the asset id.
const AssetByIDSQL = `SELECT ` + assetColumns + `, NULL AS sort_key` + assetFrom + ` WHERE a.tenant_id = $1 AND a.id = $2`
