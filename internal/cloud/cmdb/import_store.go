package cmdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// AssetImportSummary is an import as the list shows it.
type AssetImportSummary struct {
	ID         uuid.UUID  `db:"id" json:"id"`
	Filename   string     `db:"filename" json:"filename"`
	Status     string     `db:"status" json:"status" enum:"queued running succeeded failed"`
	TotalRows  int        `db:"total_rows" json:"total_rows"`
	RowsDone   int        `db:"rows_done" json:"rows_done" doc:"rows written so far while running"`
	Created    int        `db:"created" json:"created"`
	Updated    int        `db:"updated" json:"updated"`
	ErrorCount int        `db:"error_count" json:"error_count" doc:"errors listed (at most 1,000; message tells the total)"`
	Message    string     `db:"message" json:"message"`
	CreatedBy  *uuid.UUID `db:"created_by" json:"created_by"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	StartedAt  *time.Time `db:"started_at" json:"started_at"`
	FinishedAt *time.Time `db:"finished_at" json:"finished_at"`
}

// AssetImport is one import with its row errors: the result report.
type AssetImport struct {
	AssetImportSummary
	Errors []ImportError `json:"errors"`
}

const importSummaryColumns = `id, filename, status, total_rows, rows_done, created, updated,
	jsonb_array_length(errors) AS error_count, message, created_by, created_at, started_at, finished_at`

type importRowRecord struct {
	AssetImportSummary
	Errors database.JSON[[]ImportError] `db:"errors"`
}

// insertImport stores an uploaded file, queued.
func insertImport(ctx context.Context, tx *database.Tx, filename string, content []byte, total int, createdBy *uuid.UUID) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO asset_imports (tenant_id, filename, status, content, total_rows, created_by)
		VALUES ($1, $2, 'queued', $3, $4, $5) RETURNING id`, tx.TenantID(), filename, content, total, createdBy)
	return id, err
}

// importByID reads an import with its errors (never its file).
func importByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (AssetImport, error) {
	var row importRowRecord
	err := tx.Get(ctx, &row, `SELECT `+importSummaryColumns+`, errors FROM asset_imports WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return AssetImport{}, errs.NotFound("import")
	}
	if err != nil {
		return AssetImport{}, err
	}
	out := AssetImport{AssetImportSummary: row.AssetImportSummary, Errors: row.Errors.V}
	if out.Errors == nil {
		out.Errors = []ImportError{}
	}
	return out, nil
}

// importKey is where a page of imports continues: newest first.
type importKey struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// listImports reads limit+1 imports older than after (nil: the newest).
func listImports(ctx context.Context, tx *database.Tx, after *importKey, limit int) ([]AssetImportSummary, error) {
	at, id := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), uuid.Max
	if after != nil {
		at, id = after.CreatedAt, after.ID
	}
	var out []AssetImportSummary
	err := tx.Select(ctx, &out, `SELECT `+importSummaryColumns+` FROM asset_imports
		WHERE tenant_id = $1 AND (created_at, id) < ($2, $3)
		ORDER BY created_at DESC, id DESC LIMIT $4`, tx.TenantID(), at, id, limit+1)
	return out, err
}

// importWork is a claimed import's file.
type importWork struct {
	Filename  string     `db:"filename"`
	Content   []byte     `db:"content"`
	CreatedBy *uuid.UUID `db:"created_by"`
}

// claimImport marks a queued (or interrupted) import running and returns
// its file; ok is false when it has finished already.
func claimImport(ctx context.Context, tx *database.Tx, id uuid.UUID) (importWork, bool, error) {
	var w importWork
	err := tx.Get(ctx, &w, `UPDATE asset_imports SET status = 'running', rows_done = 0, started_at = coalesce(started_at, now())
		WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running') AND content IS NOT NULL
		RETURNING filename, content, created_by`, tx.TenantID(), id)
	if errs.Is(err, errs.KindNotFound) {
		return w, false, nil
	}
	return w, err == nil, err
}

// setImportProgress records how many rows are written.
func setImportProgress(ctx context.Context, tx *database.Tx, id uuid.UUID, done int) error {
	_, err := tx.Exec(ctx, `UPDATE asset_imports SET rows_done = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'running'`,
		tx.TenantID(), id, done)
	return err
}

// importOutcome is how an import ended.
type importOutcome struct {
	status           string
	created, updated int
	rowsDone         int
	errors           []ImportError
	message          string
}

// finishImport records the outcome and drops the file.
func finishImport(ctx context.Context, tx *database.Tx, id uuid.UUID, o importOutcome) error {
	list := o.errors
	if len(list) > importMaxErrors {
		list = list[:importMaxErrors]
	}
	if list == nil {
		list = []ImportError{}
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE asset_imports SET status = $3, created = $4, updated = $5, rows_done = $6, errors = $7,
			message = $8, content = NULL, finished_at = clock_timestamp(), started_at = coalesce(started_at, now())
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID(), id, o.status, o.created, o.updated, o.rowsDone, string(raw), clipText(o.message, 1000))
	return err
}

// loadImportExisting reads every asset of the tenant as the import
// matches them.
func loadImportExisting(ctx context.Context, tx *database.Tx) ([]importExisting, error) {
	var out []importExisting
	err := tx.Select(ctx, &out, `SELECT id, site_id, name, lifecycle, version FROM assets WHERE tenant_id = $1`, tx.TenantID())
	return out, err
}

// loadImportCurrent reads the stored fields of the assets ids.
func loadImportCurrent(ctx context.Context, tx *database.Tx, ids []uuid.UUID) (map[uuid.UUID]AssetInput, error) {
	out := make(map[uuid.UUID]AssetInput, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []assetRow
	if err := tx.Select(ctx, &rows, `SELECT `+assetColumns+`, NULL AS sort_key`+assetFrom+` WHERE a.tenant_id = $1 AND a.id = ANY($2)`,
		tx.TenantID(), ids); err != nil {
		return nil, err
	}
	assets, err := withVLANs(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	for _, a := range assets {
		out[a.ID] = inputOf(a)
	}
	return out, nil
}

// lockImportTargets locks the assets an import updates and returns their
// versions, to tell whether someone changed them since they were read.
func lockImportTargets(ctx context.Context, tx *database.Tx, ids []uuid.UUID) (map[uuid.UUID]int, error) {
	out := make(map[uuid.UUID]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID      uuid.UUID `db:"id"`
		Version int       `db:"version"`
	}
	if err := tx.Select(ctx, &rows, `SELECT id, version FROM assets WHERE tenant_id = $1 AND id = ANY($2) FOR UPDATE`,
		tx.TenantID(), ids); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Version
	}
	return out, nil
}

// parkImportNames gives the assets ids a placeholder name (their id) for
// the length of the import's transaction, so that renames within a file
// (a → b while b → c) never collide with a name about to be freed.
func parkImportNames(ctx context.Context, tx *database.Tx, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE assets SET name = id::text WHERE tenant_id = $1 AND id = ANY($2)`, tx.TenantID(), ids)
	return err
}

