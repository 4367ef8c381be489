package auditlog

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// FilterQuery documents the filter parameters both routes take.
type FilterQuery struct {
	ActorID      uuid.UUID `query:"actor_id" doc:"entries by this user, device or operator"`
	Action       string    `query:"action" doc:"an action (auth.login), or every action under a prefix ending in .* (auth.*)"`
	ResourceType string    `query:"resource_type" doc:"e.g. user, session, tenant"`
	ResourceID   string    `query:"resource_id"`
	From         time.Time `query:"from" doc:"RFC 3339, inclusive (encode + as %2B)"`
	To           time.Time `query:"to" doc:"RFC 3339, exclusive (encode + as %2B)"`
}

// ListQuery documents the query of GET /settings/audit.
type ListQuery struct {
	FilterQuery
	httpapi.PageQuery
}

// ExportQuery documents the query of GET /settings/audit/export.
type ExportQuery struct {
	FilterQuery
	Format Format `query:"format" enum:"csv json" doc:"file format (default csv)"`
}

var (
	filterParams = []string{"actor_id", "action", "resource_type", "resource_id", "from", "to"}
	listParams   = append(slices.Clone(filterParams), "limit", "cursor")
	exportParams = append(slices.Clone(filterParams), "format")
)

// parseFilter turns query values into a Filter, reporting every malformed
// or invalid value.
func parseFilter(values map[string]string) (Filter, []errs.FieldError) {
	f := Filter{Action: values["action"], ResourceType: values["resource_type"], ResourceID: values["resource_id"]}
	var problems []errs.FieldError
	if raw := values["actor_id"]; raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			problems = append(problems, errs.Field("actor_id", "invalid", "must be a UUID"))
		} else {
			f.ActorID = &id
		}
	}
	var times errs.Checker
	f.From, f.To = times.Time("from", values["from"]), times.Time("to", values["to"])
	return f, append(append(problems, times.Fields...), f.problems()...)
}

// parseFormat reads ?format=, csv when absent.
func parseFormat(raw string) (Format, []errs.FieldError) {
	switch Format(raw) {
	case "", FormatCSV:
		return FormatCSV, nil
	case FormatJSON:
		return FormatJSON, nil
	}
	return "", []errs.FieldError{errs.Field("format", "invalid", "must be csv or json")}
}
