// Package oui maps MAC addresses to the organisation the IEEE assigned their prefix to, from a
// table embedded in the binary (see README.md for its source and how to regenerate it).
package oui

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./gen -package oui-data@2.1.9 -out oui.tsv.gz

//go:embed oui.tsv.gz
var compressed []byte

// table holds one map per registry, keyed by the prefix's value: MA-S (36 bits) is looked up
// first, then MA-M (28 bits), then MA-L (24 bits), because MA-M and MA-S blocks are carved out of
// MA-L blocks registered to the IEEE itself.
type table struct {
	source string
	byBits map[int]map[uint64]string
}

var load = sync.OnceValue(func() *table {
	t := &table{byBits: map[int]map[uint64]string{24: {}, 28: {}, 36: {}}}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		// Only a broken generator output gets here; the tests check the table is not empty.
		return t
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if src, ok := strings.CutPrefix(line, "# source: "); ok {
			t.source = src
			continue
		}
		prefix, name, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		v, err := strconv.ParseUint(prefix, 16, 64)
		if err != nil {
			continue
		}
		if m := t.byBits[len(prefix)*4]; m != nil {
			m[v] = name
		}
	}
	return t
})

// Lookup returns the organisation registered for mac's prefix. mac may be written with colons,
// dashes, dots or no separators ("00:00:BC:12:34:56", "00-00-bc-12-34-56", "0000.bc12.3456").
func Lookup(mac string) (string, bool) {
	v, ok := parseMAC(mac)
	if !ok {
		return "", false
	}
	t := load()
	for _, bits := range []int{36, 28, 24} {
		if name, ok := t.byBits[bits][v>>(48-bits)]; ok {
			return name, true
		}
	}
	return "", false
}

// Source names where the embedded table came from, e.g. "npm oui-data@2.1.9 (IEEE MA-L, MA-M, MA-S)".
func Source() string { return load().source }

// Size is the number of prefixes in the embedded table.
func Size() int {
	n := 0
	for _, m := range load().byBits {
		n += len(m)
	}
	return n
}

// parseMAC reads a 48-bit MAC address in its common spellings.
func parseMAC(s string) (uint64, bool) {
	var v uint64
	digits := 0
	for _, r := range s {
		switch {
		case r == ':' || r == '-' || r == '.':
			continue
		case r >= '0' && r <= '9':
			v = v<<4 | uint64(r-'0')
		case r >= 'a' && r <= 'f':
			v = v<<4 | uint64(r-'a'+10)
		case r >= 'A' && r <= 'F':
			v = v<<4 | uint64(r-'A'+10)
		default:
			return 0, false
		}
		digits++
		if digits > 12 {
			return 0, false
		}
	}
	return v, digits == 12
}
