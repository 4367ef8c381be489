package cmdbbench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// sample is one measured series.
type sample struct {
	name string
	d    []time.Duration
}

func (s *sample) add(d time.Duration) { s.d = append(s.d, d) }

// pct is the nearest-rank percentile p (0..100).
func (s *sample) pct(p float64) time.Duration {
	if len(s.d) == 0 {
		return 0
	}
	sorted := slices.Clone(s.d)
	slices.Sort(sorted)
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func (s *sample) mean() time.Duration {
	if len(s.d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range s.d {
		sum += d
	}
	return sum / time.Duration(len(s.d))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// table prints samples as aligned rows.
func table(w io.Writer, rows ...*sample) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r.name))
	}
	fmt.Fprintf(w, "  %-*s %6s %11s %11s %11s %11s\n", width, "", "n", "p50", "p95", "p99", "mean")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s %6d %11s %11s %11s %11s\n", width, r.name, len(r.d), ms(r.pct(50)), ms(r.pct(95)),
			ms(r.pct(99)), ms(r.mean()))
	}
}

// verdict is how a target came out.
func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}

func rule(w io.Writer, title string) {
	fmt.Fprintf(w, "\n── %s %s\n", title, strings.Repeat("─", max(0, 76-len([]rune(title)))))
}
