package ingestbench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is the unit of CPU times in /proc/<pid>/stat (USER_HZ, 100 on
// Linux).
const clockTicks = 100

// cpuTime is CPU time spent so far: by this process (the ingestor and its
// devices, or the baseline's goroutines) and by the PostgreSQL backends of
// the benchmark's database. The machine is shared, so events/s move with
// its load; CPU per batch does much less, and says what the same work
// would reach on two idle cores.
type cpuTime struct {
	self, server  time.Duration
	serverUnknown bool // the backends are not processes of this machine
}

func (c cpuTime) sub(o cpuTime) cpuTime {
	return cpuTime{self: c.self - o.self, server: c.server - o.server, serverUnknown: c.serverUnknown || o.serverUnknown}
}

func (c cpuTime) add(o cpuTime) cpuTime {
	return cpuTime{self: c.self + o.self, server: c.server + o.server, serverUnknown: c.serverUnknown || o.serverUnknown}
}

// cpuMeter reads cpuTime; admin is a superuser connection to the
// benchmark's database (it sees every backend's pid).
type cpuMeter struct{ admin *sql.DB }

func (m cpuMeter) read(ctx context.Context) (cpuTime, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuTime{}, err
	}
	out := cpuTime{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), serverUnknown: true}
	rows, err := m.admin.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return cpuTime{}, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return cpuTime{}, err
		}
		// A backend that ended meanwhile has no file any more (the pool
		// keeps its connections, so that is rare); one read is enough to
		// know the server runs here.
		if ticks, ok := processTicks(pid); ok {
			out.server += time.Duration(ticks) * time.Second / clockTicks
			out.serverUnknown = false
		}
	}
	return out, rows.Err()
}

// processTicks is a process's user and system time in clock ticks, when
// it is a process of this machine.
func processTicks(pid int) (int64, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name is in parentheses and may hold spaces: fields are
	// counted after its closing one (utime and stime are fields 14 and 15).
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return utime + stime, true
}

// perThousand describes c spent on batches of size events as CPU per
// 1,000 events, and the rate two idle cores could sustain at that cost.
func perThousand(c cpuTime, batches int64, size int) string {
	events := float64(batches) * float64(size)
	if events == 0 {
		return "no batches"
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / events * 1000 }
	if c.serverUnknown {
		return fmt.Sprintf("this process %.1f ms (PostgreSQL runs elsewhere: its CPU is not known)", ms(c.self))
	}
	total := ms(c.self) + ms(c.server)
	return fmt.Sprintf("this process %.1f ms + PostgreSQL %.1f ms = %.1f ms (two idle cores: at most %.0f events/s)",
		ms(c.self), ms(c.server), total, 2*1000/total*1000)
}
