package lab

import (
	"encoding/binary"
	"io"
	"net"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// idleTimeout closes client connections that stay silent, as PLCs do.
const idleTimeout = 30 * time.Second

const (
	modbusReadHolding = 0x03
	modbusReadInput   = 0x04
	// modbusReadIndividual asks for one object by id.
	modbusReadIndividual = 0x04
	// conformity: regular identification, stream and individual access.
	modbusConformity = 0x82
)

// serveModbus answers Modbus/TCP on device i: device identification (0x2B/0x0E) from the
// identity id returns now, register reads with a slowly changing process value, and the
// "illegal function" exception to everything else.
func (l *Lab) serveModbus(i int, id func() modbusIdentity) error {
	started := time.Now()
	return l.listenTCP(i, l.ports.Modbus, func(c net.Conn) {
		head := make([]byte, 7)
		for {
			_ = c.SetDeadline(time.Now().Add(idleTimeout))
			if _, err := io.ReadFull(c, head); err != nil {
				return
			}
			h, n, err := wire.ParseMBAP(head)
			if err != nil {
				return
			}
			pdu := make([]byte, n)
			if _, err := io.ReadFull(c, pdu); err != nil {
				return
			}
			if _, err := c.Write(wire.ModbusFrame(h, modbusAnswer(pdu, id(), time.Since(started)))); err != nil {
				return
			}
		}
	})
}

func modbusAnswer(pdu []byte, id modbusIdentity, uptime time.Duration) []byte {
	switch pdu[0] {
	case wire.ModbusFuncMEI:
		if len(pdu) < 4 || pdu[1] != wire.ModbusMEIDeviceID {
			return wire.ModbusExceptionPDU(pdu[0], wire.ModbusExIllegalFunc)
		}
		return deviceIDAnswer(pdu[2], pdu[3], id)
	case modbusReadHolding, modbusReadInput:
		if len(pdu) < 5 {
			return wire.ModbusExceptionPDU(pdu[0], wire.ModbusExIllegalAddress)
		}
		count := int(binary.BigEndian.Uint16(pdu[3:]))
		if count < 1 || count > 125 {
			return wire.ModbusExceptionPDU(pdu[0], 0x03)
		}
		out := []byte{pdu[0], byte(2 * count)}
		for r := range count {
			out = binary.BigEndian.AppendUint16(out, uint16(int(uptime.Seconds())+r))
		}
		return out
	default:
		return wire.ModbusExceptionPDU(pdu[0], wire.ModbusExIllegalFunc)
	}
}

func deviceIDAnswer(readCode, start byte, id modbusIdentity) []byte {
	objects := map[byte]string{
		wire.ModbusVendorName:          id.vendor,
		wire.ModbusProductCode:         id.productCode,
		wire.ModbusMajorMinorRevision:  id.revision,
		wire.ModbusVendorURL:           id.url,
		wire.ModbusProductName:         id.productName,
		wire.ModbusModelName:           id.modelName,
		wire.ModbusUserApplicationName: id.application,
	}
	var last byte
	switch readCode {
	case wire.ModbusReadBasic:
		last = wire.ModbusMajorMinorRevision
	case wire.ModbusReadRegular, 0x03: // no extended objects: extended reads answer regular ones
		last = wire.ModbusUserApplicationName
	case modbusReadIndividual:
		if _, ok := objects[start]; !ok {
			return wire.ModbusExceptionPDU(wire.ModbusFuncMEI, wire.ModbusExIllegalAddress)
		}
		return wire.EncodeDeviceIDResponse(readCode, modbusConformity, []byte{start}, objects)
	default:
		return wire.ModbusExceptionPDU(wire.ModbusFuncMEI, 0x03)
	}
	if start > last {
		start = 0 // the specification: an unknown start object restarts at the first
	}
	var ids []byte
	for o := start; o <= last; o++ {
		ids = append(ids, o)
	}
	return wire.EncodeDeviceIDResponse(readCode, modbusConformity, ids, objects)
}
