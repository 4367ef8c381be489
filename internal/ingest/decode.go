package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	fastjson "github.com/goccy/go-json"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

var (
	errTooLarge = errs.New(errs.KindTooLarge,
		fmt.Sprintf("The batch is larger than %d bytes after decompression.", MaxBodyBytes)).WithCode("payload_too_large")
	errTooMany = errs.New(errs.KindTooLarge,
		fmt.Sprintf("A batch carries at most %d events.", MaxEvents)).WithCode("too_many_events")
)

// decompress returns the body, gunzipped when the request says so, refusing
// anything over MaxBodyBytes either way.
func decompress(body []byte, encoding string) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		if len(body) > MaxBodyBytes {
			return nil, errTooLarge
		}
		return body, nil
	case "gzip":
	default:
		return nil, errs.New(errs.KindUnsupportedMedia, "Content-Encoding must be gzip or absent.").WithCode("unsupported_encoding")
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, errs.New(errs.KindBadRequest, "The body is not valid gzip.").WithCode("malformed_gzip")
	}
	defer func() { _ = zr.Close() }()
	out := bytes.NewBuffer(make([]byte, 0, min(MaxBodyBytes, 8*len(body)+512)))
	n, err := io.Copy(out, io.LimitReader(zr, MaxBodyBytes+1))
	if err != nil {
		return nil, errs.New(errs.KindBadRequest, "The body is not valid gzip.").WithCode("malformed_gzip")
	}
	if n > MaxBodyBytes {
		return nil, errTooLarge
	}
	return out.Bytes(), nil
}

// parsedEvent is a valid event: its key, raw data, and the data decoded
// for its kind (one of the kind types, pointer).
type parsedEvent struct {
	id   uuid.UUID
	ts   time.Time
	kind Kind
	data json.RawMessage
	// payload is *Telemetry, *Log, *SecurityAlert, *Discovery or *BackupEvent.
	payload any
}

// decodeBatch reads a JSON array of events and checks each. Broken JSON is
// a bad request for the whole body; anything wrong with an event is one or
// more BadEvents naming its index.
func decodeBatch(body []byte, now time.Time) ([]parsedEvent, []BadEvent, error) {
	v := batchValidator{latest: now.Add(MaxFutureSkew)}
	// The common case, a well-formed array, in one pass of the fast
	// decoder; anything else is read again event by event with
	// encoding/json, whose errors say where it went wrong.
	var raws []Event
	if err := fastjson.Unmarshal(body, &raws); err != nil || raws == nil {
		return v.decodeStream(body)
	}
	if len(raws) > MaxEvents {
		return nil, nil, errTooMany
	}
	v.events, v.seen = make([]parsedEvent, 0, len(raws)), make(map[uuid.UUID]int, len(raws))
	for i, raw := range raws {
		v.add(i, raw)
	}
	return v.events, v.bad, nil
}

// batchValidator collects a batch's valid events and its problems.
type batchValidator struct {
	latest time.Time
	events []parsedEvent
	bad    []BadEvent
	seen   map[uuid.UUID]int // index of each id
}

func (v *batchValidator) add(i int, raw Event) {
	ev, problems := parseEvent(i, raw, v.latest)
	if len(problems) == 0 {
		if first, dup := v.seen[ev.id]; dup {
			problems = append(problems, BadEvent{Index: i, Field: "id", Code: "duplicate",
				Reason: fmt.Sprintf("the batch has this id at index %d already", first)})
		}
		v.seen[ev.id] = i
	}
	if len(problems) > 0 {
		v.bad = append(v.bad, problems...)
		return
	}
	v.events = append(v.events, ev)
}

// decodeStream reads the array element by element, so a value of the
// wrong type is reported with its event's index.
func (v *batchValidator) decodeStream(body []byte) ([]parsedEvent, []BadEvent, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, nil, errs.New(errs.KindBadRequest, "The body must be a JSON array of events.").WithCode("malformed_json")
	}
	v.seen = map[uuid.UUID]int{}
	for i := 0; dec.More(); i++ {
		if i == MaxEvents {
			return nil, nil, errTooMany
		}
		var raw Event
		if err := dec.Decode(&raw); err != nil {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				return nil, nil, errs.New(errs.KindBadRequest, "The body is not valid JSON.").WithCode("malformed_json")
			}
			v.bad = append(v.bad, BadEvent{Index: i, Field: fieldOf(typeErr, "event"), Code: "invalid_type", Reason: "has the wrong JSON type"})
			continue
		}
		v.add(i, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, errs.New(errs.KindBadRequest, "The body is not valid JSON.").WithCode("malformed_json")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errs.New(errs.KindBadRequest, "The body has data after the JSON array.").WithCode("malformed_json")
	}
	return v.events, v.bad, nil
}

