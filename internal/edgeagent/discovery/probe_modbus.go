package discovery

import (
	"errors"
	"io"
	"net"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// modbusUnit is the unit id for Modbus/TCP identification: 255 addresses the device itself
// rather than a serial device behind a gateway.
const modbusUnit = 0xFF

// modbusMaxRounds bounds "more follows" continuations.
const modbusMaxRounds = 4

// modbusIdentify reads the device identification objects (function 0x2B / MEI 0x0E): the
// regular category (vendor, product code, revision, URL, product and model name) and, when the
// device refuses that, the basic category.
func modbusIdentify(conn net.Conn) (identity, bool) {
	objects, err := modbusReadObjects(conn, wire.ModbusReadRegular)
	var ex wire.ModbusException
	if errors.As(err, &ex) {
		objects, err = modbusReadObjects(conn, wire.ModbusReadBasic)
	}
	if err != nil || len(objects) == 0 {
		return identity{}, false
	}
	id := identity{
		vendor:   objects[wire.ModbusVendorName],
		firmware: objects[wire.ModbusMajorMinorRevision],
		fields: map[string]string{
			"modbus.vendor_name":           objects[wire.ModbusVendorName],
			"modbus.product_code":          objects[wire.ModbusProductCode],
			"modbus.revision":              objects[wire.ModbusMajorMinorRevision],
			"modbus.vendor_url":            objects[wire.ModbusVendorURL],
			"modbus.product_name":          objects[wire.ModbusProductName],
			"modbus.model_name":            objects[wire.ModbusModelName],
			"modbus.user_application_name": objects[wire.ModbusUserApplicationName],
		},
	}
	for _, m := range []byte{wire.ModbusModelName, wire.ModbusProductName, wire.ModbusProductCode} {
		if clean(objects[m]) != "" {
			id.model = objects[m]
			break
		}
	}
	return id, true
}

func modbusReadObjects(conn net.Conn, readCode byte) (map[byte]string, error) {
	objects := map[byte]string{}
	next := byte(0)
	for round := range modbusMaxRounds {
		tx := uint16(round + 1)
		if _, err := conn.Write(wire.ModbusFrame(wire.MBAP{Transaction: tx, Unit: modbusUnit}, wire.DeviceIDRequest(readCode, next))); err != nil {
			return nil, err
		}
		pdu, err := modbusReadPDU(conn, tx)
		if err != nil {
			return nil, err
		}
		r, err := wire.ParseDeviceIDResponse(pdu)
		if err != nil {
			return nil, err
		}
		for k, v := range r.Objects {
			objects[k] = v
		}
		if !r.MoreFollows || r.NextObject <= next {
			break
		}
		next = r.NextObject
	}
	return objects, nil
}

func modbusReadPDU(conn net.Conn, tx uint16) ([]byte, error) {
	head := make([]byte, 7)
	if _, err := io.ReadFull(conn, head); err != nil {
		return nil, err
	}
	h, n, err := wire.ParseMBAP(head)
	if err != nil {
		return nil, err
	}
	pdu := make([]byte, n)
	if _, err := io.ReadFull(conn, pdu); err != nil {
		return nil, err
	}
	if h.Transaction != tx {
		return nil, errors.New("modbus: answer to another transaction")
	}
	return pdu, nil
}