// importBatch is how many rows one batch statement writes: a 50,000-row
// file is 100 round trips per table instead of 50,000 (see docs/cmdb.md).
const importBatch = 500

// importAssetRecord is an asset as the batch statements read it from a
// JSON array; the columns are insertAsset's and updateAsset's.
type importAssetRecord struct {
	ID              uuid.UUID  `json:"id"`
	SiteID          uuid.UUID  `json:"site_id"`
	Name            string     `json:"name"`
	Category        string     `json:"category"`
	Type            string     `json:"type"`
	IPAddresses     []string   `json:"ip_addresses"`
	MACAddresses    []string   `json:"mac_addresses"`
	Hostname        string     `json:"hostname"`
	VendorID        *uuid.UUID `json:"vendor_id"`
	Model           string     `json:"model"`
	SerialNumber    string     `json:"serial_number"`
	FirmwareVersion string     `json:"firmware_version"`
	OS              string     `json:"os"`
	CPE             []string   `json:"cpe"`
	Criticality     string     `json:"criticality"`
	Lifecycle       string     `json:"lifecycle"`
	Owner           string     `json:"owner"`
	LocationDetail  string     `json:"location_detail"`
	Tags            []string   `json:"tags"`
	Notes           string     `json:"notes"`
	SearchText      string     `json:"search_text"`
}

// importRecordType declares importAssetRecord's columns to jsonb_to_recordset.
const importRecordType = `r(id uuid, site_id uuid, name text, category text, type text, ip_addresses text[],
	mac_addresses text[], hostname text, vendor_id uuid, model text, serial_number text, firmware_version text,
	os text, cpe text[], criticality text, lifecycle text, owner text, location_detail text, tags text[], notes text,
	search_text text)`

func importRecordsJSON(ids []uuid.UUID, ins []AssetInput) (string, error) {
	orEmpty := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	records := make([]importAssetRecord, len(ins))
	for i, in := range ins {
		records[i] = importAssetRecord{ID: ids[i], SiteID: in.SiteID, Name: in.Name, Category: in.Category, Type: in.Type,
			IPAddresses: orEmpty(in.IPAddresses), MACAddresses: orEmpty(in.MACAddresses), Hostname: in.Hostname,
			VendorID: in.VendorID, Model: in.Model, SerialNumber: in.SerialNumber, FirmwareVersion: in.FirmwareVersion,
			OS: in.OS, CPE: orEmpty(in.CPE), Criticality: in.Criticality, Lifecycle: in.Lifecycle, Owner: in.Owner,
			LocationDetail: in.LocationDetail, Tags: orEmpty(in.Tags), Notes: in.Notes, SearchText: assetSearchText(in)}
	}
	raw, err := json.Marshal(records)
	return string(raw), err
}

