package discovery

import (
	"bufio"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
)

// DefaultNeighbourFile is Linux's IPv4 neighbour (ARP) table.
const DefaultNeighbourFile = "/proc/net/arp"

// arpComplete is the ATF_COM flag: the entry has a resolved hardware address.
const arpComplete = 0x2

// ReadNeighbours parses an ARP table in the /proc/net/arp layout into IP → MAC (lower case,
// colon separated). Incomplete entries and all-zero addresses are left out.
func ReadNeighbours(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		if first { // "IP address  HW type  Flags  HW address  Mask  Device"
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		flags, err := strconv.ParseUint(strings.TrimPrefix(f[2], "0x"), 16, 32)
		if err != nil || flags&arpComplete == 0 {
			continue
		}
		ip := net.ParseIP(f[0])
		mac, err := net.ParseMAC(f[3])
		if ip == nil || err != nil || len(mac) != 6 || mac.String() == "00:00:00:00:00:00" {
			continue
		}
		out[ip.String()] = mac.String()
	}
	return out, sc.Err()
}

// readNeighbourFile reads path; a missing file (not Linux, or no access) is an empty table.
func readNeighbourFile(path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		return map[string]string{}
	}
	defer f.Close()
	m, err := ReadNeighbours(f)
	if err != nil {
		return map[string]string{}
	}
	return m
}
