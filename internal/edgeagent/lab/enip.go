package lab

import (
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// serveENIP answers EtherNet/IP List Identity on device i over TCP; other encapsulation
// commands end the connection, as a target refusing an unsupported command may.
func (l *Lab) serveENIP(i int) error {
	id := wire.Identity{
		ProtocolVersion: 1,
		Address:         netip.AddrPortFrom(l.addrs[i], uint16(wire.ENIPPort)),
		VendorID:        enipVendorID,
		DeviceType:      enipDeviceType,
		ProductCode:     enipProductCode,
		RevisionMajor:   enipRevMajor,
		RevisionMinor:   enipRevMinor,
		Status:          0x0060,
		Serial:          enipSerial,
		ProductName:     enipProductName,
		State:           3,
	}
	return l.listenTCP(i, l.ports.ENIP, func(c net.Conn) {
		head := make([]byte, wire.ENIPHeaderLen)
		for {
			_ = c.SetDeadline(time.Now().Add(idleTimeout))
			if _, err := io.ReadFull(c, head); err != nil {
				return
			}
			h, err := wire.ParseENIPHeader(head)
			if err != nil {
				return
			}
			if _, err := io.CopyN(io.Discard, c, int64(h.Length)); err != nil {
				return
			}
			if h.Command != wire.ENIPListIdentity {
				return
			}
			if _, err := c.Write(wire.EncodeListIdentity(h.Context, id)); err != nil {
				return
			}
		}
	})
}