// insertImportBatch writes new assets (source import) with their ids;
// ins are normalised. customChecks plans the VLAN links' foreign-key
// checks for the table as it is (importCustomChecks).
func insertImportBatch(ctx context.Context, tx *database.Tx, ids []uuid.UUID, ins []AssetInput, customChecks bool) error {
	records, err := importRecordsJSON(ids, ins)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO assets (tenant_id, id, site_id, name, category, type, ip_addresses, mac_addresses,
			hostname, vendor_id, model, serial_number, firmware_version, os, cpe, criticality, lifecycle, owner,
			location_detail, tags, notes, source, search_text)
		SELECT $1, r.id, r.site_id, r.name, r.category, r.type, r.ip_addresses::inet[], r.mac_addresses::macaddr[],
			r.hostname, r.vendor_id, r.model, r.serial_number, r.firmware_version, r.os, r.cpe, r.criticality, r.lifecycle,
			r.owner, r.location_detail, r.tags, r.notes, 'import', r.search_text
		FROM jsonb_to_recordset($2::jsonb) AS `+importRecordType, tx.TenantID(), records)
	if err != nil {
		return assetWriteError(err)
	}
	if !customChecks {
		return addImportVLANs(ctx, tx, ids, ins)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return err
	}
	if err := addImportVLANs(ctx, tx, ids, ins); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SET LOCAL plan_cache_mode TO DEFAULT`)
	return err
}

// updateImportBatch overwrites the editable fields of assets ids and bumps
// their versions; ins are normalised. VLAN links are rewritten for the
// assets whose VLANs changed (vlansChanged).
func updateImportBatch(ctx context.Context, tx *database.Tx, ids []uuid.UUID, ins []AssetInput, vlansChanged []bool) error {
	records, err := importRecordsJSON(ids, ins)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE assets a SET site_id = r.site_id, name = r.name, category = r.category, type = r.type,
			ip_addresses = r.ip_addresses::inet[], mac_addresses = r.mac_addresses::macaddr[], hostname = r.hostname,
			vendor_id = r.vendor_id, model = r.model, serial_number = r.serial_number, firmware_version = r.firmware_version,
			os = r.os, cpe = r.cpe, criticality = r.criticality, lifecycle = r.lifecycle, owner = r.owner,
			location_detail = r.location_detail, tags = r.tags, notes = r.notes, search_text = r.search_text,
			version = a.version + 1, updated_at = now()
		FROM jsonb_to_recordset($2::jsonb) AS `+importRecordType+`
		WHERE a.tenant_id = $1 AND a.id = r.id`, tx.TenantID(), records); err != nil {
		return assetWriteError(err)
	}
	var relinkIDs []uuid.UUID
	var relink []AssetInput
	for i, changed := range vlansChanged {
		if changed {
			relinkIDs, relink = append(relinkIDs, ids[i]), append(relink, ins[i])
		}
	}
	if len(relinkIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM asset_vlans WHERE tenant_id = $1 AND asset_id = ANY($2)`, tx.TenantID(), relinkIDs); err != nil {
		return err
	}
	return addImportVLANs(ctx, tx, relinkIDs, relink)
}

// addImportVLANs links each asset ids[i] to the VLANs of ins[i].
func addImportVLANs(ctx context.Context, tx *database.Tx, ids []uuid.UUID, ins []AssetInput) error {
	var assets, vlans []uuid.UUID
	for i, in := range ins {
		for _, v := range in.VLANIDs {
			assets, vlans = append(assets, ids[i]), append(vlans, v)
		}
	}
	if len(assets) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO asset_vlans (tenant_id, asset_id, vlan_id)
		SELECT $1, l.asset_id, l.vlan_id FROM unnest($2::uuid[], $3::uuid[]) AS l(asset_id, vlan_id)
		ON CONFLICT DO NOTHING`, tx.TenantID(), assets, vlans)
	return err
}

// importCustomChecks tells whether the VLAN links of a large import need
// their foreign-key checks planned each time. PostgreSQL caches a generic
// plan per connection for the check of asset_vlans → assets, made from
// the table's size when it was first needed: made on a nearly empty table
// it is a sequential scan, and once the import's own rows fill the table
// every check reads them all (50,000 rows took minutes). That can only
// happen when the file adds more assets than the table's statistics know
// of.
func importCustomChecks(ctx context.Context, tx *database.Tx, adding int) (bool, error) {
	var known float64
	if err := tx.Get(ctx, &known, `SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'assets'::regclass`); err != nil {
		return false, err
	}
	return adding >= importBatch && float64(adding) >= known, nil
}