func fieldOf(e *json.UnmarshalTypeError, whole string) string {
	if e.Field == "" {
		return whole
	}
	return e.Field
}

func parseEvent(i int, raw Event, latest time.Time) (parsedEvent, []BadEvent) {
	var bad []BadEvent
	add := func(field, code, reason string) {
		bad = append(bad, BadEvent{Index: i, Field: field, Code: code, Reason: reason})
	}
	ev := parsedEvent{kind: raw.Kind, data: raw.Data}
	var err error
	if raw.ID == "" {
		add("id", "required", "is required")
	} else if ev.id, err = uuid.Parse(raw.ID); err != nil || len(raw.ID) != 36 {
		add("id", "invalid", "must be a UUID")
	}
	if raw.Timestamp == "" {
		add("timestamp", "required", "is required")
	} else if ev.ts, err = time.Parse(time.RFC3339Nano, raw.Timestamp); err != nil {
		add("timestamp", "invalid", "must be an RFC 3339 time")
	} else if ev.ts.After(latest) {
		add("timestamp", "out_of_range", "must not be more than 24 hours ahead of the server's clock")
	} else if ev.ts.Before(earliestTimestamp) {
		add("timestamp", "out_of_range", "must be after 2000-01-01")
	}
	// PostgreSQL keeps microseconds; the job's read-back compares times.
	ev.ts = ev.ts.UTC().Truncate(time.Microsecond)
	if len(raw.Data) == 0 || raw.Data[0] != '{' {
		add("data", "invalid_type", "must be a JSON object")
		return ev, bad
	}
	var c dataChecker
	switch raw.Kind {
	case KindTelemetry:
		ev.payload, err = decodeData(raw.Data, &c, (*Telemetry).check)
	case KindLog:
		ev.payload, err = decodeData(raw.Data, &c, (*Log).check)
	case KindSecurityAlert:
		ev.payload, err = decodeData(raw.Data, &c, (*SecurityAlert).check)
	case KindDiscovery:
		ev.payload, err = decodeData(raw.Data, &c, (*Discovery).check)
	case KindBackupEvent:
		ev.payload, err = decodeData(raw.Data, &c, (*BackupEvent).check)
	case "":
		add("kind", "required", "is required")
		return ev, bad
	default:
		add("kind", "invalid", "must be one of telemetry, log, security_alert, discovery, backup_event")
		return ev, bad
	}
	if err != nil {
		add(dataErrorField(err), dataErrorCode(err), dataErrorReason(err))
	}
	for _, f := range c.Fields {
		add("data."+f.Field, f.Code, f.Message)
	}
	return ev, bad
}

// decodeData decodes data strictly (no unknown fields) into a new T and
// checks it. The fast decoder reads valid data; data it refuses is read
// again by encoding/json, whose error names the field the way the API
// reports it (the JSON name, with its path).
func decodeData[T any](data json.RawMessage, c *dataChecker, check func(*T, *dataChecker)) (*T, error) {
	v := new(T)
	fast := fastjson.NewDecoder(bytes.NewReader(data))
	fast.DisallowUnknownFields()
	if err := fast.Decode(v); err != nil {
		v = new(T)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return v, err
		}
	}
	check(v, c)
	return v, nil
}

func dataErrorField(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return "data." + typeErr.Field
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "data." + strings.Trim(f, `"`)
	}
	return "data"
}

func dataErrorCode(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return "invalid_type"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown_field"
	}
	return "invalid"
}

func dataErrorReason(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return "must be a JSON " + jsonType(typeErr.Type.Kind())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "is not a field of this kind"
	}
	return "could not be read"
}

func jsonType(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "integer"
	}
	return "number"
}
