package cmdb

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

var errAssetVersionConflict = errs.New(errs.KindConflict,
	"Someone else changed this asset since you read it; reload it and try again.").WithCode("version_conflict")

// Asset reads one asset.
func (s *Service) Asset(ctx context.Context, id uuid.UUID) (Asset, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Asset, error) {
		return assetByID(ctx, tx, id, false)
	})
}

// CreateAsset records an asset a person entered.
func (s *Service) CreateAsset(ctx context.Context, in AssetInput) (Asset, error) {
	in, err := in.normalized(false)
	if err != nil {
		return Asset{}, err
	}
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return Asset{}, err
	}
	var a Asset
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		if err := checkAssetRefs(ctx, tx, in); err != nil {
			return err
		}
		if err := checkAssetLimit(ctx, tx, licence, 1); err != nil {
			return err
		}
		id, err := insertAsset(ctx, tx, in, SourceManual)
		if err != nil {
			return err
		}
		if a, err = assetByID(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.create", ResourceType: "asset", ResourceID: id.String(),
			Summary: "Asset " + a.Name + " created in " + a.SiteName, Changes: assetChanges(AssetInput{}, in)})
	})
	return a, err
}

// UpdateAsset applies a patch made at the version the caller read.
func (s *Service) UpdateAsset(ctx context.Context, id uuid.UUID, p AssetPatch) (Asset, error) {
	var a Asset
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := assetByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.Version != p.Version {
			return errAssetVersionConflict
		}
		// A reviewed lifecycle is set through the review queue, not here.
		in, err := p.applyTo(inputOf(before)).normalized(before.Lifecycle == LifecycleDiscovered && p.Lifecycle == nil)
		if err != nil {
			return err
		}
		changes := assetChanges(inputOf(before), in)
		if len(changes) == 0 {
			a = before
			return nil
		}
		if err := checkAssetRefs(ctx, tx, in); err != nil {
			return err
		}
		if err := updateAsset(ctx, tx, id, in); err != nil {
			return err
		}
		if err := driftFollowEdit(ctx, tx, id, in, driftActor(ctx)); err != nil {
			return err
		}
		if a, err = assetByID(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.update", ResourceType: "asset", ResourceID: id.String(),
			Summary: "Asset " + a.Name + " updated", Changes: changes})
	})
	return a, err
}

// DeleteAsset removes an asset with its VLAN memberships, relationships and
// discovery history.
func (s *Service) DeleteAsset(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := assetByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := deleteAsset(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.delete", ResourceType: "asset", ResourceID: id.String(),
			Summary: "Asset " + before.Name + " deleted from " + before.SiteName, Changes: assetChanges(inputOf(before), AssetInput{})})
	})
}

// checkAssetRefs loads what in points at and reports what is missing or
// in another site.
func checkAssetRefs(ctx context.Context, tx *database.Tx, in AssetInput) error {
	if err := lockVLANPlacements(ctx, tx, in.VLANIDs); err != nil {
		return err
	}
	refs, err := loadAssetRefs(ctx, tx, []AssetInput{in}, false)
	if err != nil {
		return err
	}
	if fields := refs.check(in); len(fields) > 0 {
		return errs.Invalid(fields...)
	}
	return nil
}

