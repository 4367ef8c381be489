// Package wire encodes and decodes the few OT protocol messages discovery uses to identify
// devices: Modbus/TCP Read Device Identification and EtherNet/IP List Identity. The scanner
// decodes what devices answer; the lab encodes what its simulated devices say.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Modbus function 0x2B with MEI type 0x0E: Read Device Identification.
const (
	ModbusFuncMEI          = 0x2B
	ModbusMEIDeviceID      = 0x0E
	ModbusReadBasic        = 0x01 // objects 0x00–0x02
	ModbusReadRegular      = 0x02 // objects 0x00–0x06
	modbusMBAPLen          = 7
	ModbusMaxFrame         = 260
	modbusExceptionFlag    = 0x80
	ModbusExIllegalFunc    = 0x01
	ModbusExIllegalAddress = 0x02
)

// Modbus device identification object ids.
const (
	ModbusVendorName          = 0x00
	ModbusProductCode         = 0x01
	ModbusMajorMinorRevision  = 0x02
	ModbusVendorURL           = 0x03
	ModbusProductName         = 0x04
	ModbusModelName           = 0x05
	ModbusUserApplicationName = 0x06
)

// MBAP is the Modbus/TCP application header.
type MBAP struct {
	Transaction uint16
	Unit        byte
}

// ModbusFrame writes an MBAP header and pdu into one Modbus/TCP frame.
func ModbusFrame(h MBAP, pdu []byte) []byte {
	b := make([]byte, modbusMBAPLen, modbusMBAPLen+len(pdu))
	binary.BigEndian.PutUint16(b[0:], h.Transaction)
	binary.BigEndian.PutUint16(b[2:], 0) // protocol: Modbus
	binary.BigEndian.PutUint16(b[4:], uint16(len(pdu)+1))
	b[6] = h.Unit
	return append(b, pdu...)
}

// ParseMBAP reads a frame's header and tells how many PDU bytes follow it.
func ParseMBAP(b []byte) (MBAP, int, error) {
	if len(b) < modbusMBAPLen {
		return MBAP{}, 0, errors.New("modbus: short header")
	}
	if binary.BigEndian.Uint16(b[2:]) != 0 {
		return MBAP{}, 0, errors.New("modbus: not the Modbus protocol id")
	}
	n := int(binary.BigEndian.Uint16(b[4:])) - 1
	if n < 1 || n > ModbusMaxFrame-modbusMBAPLen {
		return MBAP{}, 0, fmt.Errorf("modbus: bad length %d", n+1)
	}
	return MBAP{Transaction: binary.BigEndian.Uint16(b[0:]), Unit: b[6]}, n, nil
}

// DeviceIDRequest is the PDU asking for identification objects from startObject on.
func DeviceIDRequest(readCode, startObject byte) []byte {
	return []byte{ModbusFuncMEI, ModbusMEIDeviceID, readCode, startObject}
}

// DeviceIDResponse is one answer to a device identification request.
type DeviceIDResponse struct {
	ReadCode    byte
	Conformity  byte
	MoreFollows bool
	NextObject  byte
	Objects     map[byte]string
}

// ModbusException is an exception answer (function code with the high bit set).
type ModbusException struct{ Function, Code byte }

func (e ModbusException) Error() string {
	return fmt.Sprintf("modbus: exception %#02x to function %#02x", e.Code, e.Function)
}

// ParseDeviceIDResponse decodes the PDU of an answer to DeviceIDRequest.
func ParseDeviceIDResponse(pdu []byte) (DeviceIDResponse, error) {
	if len(pdu) >= 2 && pdu[0] == ModbusFuncMEI|modbusExceptionFlag {
		return DeviceIDResponse{}, ModbusException{Function: ModbusFuncMEI, Code: pdu[1]}
	}
	if len(pdu) < 7 || pdu[0] != ModbusFuncMEI || pdu[1] != ModbusMEIDeviceID {
		return DeviceIDResponse{}, errors.New("modbus: not a device identification answer")
	}
	r := DeviceIDResponse{
		ReadCode:    pdu[2],
		Conformity:  pdu[3],
		MoreFollows: pdu[4] == 0xFF,
		NextObject:  pdu[5],
		Objects:     map[byte]string{},
	}
	count := int(pdu[6])
	rest := pdu[7:]
	for range count {
		if len(rest) < 2 || len(rest) < 2+int(rest[1]) {
			return DeviceIDResponse{}, errors.New("modbus: truncated identification object")
		}
		r.Objects[rest[0]] = string(rest[2 : 2+int(rest[1])])
		rest = rest[2+int(rest[1]):]
	}
	return r, nil
}

// EncodeDeviceIDResponse writes the answer PDU carrying objects (ids in the order given); it
// never sets "more follows": the lab's objects always fit one frame.
func EncodeDeviceIDResponse(readCode, conformity byte, ids []byte, objects map[byte]string) []byte {
	pdu := []byte{ModbusFuncMEI, ModbusMEIDeviceID, readCode, conformity, 0x00, 0x00, byte(len(ids))}
	for _, id := range ids {
		v := objects[id]
		pdu = append(pdu, id, byte(len(v)))
		pdu = append(pdu, v...)
	}
	return pdu
}

// ModbusExceptionPDU is the exception answer to function fn.
func ModbusExceptionPDU(fn, code byte) []byte { return []byte{fn | modbusExceptionFlag, code} }
