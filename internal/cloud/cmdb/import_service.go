package cmdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// ImportReport is a dry run's answer: what the file would do, and every
// row error.
type ImportReport struct {
	TotalRows   int           `json:"total_rows" doc:"asset rows in the file (blank rows are skipped)"`
	WouldCreate int           `json:"would_create"`
	WouldUpdate int           `json:"would_update"`
	Unchanged   int           `json:"unchanged" doc:"rows naming an existing asset without changing it"`
	ErrorCount  int           `json:"error_count" doc:"every error found; errors lists the first 1,000"`
	Errors      []ImportError `json:"errors"`
}

// Import jobs.
const (
	importJobTimeout  = 15 * time.Minute // one attempt of a 50,000-row file takes well under a minute
	importJobAttempts = 5
)

// ImportArgs asks for a stored import file to be applied.
type ImportArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ImportID uuid.UUID `json:"import_id"`
	// MayUpdate is whether the importer held assets.update: without it,
	// rows naming existing assets are errors.
	MayUpdate bool `json:"may_update"`
}

// Kind names the job.
func (ImportArgs) Kind() string { return "cmdb_asset_import" }

// InsertOpts bounds the retries of an import whose database failed.
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: importJobAttempts}
}

// errImportRows ends the import transaction when rows have errors, and
// errImportDryRun a dry run's: both roll back.
var (
	errImportRows   = errors.New("import rows have errors")
	errImportDryRun = errors.New("dry run")
)

// DryRunImport checks a file as the import would and says what it would
// do, in a transaction that is rolled back: nothing is written.
func (s *Service) DryRunImport(ctx context.Context, data []byte, mayUpdate bool) (ImportReport, error) {
	sheet, err := parseImportSheet(data)
	if err != nil {
		return ImportReport{}, err
	}
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	var p importPlan
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if p, _, err = planImportIn(ctx, tx, sheet, mayUpdate); err != nil {
			return err
		}
		if len(p.errors) > 0 {
			return errImportDryRun
		}
		if err := checkAssetLimit(ctx, tx, licence, p.addingManaged()); err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != "licence_limit" {
				return err
			}
			p.errors = append(p.errors, ImportError{Row: 0, Code: e.Code, Message: e.Message})
		}
		return errImportDryRun // roll back: a dry run never writes
	})
	if err != nil && !errors.Is(err, errImportDryRun) {
		return ImportReport{}, err
	}
	r := ImportReport{TotalRows: p.total, WouldCreate: len(p.creates), WouldUpdate: len(p.updates), Unchanged: p.unchanged,
		ErrorCount: len(p.errors), Errors: p.errors}
	if len(r.Errors) > importMaxErrors {
		r.Errors = r.Errors[:importMaxErrors]
	}
	if r.Errors == nil {
		r.Errors = []ImportError{}
	}
	return r, nil
}

// planImportIn loads what the rows of sheet may name and plans them.
func planImportIn(ctx context.Context, tx *database.Tx, sheet importSheet, mayUpdate bool) (importPlan, *importCatalog, error) {
	refs, err := loadAssetRefs(ctx, tx, nil, true)
	if err != nil {
		return importPlan{}, nil, err
	}
	existing, err := loadImportExisting(ctx, tx)
	if err != nil {
		return importPlan{}, nil, err
	}
	c := newImportCatalog(refs, existing)
	if c.current, err = loadImportCurrent(ctx, tx, c.targets(sheet)); err != nil {
		return importPlan{}, nil, err
	}
	return planImport(sheet, c, mayUpdate), c, nil
}

// StartImport stores a file and queues its import; the job applies it all
// or nothing. Problems with the file as a whole are answered at once.
func (s *Service) StartImport(ctx context.Context, filename string, data []byte, mayUpdate bool) (uuid.UUID, error) {
	sheet, err := parseImportSheet(data)
	if err != nil {
		return uuid.Nil, err
	}
	p, _ := auth.PrincipalFrom(ctx)
	var createdBy *uuid.UUID
	if p.Kind == auth.KindUser && p.ActorID != uuid.Nil {
		createdBy = &p.ActorID
	}
	var id uuid.UUID
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		if id, err = insertImport(ctx, tx, cleanFilename(filename), data, len(sheet.rows), createdBy); err != nil {
			return err
		}
		return s.queue.Enqueue(ctx, tx, ImportArgs{TenantID: tx.TenantID(), ImportID: id, MayUpdate: mayUpdate}, nil)
	})
	return id, err
}

// Import reads an import with its result report.
func (s *Service) Import(ctx context.Context, id uuid.UUID) (AssetImport, error) {
	var out AssetImport
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		out, err = importByID(ctx, tx, id)
		return err
	})
	return out, err
}

