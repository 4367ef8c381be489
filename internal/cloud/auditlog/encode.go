package auditlog

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"time"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

// encoder writes an export one entry at a time: begin once, entry per row,
// end once (which flushes).
type encoder interface {
	begin() error
	entry(e Entry) error
	end() error
}

func newEncoder(format Format, w io.Writer) encoder {
	if format == FormatJSON {
		return &jsonEncoder{w: bufio.NewWriter(w)}
	}
	return csvEncoder{w: csv.NewWriter(w)}
}

// csvHeader names the columns of a CSV export.
var csvHeader = []string{"id", "at", "actor_type", "actor_id", "actor_label", "action", "resource_type",
	"resource_id", "summary", "changes", "ip", "user_agent", "request_id"}

type csvEncoder struct{ w *csv.Writer }

func (c csvEncoder) begin() error { return c.w.Write(csvHeader) }

func (c csvEncoder) entry(e Entry) error {
	actorID := ""
	if e.Actor.ID != nil {
		actorID = e.Actor.ID.String()
	}
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return err
	}
	record := []string{e.ID.String(), e.At.Format(time.RFC3339Nano), e.Actor.Type, actorID, e.Actor.Label,
		e.Action, e.ResourceType, e.ResourceID, e.Summary, string(changes), e.IP, e.UserAgent, e.RequestID}
	for i, cell := range record {
		record[i] = httpapi.SpreadsheetSafe(cell)
	}
	return c.w.Write(record)
}

func (c csvEncoder) end() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonEncoder writes one JSON array, an element at a time.
type jsonEncoder struct {
	w     *bufio.Writer
	count int
}

func (j *jsonEncoder) begin() error {
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonEncoder) entry(e Entry) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	separator := ",\n"
	if j.count == 0 {
		separator = "\n"
	}
	j.count++
	if _, err := j.w.WriteString(separator); err != nil {
		return err
	}
	_, err = j.w.Write(raw)
	return err
}

func (j *jsonEncoder) end() error {
	if _, err := j.w.WriteString("\n]\n"); err != nil {
		return err
	}
	return j.w.Flush()
}