// checkAssetLimit refuses adding assets beyond the licence's max_assets.
// The tenant's asset count is serialised by a transaction lock, so two
// concurrent creates cannot both take the last place.
func checkAssetLimit(ctx context.Context, tx *database.Tx, l *licensing.License, adding int) error {
	limit, ok := 0, false
	if l != nil {
		limit, ok = l.Limits["max_assets"]
	}
	if !ok || adding == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('cmdb.assets:' || $1::text, 0))`, tx.TenantID()); err != nil {
		return err
	}
	n, err := countManagedAssets(ctx, tx)
	if err != nil {
		return err
	}
	if n+adding > limit {
		return errs.New(errs.KindPermissionDenied,
			fmt.Sprintf("Your licence allows %d assets and %d are recorded; this would add %d. Remove some or ask for a larger licence.", limit, n, adding)).
			WithCode("licence_limit")
	}
	return nil
}

// assetChanges lists the fields that differ between two versions of an
// asset's editable fields, for the audit log.
func assetChanges(before, after AssetInput) map[string]audit.Change {
	b, a := fieldMap(before), fieldMap(after)
	changes := map[string]audit.Change{}
	for k, av := range a {
		if bv := b[k]; !reflect.DeepEqual(bv, av) {
			changes[k] = audit.Change{Before: bv, After: av}
		}
	}
	return changes
}

// fieldMap is in as JSON fields, empty ones left out.
func fieldMap(in AssetInput) map[string]any {
	raw, _ := json.Marshal(in)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if id, ok := m["site_id"]; ok && id == uuid.Nil.String() {
		delete(m, "site_id")
	}
	all := map[string]any{}
	for _, f := range []string{"name", "category", "type", "site_id", "vlan_ids", "ip_addresses", "mac_addresses",
		"hostname", "vendor_id", "model", "serial_number", "firmware_version", "os", "cpe", "criticality",
		"lifecycle", "owner", "location_detail", "tags", "notes"} {
		v := m[f]
		if l, ok := v.([]any); ok && len(l) == 0 {
			v = nil
		}
		all[f] = v
	}
	return all
}

// AssetCursor is where a page of assets continues: after this sort value
// and id.
type AssetCursor struct {
	Value any
	ID    uuid.UUID
}

// ListedAsset is an asset of a list page with its sort value, for the
// next cursor.
type ListedAsset struct {
	Asset
	sortKey any
}

// ListAssets reads one page of the filtered assets in order o, limit+1 rows
// so the caller knows whether a page follows.
func (s *Service) ListAssets(ctx context.Context, f AssetFilter, o AssetOrder, after *AssetCursor, limit int) ([]ListedAsset, error) {
	var out []ListedAsset
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		f, err := resolveTextSearch(ctx, tx, f)
		if err != nil {
			return err
		}
		q := newAssetQuery(tx.TenantID(), f)
		if after != nil {
			q.after(o, after.Value, after.ID)
		}
		var rows []assetRow
		if err := tx.Select(ctx, &rows, q.sql(o, limit+1), q.args...); err != nil {
			return err
		}
		assets, err := withVLANs(ctx, tx, rows)
		if err != nil {
			return err
		}
		out = make([]ListedAsset, len(rows))
		for i, a := range assets {
			out[i] = ListedAsset{Asset: a, sortKey: rows[i].SortKey.V}
		}
		return nil
	})
	return out, err
}

// exportBatch is how many assets an export reads per statement.
const exportBatch = 500

// ExportAssets streams every asset matching f, in order o, to emit. It
// reads keyset pages of exportBatch (one connection cannot read VLANs
// between the rows of an open statement), so memory stays bounded.
func (s *Service) ExportAssets(ctx context.Context, f AssetFilter, o AssetOrder, emit func(Asset) error) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		f, err := resolveTextSearch(ctx, tx, f)
		if err != nil {
			return err
		}
		var after *AssetCursor
		for {
			q := newAssetQuery(tx.TenantID(), f)
			if after != nil {
				q.after(o, after.Value, after.ID)
			}
			var rows []assetRow
			if err := tx.Select(ctx, &rows, q.sql(o, exportBatch), q.args...); err != nil {
				return err
			}
			assets, err := withVLANs(ctx, tx, rows)
			if err != nil {
				return err
			}
			for _, a := range assets {
				if err := emit(a); err != nil {
					return err
				}
			}
			if len(rows) < exportBatch {
				return nil
			}
			last := rows[len(rows)-1]
			value, err := decodeSortKey(o.Column, last.SortKey.V)
			if err != nil {
				return err
			}
			after = &AssetCursor{Value: value, ID: last.ID}
		}
	})
}

// textIndexCap is how many search hits the index lookup hands over as ids;
// a broader search filters row by row instead, which is then as fast (see
// docs/benchmarks.md for where the two cross).
const textIndexCap = 400

// resolveTextSearch looks the free text up in the trigram index through
// cmdb_asset_search (migrations/cloud/00007: row-level security keeps
// PostgreSQL from using that index for LIKE directly). A selective search
// becomes a list of ids; a broad one stays a row-by-row filter.
func resolveTextSearch(ctx context.Context, tx *database.Tx, f AssetFilter) (AssetFilter, error) {
	stmt, args, ok := textSearchLookup(f)
	if !ok {
		return f, nil
	}
	var ids []uuid.UUID
	if err := tx.Select(ctx, &ids, stmt, args...); err != nil {
		return f, err
	}
	return withTextHits(f, ids), nil
}

// textSearchLookup is the index lookup of f's free text, when it has one
// the trigram index can serve (three characters or more).
func textSearchLookup(f AssetFilter) (string, []any, bool) {
	if len([]rune(f.Text)) < 3 {
		return "", nil, false
	}
	return `SELECT DISTINCT id FROM unnest($1::text[]) AS p(pattern), cmdb_asset_search(p.pattern, $2) AS id`,
		[]any{searchPatterns(f.Text), textIndexCap + 1}, true
}

// withTextHits takes the lookup's ids into f when there are few enough.
func withTextHits(f AssetFilter, ids []uuid.UUID) AssetFilter {
	if len(ids) <= textIndexCap {
		f.textHits = append([]uuid.UUID{}, ids...)
	}
	return f
}