// Imports reads a page of imports, newest first (limit+1 rows).
func (s *Service) Imports(ctx context.Context, after *importKey, limit int) ([]AssetImportSummary, error) {
	var out []AssetImportSummary
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		out, err = listImports(ctx, tx, after, limit)
		return err
	})
	return out, err
}

// AddImportWorker registers the import job.
func (s *Service) AddImportWorker(workers *river.Workers) {
	river.AddWorker(workers, &importWorker{svc: s})
}

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	svc *Service
}

// Timeout lets a large file run longer than River's default minute.
func (w *importWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return importJobTimeout }

// Work applies the import. A failure of the database is retried; after
// the last attempt the import is marked failed.
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	ctx = auth.WithPrincipal(ctx, auth.System(job.Args.TenantID))
	err := w.svc.runImport(ctx, job.Args)
	if err != nil && job.Attempt >= job.MaxAttempts {
		_ = w.svc.finishImportAlone(ctx, job.Args.ImportID, importOutcome{status: importFailed,
			message: "The import could not run because of a server problem; nothing was imported. Upload the file again later."})
	}
	return err
}

// runImport claims the import, checks every row, and applies the file in
// one transaction when no row has an error.
func (s *Service) runImport(ctx context.Context, args ImportArgs) error {
	var work importWork
	var claimed bool
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var err error
		work, claimed, err = claimImport(ctx, tx, args.ImportID)
		return err
	})
	if err != nil || !claimed {
		return err // finished already (a repeated job) or the database failed
	}
	sheet, err := parseImportSheet(work.Content)
	if err != nil {
		return s.finishImportAlone(ctx, args.ImportID, importOutcome{status: importFailed, message: "Nothing was imported: " + publicMessage(err)})
	}
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return err
	}
	var actor *auth.Principal
	if work.CreatedBy != nil {
		actor = &auth.Principal{Kind: auth.KindUser, TenantID: args.TenantID, ActorID: *work.CreatedBy}
	}
	var p importPlan
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		var c *importCatalog
		var err error
		if p, c, err = planImportIn(ctx, tx, sheet, args.MayUpdate); err != nil {
			return err
		}
		if len(p.errors) > 0 {
			return errImportRows
		}
		if err := s.applyImport(ctx, tx, args.ImportID, p, c, licence, actor); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Record{Action: "assets.import", ResourceType: "asset_import", ResourceID: args.ImportID.String(),
			Summary: importSummary(work.Filename, len(p.creates), len(p.updates), p.unchanged), Actor: actor,
			Changes: map[string]audit.Change{
				"created": {After: len(p.creates)}, "updated": {After: len(p.updates)}, "unchanged": {After: p.unchanged},
				"filename": {After: work.Filename}}}); err != nil {
			return err
		}
		return finishImport(ctx, tx, args.ImportID, importOutcome{status: importSucceeded, created: len(p.creates),
			updated: len(p.updates), rowsDone: p.total,
			message: importSummary(work.Filename, len(p.creates), len(p.updates), p.unchanged) + "."})
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errImportRows):
		return s.finishImportAlone(ctx, args.ImportID, importOutcome{status: importFailed, errors: p.errors,
			message: importFailedMessage(p)})
	case isImportRefusal(err):
		return s.finishImportAlone(ctx, args.ImportID, importOutcome{status: importFailed,
			message: "Nothing was imported: " + publicMessage(err)})
	}
	return err
}

// isImportRefusal tells errors that a retry cannot mend (the licence, a
// concurrent change, a record deleted meanwhile) from outages.
func isImportRefusal(err error) bool {
	switch errs.KindOf(err) {
	case errs.KindValidation, errs.KindConflict, errs.KindPermissionDenied, errs.KindNotFound, errs.KindTooLarge:
		return true
	}
	return false
}

// publicMessage is what a person may read of err.
func publicMessage(err error) string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return "a server problem"
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += " " + f.Field + ": " + f.Message + "."
	}
	return msg
}

var errImportChanged = errs.New(errs.KindConflict,
	"assets or VLANs the file uses changed while the import ran; upload the file again").WithCode("concurrent_update")

