package auditlog

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// exportTimeout bounds an export's transaction. Without it InTenant would
// allow a request transaction only a few query timeouts, too little for a
// large export; the HTTP write timeout still bounds the download itself.
const exportTimeout = 10 * time.Minute

// Service reads the audit log of the tenant on the context.
type Service struct {
	db *database.DB
	// exportCap is MaxExportRows unless the composition root lowers it.
	exportCap int
}

// NewService wires the service.
func NewService(db *database.DB) *Service {
	return &Service{db: db, exportCap: MaxExportRows}
}

// List returns up to limit+1 entries matching f after the position (nil for
// the first page), newest first: the extra entry tells a next page exists.
func (s *Service) List(ctx context.Context, f Filter, after *Position, limit int) ([]Entry, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Entry, error) {
		return listEntries(ctx, tx, f, after, limit+1)
	})
}

// Export passes every entry matching f to emit, newest first, in one
// transaction that first records the export itself (audit.export): an export
// that cannot be recorded does not happen, and more than the cap is refused
// before anything is emitted. Once an entry has been emitted the transaction
// commits even if the export then breaks off (emit fails because the client
// went away): what was sent cannot be unsent, so it must stay on record. Only
// a database failure part-way, which leaves nothing to commit, loses the
// record. The error that ended the export is returned.
func (s *Service) Export(ctx context.Context, f Filter, format Format, emit func(Entry) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, exportTimeout)
	defer cancel()
	emitted := 0
	var streamErr error
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		// InTenant retries once on a serialization failure or deadlock;
		// entries already sent cannot be taken back, so never send twice.
		if emitted > 0 {
			return errs.New(errs.KindUnavailable, "The export was interrupted; start it again.")
		}
		if err := audit.Write(ctx, tx, audit.Record{
			Action: "audit.export", ResourceType: "audit_log",
			Summary: "Audit log exported as " + strings.ToUpper(string(format)) + " (" + f.String() + ")",
		}); err != nil {
			return err
		}
		n, err := countEntries(ctx, tx, f, s.exportCap+1)
		if err != nil {
			return err
		}
		if n > s.exportCap {
			return errExportTooLarge(s.exportCap)
		}
		streamErr = eachEntry(ctx, tx, f, s.exportCap+1, capped(s.exportCap, func(e Entry) error {
			emitted++
			return emit(e)
		}))
		if emitted == 0 {
			return streamErr
		}
		return nil
	})
	if err != nil {
		return err
	}
	return streamErr
}

// capped refuses the entry after the cap-th. The count before the export
// already refused larger results; this catches entries committed between
// that count and the export's own query, so a capped export is never
// silently cut short (the download fails instead).
func capped(maxRows int, emit func(Entry) error) func(Entry) error {
	n := 0
	return func(e Entry) error {
		if n++; n > maxRows {
			return errExportTooLarge(maxRows)
		}
		return emit(e)
	}
}

func errExportTooLarge(maxRows int) error {
	return errs.Invalid(errs.Field("from", "too_many_rows",
		"the export would have more than "+strconv.Itoa(maxRows)+" entries; narrow the time range or add filters")).
		WithCode("export_too_large")
}
