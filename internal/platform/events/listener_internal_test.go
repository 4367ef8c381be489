package events

import (
	"slices"
	"testing"
)

func TestMergeSpan(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spans []Span
		add   Span
		want  []Span
	}{
		{"first", nil, Span{5, 5}, []Span{{5, 5}}},
		{"disjoint stays apart", []Span{{1, 2}}, Span{5, 6}, []Span{{1, 2}, {5, 6}}},
		{"adjacent joins", []Span{{1, 2}}, Span{3, 4}, []Span{{1, 4}}},
		{"overlap joins", []Span{{1, 5}, {8, 9}}, Span{4, 8}, []Span{{1, 9}}},
		{"inside", []Span{{1, 10}}, Span{3, 4}, []Span{{1, 10}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mergeSpan(slices.Clone(tc.spans), tc.add); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	var many []Span
	for i := range int64(maxSpans + 10) {
		many = mergeSpan(many, Span{i * 10, i * 10})
	}
	if len(many) != maxSpans || many[0].From != 0 || many[len(many)-1].To != (maxSpans+9)*10 {
		t.Fatalf("capped spans: %d, %v … %v", len(many), many[0], many[len(many)-1])
	}
}

func TestRecentSeqs(t *testing.T) {
	var r recentSeqs
	if !r.add(1) || r.add(1) {
		t.Fatal("a repeat was not recognised")
	}
	for i := range int64(recentSize) {
		r.add(100 + i)
	}
	if !r.add(1) {
		t.Fatal("the oldest entry was not forgotten")
	}
}
