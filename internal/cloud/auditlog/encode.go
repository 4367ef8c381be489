package auditlog

import (
	"encoding/json"
	"io"
	"time"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

func newEncoder(format Format, w io.Writer) httpapi.RowEncoder[Entry] {
	if format == FormatJSON {
		return httpapi.NewJSONRows[Entry](w)
	}
	return httpapi.NewCSVRows(w, csvHeader, csvRecord)
}

// csvHeader names the columns of a CSV export.
var csvHeader = []string{"id", "at", "actor_type", "actor_id", "actor_label", "action", "resource_type",
	"resource_id", "summary", "changes", "ip", "user_agent", "request_id"}

func csvRecord(e Entry) []string {
	actorID := ""
	if e.Actor.ID != nil {
		actorID = e.Actor.ID.String()
	}
	changes, _ := json.Marshal(e.Changes) // raw JSON values always marshal
	return []string{e.ID.String(), e.At.Format(time.RFC3339Nano), e.Actor.Type, actorID, e.Actor.Label,
		e.Action, e.ResourceType, e.ResourceID, e.Summary, string(changes), e.IP, e.UserAgent, e.RequestID}
}
