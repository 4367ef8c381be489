// Package telemetry samples the appliance (CPU, memory, disk, interfaces,
// uptime) into the data of a `telemetry` event.
package telemetry

import (
	"context"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/net"
)

// Interface is one network interface's byte counters since boot, exactly
// the fields the ingestor's telemetry takes (it refuses unknown ones).
type Interface struct {
	Name    string `json:"name"`
	RxBytes uint64 `json:"rx_bytes"`
	TxBytes uint64 `json:"tx_bytes"`
}

// Sample is the data of a telemetry event.
type Sample struct {
	CPUPercent    float64     `json:"cpu_percent"`
	MemoryPercent float64     `json:"memory_percent"`
	DiskPercent   float64     `json:"disk_percent"`
	Interfaces    []Interface `json:"interfaces"`
	UptimeS       uint64      `json:"uptime_s"`
}

// Collect samples now. DiskPath is the file system reported (the data
// folder's, where the spool lives). CPU is measured over one second.
func Collect(ctx context.Context, diskPath string) (Sample, error) {
	var s Sample
	pct, err := cpu.PercentWithContext(ctx, time.Second, false)
	if err != nil {
		return s, err
	}
	if len(pct) > 0 {
		s.CPUPercent = round(pct[0])
	}
	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return s, err
	}
	s.MemoryPercent = round(vm.UsedPercent)
	if du, err := disk.UsageWithContext(ctx, diskPath); err == nil {
		s.DiskPercent = round(du.UsedPercent)
	}
	s.Interfaces = []Interface{}
	if counters, err := net.IOCountersWithContext(ctx, true); err == nil {
		for _, c := range counters {
			s.Interfaces = append(s.Interfaces, Interface{
				Name: c.Name, RxBytes: c.BytesRecv, TxBytes: c.BytesSent,
			})
		}
	}
	if up, err := host.UptimeWithContext(ctx); err == nil {
		s.UptimeS = up
	}
	return s, nil
}

func round(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
