package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// EtherNet/IP encapsulation.
const (
	ENIPPort             = 44818
	ENIPListIdentity     = 0x0063
	enipHeaderLen        = 24
	enipIdentityItemType = 0x000C
	// ENIPMaxMessage bounds what a reader accepts: List Identity answers are a few dozen bytes.
	ENIPMaxMessage = 600
)

// Identity is the CIP identity a device reports in its List Identity answer.
type Identity struct {
	ProtocolVersion uint16
	Address         netip.AddrPort
	VendorID        uint16
	DeviceType      uint16
	ProductCode     uint16
	RevisionMajor   byte
	RevisionMinor   byte
	Status          uint16
	Serial          uint32
	ProductName     string
	State           byte
}

// ListIdentityRequest is the 24-byte encapsulation header of a List Identity request.
func ListIdentityRequest(senderContext [8]byte) []byte {
	return enipHeader(ENIPListIdentity, 0, senderContext)
}

func enipHeader(command uint16, length int, senderContext [8]byte) []byte {
	b := make([]byte, enipHeaderLen)
	binary.LittleEndian.PutUint16(b[0:], command)
	binary.LittleEndian.PutUint16(b[2:], uint16(length))
	// session handle, status: zero; sender context echoed by the target; options: zero.
	copy(b[12:20], senderContext[:])
	return b
}

// ENIPHeader is what a reader needs from an encapsulation header.
type ENIPHeader struct {
	Command uint16
	Length  int
	Status  uint32
	Context [8]byte
}

// ParseENIPHeader decodes the first 24 bytes of an encapsulation message.
func ParseENIPHeader(b []byte) (ENIPHeader, error) {
	if len(b) < enipHeaderLen {
		return ENIPHeader{}, errors.New("enip: short header")
	}
	h := ENIPHeader{
		Command: binary.LittleEndian.Uint16(b[0:]),
		Length:  int(binary.LittleEndian.Uint16(b[2:])),
		Status:  binary.LittleEndian.Uint32(b[8:]),
	}
	copy(h.Context[:], b[12:20])
	if h.Length > ENIPMaxMessage-enipHeaderLen {
		return ENIPHeader{}, fmt.Errorf("enip: message of %d bytes is too long", h.Length)
	}
	return h, nil
}

// ENIPHeaderLen is the size of the encapsulation header.
const ENIPHeaderLen = enipHeaderLen

// ParseListIdentity decodes a whole List Identity answer (header and data).
func ParseListIdentity(msg []byte) (Identity, error) {
	h, err := ParseENIPHeader(msg)
	if err != nil {
		return Identity{}, err
	}
	if h.Command != ENIPListIdentity {
		return Identity{}, fmt.Errorf("enip: answer to command %#04x", h.Command)
	}
	if h.Status != 0 {
		return Identity{}, fmt.Errorf("enip: status %#x", h.Status)
	}
	data := msg[enipHeaderLen:]
	if len(data) < h.Length || len(data) < 2 {
		return Identity{}, errors.New("enip: truncated answer")
	}
	data = data[:h.Length]
	count := binary.LittleEndian.Uint16(data)
	data = data[2:]
	for range count {
		if len(data) < 4 {
			return Identity{}, errors.New("enip: truncated item")
		}
		typ, n := binary.LittleEndian.Uint16(data), int(binary.LittleEndian.Uint16(data[2:]))
		if len(data) < 4+n {
			return Identity{}, errors.New("enip: truncated item")
		}
		if typ == enipIdentityItemType {
			return parseIdentityItem(data[4 : 4+n])
		}
		data = data[4+n:]
	}
	return Identity{}, errors.New("enip: no identity item")
}

func parseIdentityItem(b []byte) (Identity, error) {
	const fixed = 2 + 16 + 2 + 2 + 2 + 2 + 2 + 4 + 1
	if len(b) < fixed {
		return Identity{}, errors.New("enip: short identity item")
	}
	var ip [4]byte
	copy(ip[:], b[6:10])
	id := Identity{
		ProtocolVersion: binary.LittleEndian.Uint16(b[0:]),
		// The socket address is big-endian, unlike the rest of CIP.
		Address:       netip.AddrPortFrom(netip.AddrFrom4(ip), binary.BigEndian.Uint16(b[4:])),
		VendorID:      binary.LittleEndian.Uint16(b[18:]),
		DeviceType:    binary.LittleEndian.Uint16(b[20:]),
		ProductCode:   binary.LittleEndian.Uint16(b[22:]),
		RevisionMajor: b[24],
		RevisionMinor: b[25],
		Status:        binary.LittleEndian.Uint16(b[26:]),
		Serial:        binary.LittleEndian.Uint32(b[28:]),
	}
	n := int(b[32])
	if len(b) < fixed+n {
		return Identity{}, errors.New("enip: truncated product name")
	}
	id.ProductName = string(b[33 : 33+n])
	if len(b) > 33+n {
		id.State = b[33+n]
	}
	return id, nil
}

// EncodeListIdentity writes a whole List Identity answer carrying id.
func EncodeListIdentity(senderContext [8]byte, id Identity) []byte {
	if len(id.ProductName) > 255 {
		id.ProductName = id.ProductName[:255] // a SHORT_STRING
	}
	item := make([]byte, 33, 34+len(id.ProductName))
	binary.LittleEndian.PutUint16(item[0:], id.ProtocolVersion)
	binary.BigEndian.PutUint16(item[2:], 2) // AF_INET
	binary.BigEndian.PutUint16(item[4:], id.Address.Port())
	if id.Address.Addr().Is4() {
		ip := id.Address.Addr().As4()
		copy(item[6:10], ip[:])
	}
	binary.LittleEndian.PutUint16(item[18:], id.VendorID)
	binary.LittleEndian.PutUint16(item[20:], id.DeviceType)
	binary.LittleEndian.PutUint16(item[22:], id.ProductCode)
	item[24], item[25] = id.RevisionMajor, id.RevisionMinor
	binary.LittleEndian.PutUint16(item[26:], id.Status)
	binary.LittleEndian.PutUint32(item[28:], id.Serial)
	item[32] = byte(len(id.ProductName))
	item = append(item, id.ProductName...)
	item = append(item, id.State)

	data := make([]byte, 6, 6+len(item))
	binary.LittleEndian.PutUint16(data[0:], 1)
	binary.LittleEndian.PutUint16(data[2:], enipIdentityItemType)
	binary.LittleEndian.PutUint16(data[4:], uint16(len(item)))
	data = append(data, item...)
	return append(enipHeader(ENIPListIdentity, len(data), senderContext), data...)
}
