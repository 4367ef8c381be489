package edge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// samples writes telemetry as the ingestor would: one sample at each offset
// from base with the given CPU.
func (f *fleet) samples(t *testing.T, tenantID uuid.UUID, d edge.Registered, base time.Time, cpu map[time.Duration]float64) {
	t.Helper()
	for off, v := range cpu {
		f.exec(t, `INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data) VALUES ($1, gen_random_uuid(), $2, $3, 'telemetry',
			json_build_object('cpu_percent', $4::real, 'memory_percent', 50, 'disk_percent', 70, 'uptime_s', 1000))`,
			tenantID, d.DeviceID, base.Add(off), v)
	}
}

func TestTelemetrySuccess(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	gw := f.device(t, admin, "acme", "gw")
	base := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	f.samples(t, tenantID, gw, base, map[time.Duration]float64{
		0: 10, 30 * time.Second: 30, 5 * time.Minute: 80, 2 * time.Hour: 5,
	})
	url := devicesURL + "/" + gw.DeviceID.String() + "/telemetry"
	apitest.Run(t, f.Server.App(), "buckets", []apitest.Case{
		{Name: "five minutes", Method: "GET", Path: url + "?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&bucket=5m", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				got := decode[edge.TelemetryHistory](t, r)
				if got.Bucket != "5m" || len(got.Buckets) != 2 || got.Buckets[0].Samples != 2 || *got.Buckets[0].CPUAvg != 20 ||
					*got.Buckets[0].CPUMax != 30 || !got.Buckets[1].Start.Equal(base.Add(5*time.Minute)) || *got.Buckets[1].MemoryMax != 50 {
					t.Fatalf("history: %s", r.Body)
				}
			}},
		{Name: "chosen width", Method: "GET", Path: url + "?from=2026-11-30T00:00:00Z&to=2026-11-30T23:00:00Z", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := decode[edge.TelemetryHistory](t, r); got.Bucket != "5m" || len(got.Buckets) != 3 {
					t.Fatalf("history: %s", r.Body)
				}
			}},
		{Name: "a day in one bucket", Method: "GET", Path: url + "?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z&bucket=1d", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := decode[edge.TelemetryHistory](t, r); len(got.Buckets) != 1 || got.Buckets[0].Samples != 4 || *got.Buckets[0].CPUMax != 80 {
					t.Fatalf("history: %s", r.Body)
				}
			}},
		{Name: "the last day by default: nothing", Method: "GET", Path: url, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if got := decode[edge.TelemetryHistory](t, r); len(got.Buckets) != 0 || got.Bucket != "5m" {
				t.Fatalf("history: %s", r.Body)
			}
		}},
	})
	apitest.Run(t, f.Server.App(), "refused", []apitest.Case{
		{Name: "too many buckets", Method: "GET", Path: url + "?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z&bucket=1m", Headers: h,
			Status: 422, Check: fieldError("bucket", "too_many")},
		{Name: "unknown bucket", Method: "GET", Path: url + "?bucket=2m", Headers: h, Status: 422, Check: fieldError("bucket", "invalid")},
		{Name: "from after to", Method: "GET", Path: url + "?from=2026-11-30T00:00:00Z&to=2026-11-29T00:00:00Z", Headers: h,
			Status: 422, Check: fieldError("from", "invalid")},
		{Name: "not a time", Method: "GET", Path: url + "?from=yesterday", Headers: h, Status: 422, Check: fieldError("from", "invalid")},
		{Name: "unknown parameter", Method: "GET", Path: url + "?step=5m", Headers: h, Status: 422, Check: fieldError("step", "unknown_parameter")},
	})
}

func TestDeviceLogs(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	gw := f.device(t, admin, "acme", "gw")
	base := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i, level := range []string{"debug", "info", "warn", "error", "info"} {
		f.exec(t, `INSERT INTO ingest_events (tenant_id, id, device_id, ts, kind, data) VALUES ($1, gen_random_uuid(), $2, $3, 'log',
			json_build_object('level', $4::text, 'message', $5::text, 'source', 'agent'))`,
			tenantID, gw.DeviceID, base.Add(time.Duration(i)*time.Minute), level, "line "+string(rune('a'+i)))
	}
	url := devicesURL + "/" + gw.DeviceID.String() + "/logs"
	lines := func(want string) func(*testing.T, *apitest.Response) {
		return func(t *testing.T, r *apitest.Response) {
			var got []string
			for _, l := range decode[httpapi.Page[edge.DeviceLog]](t, r).Items {
				got = append(got, l.Message)
			}
			if strings.Join(got, ",") != want {
				t.Fatalf("lines %v, want %s", got, want)
			}
		}
	}
	apitest.Run(t, f.Server.App(), "read", []apitest.Case{
		{Name: "newest first", Method: "GET", Path: url, Headers: h, Status: 200, Check: lines("line e,line d,line c,line b,line a")},
		{Name: "warn and above", Method: "GET", Path: url + "?level=warn", Headers: h, Status: 200, Check: lines("line d,line c")},
		{Name: "a time window", Method: "GET", Path: url + "?from=2026-11-30T10:01:00Z&to=2026-11-30T10:03:00Z", Headers: h, Status: 200,
			Check: lines("line c,line b")},
		{Name: "pages", Method: "GET", Path: url + "?limit=3", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := decode[httpapi.Page[edge.DeviceLog]](t, r)
			if len(p.Items) != 3 || p.NextCursor == nil {
				t.Fatalf("page: %s", r.Body)
			}
			lines("line b,line a")(t, ok(t, f.Do(t, "GET", url+"?limit=3&cursor="+*p.NextCursor, nil, h), 200))
		}},
	})
	apitest.Run(t, f.Server.App(), "refused", []apitest.Case{
		{Name: "unknown level", Method: "GET", Path: url + "?level=fatal", Headers: h, Status: 422, Check: fieldError("level", "invalid")},
		{Name: "bad time", Method: "GET", Path: url + "?to=soon", Headers: h, Status: 422, Check: fieldError("to", "invalid")},
	})
}

func TestTelemetryCrossTenant(t *testing.T) {
	f := newFleet(t)
	_, a := f.ActiveTenant(t, "tenant-a")
	tenantB, b := f.ActiveTenant(t, "tenant-b")
	theirs := f.device(t, b, "tenant-b", "theirs")
	f.samples(t, tenantB, theirs, time.Now().Add(-time.Hour), map[time.Duration]float64{0: 50})
	var cases []apitest.Case
	for _, id := range []string{theirs.DeviceID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "telemetry " + id, Method: "GET", Path: devicesURL + "/" + id + "/telemetry"},
			apitest.Case{Name: "logs " + id, Method: "GET", Path: devicesURL + "/" + id + "/logs"})
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = a.Bearer(), 404, "not_found"
	}
	apitest.Run(t, f.Server.App(), "cross-tenant", cases)
	got := decode[edge.TelemetryHistory](t, ok(t, f.Do(t, "GET", devicesURL+"/"+theirs.DeviceID.String()+"/telemetry", nil, b.Bearer()), 200))
	if len(got.Buckets) != 1 {
		t.Fatalf("B's own history: %+v", got)
	}
}
