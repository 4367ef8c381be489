package releases

import (
	"strconv"
	"strings"
)

// semver is a parsed semantic version (semver.org 2.0; an optional leading
// "v" is allowed). Build metadata does not take part in precedence.
type semver struct {
	core [3]uint64
	pre  []string
}

func parseSemver(s string) (semver, bool) {
	s = strings.TrimPrefix(s, "v")
	s, _, _ = strings.Cut(s, "+")
	s, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return semver{}, false
	}
	var v semver
	for i, p := range parts {
		n, ok := numeric(p)
		if !ok {
			return semver{}, false
		}
		v.core[i] = n
	}
	if hasPre {
		v.pre = strings.Split(pre, ".")
		for _, id := range v.pre {
			if id == "" {
				return semver{}, false
			}
		}
	}
	return v, true
}

// numeric parses a numeric identifier: digits, no leading zero.
func numeric(s string) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// compare orders by semver precedence: -1, 0 or 1.
func (a semver) compare(b semver) int {
	for i := range a.core {
		if a.core[i] != b.core[i] {
			return cmpInt(a.core[i] > b.core[i])
		}
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) == 0:
		return 0
	case len(a.pre) == 0: // a release is newer than its pre-releases
		return 1
	case len(b.pre) == 0:
		return -1
	}
	for i := 0; i < len(a.pre) && i < len(b.pre); i++ {
		x, y := a.pre[i], b.pre[i]
		if x == y {
			continue
		}
		nx, xNum := numeric(x)
		ny, yNum := numeric(y)
		switch {
		case xNum && yNum:
			return cmpInt(nx > ny)
		case xNum: // numeric identifiers sort before alphanumeric ones
			return -1
		case yNum:
			return 1
		}
		return cmpInt(x > y)
	}
	return cmpInt(len(a.pre) > len(b.pre))
}

func cmpInt(greater bool) int {
	if greater {
		return 1
	}
	return -1
}

// updateAvailable tells whether latest should replace running: newer by
// semver when both are semantic versions, otherwise whenever they differ.
// A device that reported no version can always update.
func updateAvailable(running, latest string) bool {
	r, rok := parseSemver(running)
	l, lok := parseSemver(latest)
	if rok && lok {
		return l.compare(r) > 0
	}
	return running != latest
}
