package discovery

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
)

// The SNMP system group objects discovery reads.
const (
	OIDSysDescr    = ".1.3.6.1.2.1.1.1.0"
	OIDSysObjectID = ".1.3.6.1.2.1.1.2.0"
	OIDSysName     = ".1.3.6.1.2.1.1.5.0"
)

// snmpEnterprises names the private enterprise numbers of common network and OT vendors, read
// from sysObjectID (1.3.6.1.4.1.<number>...).
var snmpEnterprises = map[string]string{
	"9":     "Cisco",
	"11":    "Hewlett-Packard",
	"248":   "Hirschmann",
	"2011":  "Huawei",
	"2636":  "Juniper Networks",
	"4329":  "Siemens",
	"8072":  "Net-SNMP",
	"14988": "MikroTik",
}

const snmpMaxPacket = 1500

// probeSNMP sends one SNMP v2c GET for sysName, sysDescr and sysObjectID over UDP. UDP has no
// connect, so the port counts as open only when an answer arrives.
func (r *scanRun) probeSNMP(ctx context.Context, ip string, port int) (identity, bool) {
	conn, err := r.dial(ctx, "udp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return identity{}, false
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetDeadline(time.Now().Add(r.opts.ProbeTimeout))

	var rid [4]byte
	_, _ = rand.Read(rid[:])
	requestID := binary.BigEndian.Uint32(rid[:]) & 0x7fffffff
	req := &gosnmp.SnmpPacket{
		Version:   gosnmp.Version2c,
		Community: r.opts.SNMPCommunity,
		PDUType:   gosnmp.GetRequest,
		RequestID: requestID,
		Variables: []gosnmp.SnmpPDU{
			{Name: OIDSysName, Type: gosnmp.Null},
			{Name: OIDSysDescr, Type: gosnmp.Null},
			{Name: OIDSysObjectID, Type: gosnmp.Null},
		},
	}
	out, err := req.MarshalMsg()
	if err != nil {
		return identity{}, false
	}
	if _, err := conn.Write(out); err != nil {
		return identity{}, false
	}
	buf := make([]byte, snmpMaxPacket)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return identity{}, false
		}
		resp, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(buf[:n])
		if err != nil || resp.RequestID != requestID || resp.PDUType != gosnmp.GetResponse {
			continue // a stray or late datagram: keep reading until the deadline
		}
		return snmpIdentity(resp.Variables), true
	}
}

func snmpIdentity(vars []gosnmp.SnmpPDU) identity {
	values := map[string]string{}
	for _, v := range vars {
		switch v.Type {
		case gosnmp.OctetString:
			if b, ok := v.Value.([]byte); ok {
				values[v.Name] = string(b)
			}
		case gosnmp.ObjectIdentifier:
			if s, ok := v.Value.(string); ok {
				values[v.Name] = s
			}
		}
	}
	id := identity{
		hostname: values[OIDSysName],
		fields: map[string]string{
			"snmp.sys_name":      values[OIDSysName],
			"snmp.sys_descr":     values[OIDSysDescr],
			"snmp.sys_object_id": values[OIDSysObjectID],
		},
	}
	if rest, ok := strings.CutPrefix(values[OIDSysObjectID], ".1.3.6.1.4.1."); ok {
		number, _, _ := strings.Cut(rest, ".")
		id.vendor = snmpEnterprises[number]
	}
	return id
}
