package database

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/monozu/monozu/internal/platform/errs"
)

// PostgreSQL SQLSTATE codes the mapping knows.
const (
	sqlstateUniqueViolation      = "23505"
	sqlstateForeignKeyViolation  = "23503"
	sqlstateCheckViolation       = "23514"
	sqlstateNotNullViolation     = "23502"
	sqlstateInvalidText          = "22P02"
	sqlstateStringTooLong        = "22001"
	sqlstateNumericOutOfRange    = "22003"
	sqlstateSerializationFailure = "40001"
	sqlstateDeadlockDetected     = "40P01"
	sqlstateQueryCanceled        = "57014"
)

// mapError turns driver errors into errs.Error kinds so no layer above has
// to know PostgreSQL codes. Constraint names are kept in the cause (logged),
// never in the message.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var typed *errs.Error
	if errors.As(err, &typed) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("record")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.Wrap(errs.KindUnavailable, "The database did not answer in time.", err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return errs.Wrap(errs.KindInternal, "database error", err)
	}
	switch pgErr.Code {
	case sqlstateUniqueViolation:
		return errs.Wrap(errs.KindConflict, "A record with these values already exists.", err)
	case sqlstateForeignKeyViolation:
		return errs.Wrap(errs.KindValidation, "A referenced record does not exist or is still in use.", err).WithCode("reference_invalid")
	case sqlstateCheckViolation, sqlstateNotNullViolation, sqlstateInvalidText, sqlstateStringTooLong, sqlstateNumericOutOfRange:
		return errs.Wrap(errs.KindValidation, "A value is not acceptable.", err)
	case sqlstateSerializationFailure, sqlstateDeadlockDetected:
		return errs.Wrap(errs.KindConflict, "The record changed concurrently; try again.", err).WithCode("concurrent_update")
	case sqlstateQueryCanceled:
		return errs.Wrap(errs.KindUnavailable, "The database did not answer in time.", err)
	}
	return errs.Wrap(errs.KindInternal, "database error", err)
}

func notFound(resource string) error { return errs.NotFound(resource) }

// isRetryable reports a serialization failure or deadlock, which PostgreSQL
// asks the client to retry.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) &&
		(pgErr.Code == sqlstateSerializationFailure || pgErr.Code == sqlstateDeadlockDetected)
}