// applyImport writes a checked plan in tx: updates, then creates, in
// batches of importBatch rows with their audit records, and the progress
// after each batch (in transactions of their own: this one is invisible
// until it commits).
func (s *Service) applyImport(ctx context.Context, tx *database.Tx, importID uuid.UUID, p importPlan, c *importCatalog,
	licence *licensing.License, actor *auth.Principal) error {
	ids := make([]uuid.UUID, 0, len(p.updates))
	var renamed []uuid.UUID
	for _, u := range p.updates {
		ids = append(ids, u.id)
		if importKeyOf(u.before.SiteID, u.before.Name) != importKeyOf(u.after.SiteID, u.after.Name) {
			renamed = append(renamed, u.id)
		}
	}
	versions, err := lockImportTargets(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if v, ok := versions[id]; !ok || v != c.assets[id].Version {
			return errImportChanged
		}
	}
	if err := lockImportVLANs(ctx, tx, p, c); err != nil {
		return err
	}
	if err := checkAssetLimit(ctx, tx, licence, p.addingManaged()); err != nil {
		return err
	}
	if err := parkImportNames(ctx, tx, renamed); err != nil {
		return err
	}
	customChecks, err := importCustomChecks(ctx, tx, len(p.creates))
	if err != nil {
		return err
	}
	who := auth.System(tx.TenantID())
	if actor != nil {
		who = *actor
	}
	done := p.unchanged
	progress := func(n int) error {
		done += n
		return s.db.InTenant(ctx, func(ptx *database.Tx) error { return setImportProgress(ctx, ptx, importID, done) })
	}
	for from := 0; from < len(p.updates); from += importBatch {
		batch := p.updates[from:min(from+importBatch, len(p.updates))]
		ids, ins := make([]uuid.UUID, len(batch)), make([]AssetInput, len(batch))
		relink := make([]bool, len(batch))
		records := make([]audit.Record, len(batch))
		for i, u := range batch {
			ids[i], ins[i] = u.id, u.after
			changes := assetChanges(u.before, u.after)
			_, relink[i] = changes["vlan_ids"]
			records[i] = audit.Record{Action: "assets.update", ResourceType: "asset", ResourceID: u.id.String(), Actor: &who,
				Summary: "Asset " + u.after.Name + " updated by import", Changes: changes}
		}
		if err := updateImportBatch(ctx, tx, ids, ins, relink); err != nil {
			return importBatchWriteError(batch, err)
		}
		if err := audit.WriteMany(ctx, tx, records); err != nil {
			return err
		}
		if err := progress(len(batch)); err != nil {
			return err
		}
	}
	for from := 0; from < len(p.creates); from += importBatch {
		batch := p.creates[from:min(from+importBatch, len(p.creates))]
		ids, ins := make([]uuid.UUID, len(batch)), make([]AssetInput, len(batch))
		records := make([]audit.Record, len(batch))
		for i, n := range batch {
			ids[i], ins[i] = uuid.New(), n.after
			records[i] = audit.Record{Action: "assets.create", ResourceType: "asset", ResourceID: ids[i].String(), Actor: &who,
				Summary: "Asset " + n.after.Name + " created by import in " + c.refs.sites[n.after.SiteID],
				Changes: assetChanges(AssetInput{}, n.after)}
		}
		if err := insertImportBatch(ctx, tx, ids, ins, customChecks); err != nil {
			return importBatchWriteError(batch, err)
		}
		if err := audit.WriteMany(ctx, tx, records); err != nil {
			return err
		}
		if err := progress(len(batch)); err != nil {
			return err
		}
	}
	return nil
}

// importBatchWriteError names the rows a refused write came from;
// outages stay as they are, to be retried.
func importBatchWriteError(batch []importChange, err error) error {
	if !isImportRefusal(err) {
		return err
	}
	rows := fmt.Sprintf("row %d", batch[0].row)
	if len(batch) > 1 {
		rows = fmt.Sprintf("one of rows %d to %d", batch[0].row, batch[len(batch)-1].row)
	}
	return errs.New(errs.KindConflict, fmt.Sprintf("%s could not be written (changed meanwhile?): %s", rows, publicMessage(err))).
		WithCode("import_row_refused")
}

// finishImportAlone records an outcome in its own transaction.
func (s *Service) finishImportAlone(ctx context.Context, id uuid.UUID, o importOutcome) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error { return finishImport(ctx, tx, id, o) })
}

// lockImportVLANs share-locks the VLANs the file puts assets in (and their
// zones), then checks they still lie where the plan read them: a zone or
// VLAN moved to another site since then fails the import rather than
// breaking the site rule.
func lockImportVLANs(ctx context.Context, tx *database.Tx, p importPlan, c *importCatalog) error {
	seen := map[uuid.UUID]bool{}
	var ids []uuid.UUID
	for _, ch := range slices.Concat(p.creates, p.updates) {
		for _, id := range ch.after.VLANIDs {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if err := lockVLANPlacements(ctx, tx, ids); err != nil {
		return err
	}
	now, err := loadAssetRefs(ctx, tx, []AssetInput{{VLANIDs: ids}}, false)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if v, ok := now.vlans[id]; !ok || v.SiteID != c.refs.vlans[id].SiteID {
			return errImportChanged
		}
	}
	return nil
}
