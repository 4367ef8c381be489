package lab

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/gosnmp/gosnmp"
)

// The system group (RFC 1213) the switch serves.
const (
	oidSysDescr    = ".1.3.6.1.2.1.1.1.0"
	oidSysObjectID = ".1.3.6.1.2.1.1.2.0"
	oidSysUpTime   = ".1.3.6.1.2.1.1.3.0"
	oidSysContact  = ".1.3.6.1.2.1.1.4.0"
	oidSysName     = ".1.3.6.1.2.1.1.5.0"
	oidSysLocation = ".1.3.6.1.2.1.1.6.0"
)

// serveSNMP is a minimal SNMP v1/v2c agent on device i: GET of the system group. Requests with
// another community, or that do not decode, get no answer, as real agents do.
func (l *Lab) serveSNMP(i int) error {
	pc, err := net.ListenPacket("udp", netip.AddrPortFrom(l.addrs[i], uint16(l.ports.SNMP)).String())
	if err != nil {
		return fmt.Errorf("lab: %w (ports below 1024 need root: set a port offset)", err)
	}
	l.onClose(pc.Close)
	l.markUp(i)
	started := time.Now()
	l.wg.Go(func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out, ok := l.snmpAnswer(buf[:n], started); ok {
				_, _ = pc.WriteTo(out, from)
			}
		}
	})
	return nil
}

func (l *Lab) snmpAnswer(req []byte, started time.Time) ([]byte, bool) {
	decoder := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	p, err := decoder.SnmpDecodePacket(req)
	if err != nil || p.PDUType != gosnmp.GetRequest || p.Version == gosnmp.Version3 ||
		subtle.ConstantTimeCompare([]byte(p.Community), []byte(l.opts.SNMPCommunity)) != 1 {
		return nil, false
	}
	values := map[string]gosnmp.SnmpPDU{
		oidSysDescr:    {Type: gosnmp.OctetString, Value: snmpSysDescr},
		oidSysObjectID: {Type: gosnmp.ObjectIdentifier, Value: snmpSysObjectID},
		oidSysUpTime:   {Type: gosnmp.TimeTicks, Value: uint32(time.Since(started) / (10 * time.Millisecond))},
		oidSysContact:  {Type: gosnmp.OctetString, Value: "ot-team@example.com"},
		oidSysName:     {Type: gosnmp.OctetString, Value: snmpSysName},
		oidSysLocation: {Type: gosnmp.OctetString, Value: snmpSysLocation},
	}
	resp := &gosnmp.SnmpPacket{Version: p.Version, Community: p.Community, PDUType: gosnmp.GetResponse, RequestID: p.RequestID}
	for _, v := range p.Variables {
		answer, ok := values[v.Name]
		if !ok {
			answer = gosnmp.SnmpPDU{Type: gosnmp.NoSuchObject}
		}
		answer.Name = v.Name
		resp.Variables = append(resp.Variables, answer)
	}
	out, err := resp.MarshalMsg()
	return out, err == nil
}
