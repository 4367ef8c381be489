package discovery

import (
	"fmt"
	"io"
	"net"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// cipVendors names the CIP vendor ids seen most on plant floors; others are shown by number.
var cipVendors = map[uint16]string{
	1: "Rockwell Automation/Allen-Bradley",
}

// cipDeviceTypes names common CIP device profiles.
var cipDeviceTypes = map[uint16]string{
	0:  "Generic Device",
	2:  "AC Drive",
	7:  "General Purpose Discrete I/O",
	12: "Communications Adapter",
	14: "Programmable Logic Controller",
	24: "Human-Machine Interface",
}

// enipIdentify sends an EtherNet/IP List Identity request (command 0x0063) and reads the CIP
// identity item of the answer.
func enipIdentify(conn net.Conn) (identity, bool) {
	if _, err := conn.Write(wire.ListIdentityRequest([8]byte{'e', 'd', 'g', 'e', 'z', 'u'})); err != nil {
		return identity{}, false
	}
	head := make([]byte, wire.ENIPHeaderLen)
	if _, err := io.ReadFull(conn, head); err != nil {
		return identity{}, false
	}
	h, err := wire.ParseENIPHeader(head)
	if err != nil {
		return identity{}, false
	}
	msg := make([]byte, wire.ENIPHeaderLen+h.Length)
	copy(msg, head)
	if _, err := io.ReadFull(conn, msg[wire.ENIPHeaderLen:]); err != nil {
		return identity{}, false
	}
	id, err := wire.ParseListIdentity(msg)
	if err != nil {
		return identity{}, false
	}
	vendor := cipVendors[id.VendorID]
	if vendor == "" {
		vendor = fmt.Sprintf("CIP vendor %d", id.VendorID)
	}
	deviceType := cipDeviceTypes[id.DeviceType]
	if deviceType == "" {
		deviceType = fmt.Sprintf("device type %d", id.DeviceType)
	}
	revision := fmt.Sprintf("%d.%03d", id.RevisionMajor, id.RevisionMinor)
	serial := fmt.Sprintf("%08X", id.Serial)
	return identity{
		vendor:   vendor,
		model:    id.ProductName,
		firmware: revision,
		serial:   serial,
		fields: map[string]string{
			"enip.vendor_id":    fmt.Sprint(id.VendorID),
			"enip.device_type":  deviceType,
			"enip.product_code": fmt.Sprint(id.ProductCode),
			"enip.revision":     revision,
			"enip.status":       fmt.Sprintf("0x%04X", id.Status),
			"enip.serial":       serial,
			"enip.product_name": id.ProductName,
			"enip.state":        fmt.Sprint(id.State),
		},
	}, true
}
