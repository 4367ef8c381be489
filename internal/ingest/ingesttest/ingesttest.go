// Package ingesttest makes devices and event batches for the ingestor's
// tests and benchmark.
package ingesttest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/ingest"
)

// DeviceKey returns a new device key in the format edge issues ("dvc_" and
// base64url of 32 random bytes) and its SHA-256, as edge_devices stores it.
func DeviceKey() (key string, hash []byte) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key = "dvc_" + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(key))
	return key, sum[:]
}

// Mix is how many events of each kind a batch of Mixed holds per 20.
const (
	AlertsPer20    = 1
	DiscoveryPer20 = 1
	BackupPer20    = 1
	TelemetryPer20 = 10
	LogsPer20      = 7
)

// Mixed returns n events starting at at, one millisecond apart: per 20
// events one security alert, one discovery (a new MAC each), one backup
// event, ten telemetry samples and seven log lines.
func Mixed(n int, at time.Time) []ingest.Event {
	out := make([]ingest.Event, n)
	for i := range out {
		id := uuid.New()
		var kind ingest.Kind
		var data any
		switch slot := i % 20; {
		case slot == 0:
			kind, data = ingest.KindSecurityAlert, map[string]any{
				"title": "Modbus write from an unknown host", "severity": "high", "category": "ot-protocol",
				"source_ip": fmt.Sprintf("10.9.%d.%d", i/250%250, i%250+1), "destination_ip": "10.1.0.20",
				"source_port": 40000 + i%1000, "destination_port": 502, "protocol": "tcp",
				"description": "Function code 6 to a PLC outside the maintenance window", "signature_id": "mz-1001"}
		case slot == 1:
			kind, data = ingest.KindDiscovery, map[string]any{
				"ip": fmt.Sprintf("10.2.%d.%d", i/250%250, i%250+1), "mac": fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", id[0], id[1], id[2], id[3], id[4]),
				"hostname": "plc-" + id.String()[:8], "open_ports": []int{102, 502}, "vendor": "Siemens", "model": "S7-1500",
				"firmware": "2.9.4", "protocols": []string{"modbus"}, "identity": map[string]string{"product_code": "6ES7"}}
		case slot == 2:
			kind, data = ingest.KindBackupEvent, map[string]any{
				"job_id": uuid.NewString(), "status": "completed", "asset_id": uuid.NewString(), "size_bytes": 1 << 20,
				"checksum_sha256": fmt.Sprintf("%064x", i)}
		case slot < 3+TelemetryPer20:
			kind, data = ingest.KindTelemetry, map[string]any{
				"cpu_percent": float64(i%100) + 0.5, "memory_percent": 41.2, "disk_percent": 63, "uptime_s": 86400 + i,
				"interfaces": []map[string]any{{"name": "eth0", "rx_bytes": 1000 * i, "tx_bytes": 700 * i}}}
		default:
			kind, data = ingest.KindLog, map[string]any{
				"level": "info", "message": fmt.Sprintf("collector cycle %d finished", i), "source": "collector"}
		}
		raw, err := json.Marshal(data)
		if err != nil {
			panic(err)
		}
		out[i] = ingest.Event{ID: id.String(), Kind: kind, Timestamp: at.Add(time.Duration(i) * time.Millisecond).UTC().Format(time.RFC3339Nano), Data: raw}
	}
	return out
}

// Count is how many of n Mixed events are of kind.
func Count(n int, kind ingest.Kind) int {
	per := map[ingest.Kind]struct{ first, count int }{
		ingest.KindSecurityAlert: {0, AlertsPer20}, ingest.KindDiscovery: {1, DiscoveryPer20}, ingest.KindBackupEvent: {2, BackupPer20},
		ingest.KindTelemetry: {3, TelemetryPer20}, ingest.KindLog: {3 + TelemetryPer20, LogsPer20},
	}[kind]
	total := 0
	for i := 0; i < n; i++ {
		if slot := i % 20; slot >= per.first && slot < per.first+per.count {
			total++
		}
	}
	return total
}
