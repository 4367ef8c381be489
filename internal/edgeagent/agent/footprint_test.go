package agent_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/edgetest"
)

// Footprint measurement windows.
const (
	footprintWarmup = 3 * time.Second
	footprintWindow = 10 * time.Second
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/<pid>/stat; it
// is 100 on every Linux the agent targets.
const clockTicks = 100

type usage struct {
	cpuTicks int64
	rssKiB   int64
}

func readUsage(pid int) (usage, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return usage{}, err
	}
	// Fields after the parenthesised command name; utime and stime are the
	// 14th and 15th fields of the whole line.
	rest := stat[bytes.LastIndexByte(stat, ')')+2:]
	f := strings.Fields(string(rest))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return usage{}, err
	}
	var rss int64
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			rss, _ = strconv.ParseInt(strings.Fields(line)[1], 10, 64)
		}
	}
	return usage{cpuTicks: utime + stime, rssKiB: rss}, nil
}

type footprint struct {
	cpuPercent float64 // of one core
	rssMiB     float64 // peak seen during the window
	delivered  int
}

// measure runs an agent child producing eps events/s against the fake
// ingestor and samples it through /proc over the window.
func measure(b *testing.B, eps int) footprint {
	cloud := edgetest.New(b)
	dir := registered(b, cloud)
	cmd := child(b, dir, eps)
	pid := cmd.Process.Pid
	time.Sleep(footprintWarmup)
	before, err := readUsage(pid)
	if err != nil {
		b.Fatal(err)
	}
	storedBefore := len(cloud.StoredIDs())
	start := time.Now()
	peak := before.rssKiB
	for time.Since(start) < footprintWindow {
		time.Sleep(250 * time.Millisecond)
		u, err := readUsage(pid)
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, u.rssKiB)
	}
	after, err := readUsage(pid)
	if err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start).Seconds()
	delivered := len(cloud.StoredIDs()) - storedBefore
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	return footprint{
		cpuPercent: float64(after.cpuTicks-before.cpuTicks) / clockTicks / elapsed * 100,
		rssMiB:     float64(peak) / 1024,
		delivered:  int(float64(delivered) / elapsed),
	}
}

// BenchmarkFootprint measures the agent as a child process (the test
// binary running agent.Run, telemetry sampling off) producing and uploading
// 1,000 events/s to a loopback ingestor, against an idle agent measured in
// the same run. Targets: < 50 MiB RSS, < 10 % of one core. Run with
// -benchtime=1x: one measurement is ~30 s.
func BenchmarkFootprint(b *testing.B) {
	for range b.N {
		idle := measure(b, 0)
		busy := measure(b, 1000)
		b.ReportMetric(busy.cpuPercent, "cpu%")
		b.ReportMetric(busy.rssMiB, "rss_MiB")
		b.ReportMetric(float64(busy.delivered), "delivered/s")
		b.ReportMetric(idle.cpuPercent, "idle_cpu%")
		b.ReportMetric(idle.rssMiB, "idle_rss_MiB")
		b.Logf("1,000 events/s: %.1f %% of a core, peak RSS %.1f MiB, %d events/s delivered; idle: %.1f %%, %.1f MiB; RSS ratio %.2f",
			busy.cpuPercent, busy.rssMiB, busy.delivered, idle.cpuPercent, idle.rssMiB, busy.rssMiB/max(idle.rssMiB, 0.1))
	}
}
