package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestModbusDeviceIDRequestFrame(t *testing.T) {
	got := ModbusFrame(MBAP{Transaction: 0x0102, Unit: 0xFF}, DeviceIDRequest(ModbusReadBasic, 0))
	want := mustHex(t, "0102 0000 0005 ff 2b 0e 01 00")
	if !bytes.Equal(got, want) {
		t.Fatalf("frame = % x, want % x", got, want)
	}
	h, n, err := ParseMBAP(got)
	if err != nil || h.Transaction != 0x0102 || h.Unit != 0xFF || n != 4 {
		t.Fatalf("ParseMBAP = %+v, %d, %v", h, n, err)
	}
}

func TestParseDeviceIDResponse(t *testing.T) {
	// A basic-category answer as the Modbus specification lays it out: three objects.
	pdu := mustHex(t, "2b 0e 01 81 00 00 03"+
		" 00 04 41434d45"+ // "ACME"
		" 01 05 5043313030"+ // "PC100"
		" 02 05 56312e3032") // "V1.02"
	r, err := ParseDeviceIDResponse(pdu)
	if err != nil {
		t.Fatal(err)
	}
	if r.Objects[ModbusVendorName] != "ACME" || r.Objects[ModbusProductCode] != "PC100" ||
		r.Objects[ModbusMajorMinorRevision] != "V1.02" || r.MoreFollows || r.Conformity != 0x81 {
		t.Fatalf("parsed %+v", r)
	}
	again, err := ParseDeviceIDResponse(EncodeDeviceIDResponse(0x01, 0x81, []byte{0, 1, 2}, r.Objects))
	if err != nil || !bytes.Equal(EncodeDeviceIDResponse(0x01, 0x81, []byte{0, 1, 2}, again.Objects), pdu) {
		t.Fatalf("round trip differs: %+v, %v", again, err)
	}
}

func TestParseDeviceIDResponseRejects(t *testing.T) {
	cases := map[string]string{
		"exception":        "ab 01",
		"other function":   "03 02 0001",
		"truncated object": "2b 0e 01 01 00 00 01 00 09 4143",
		"missing objects":  "2b 0e 01 01 00 00 02 00 01 41",
		"short":            "2b 0e 01",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseDeviceIDResponse(mustHex(t, h)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	var ex ModbusException
	if _, err := ParseDeviceIDResponse(mustHex(t, "ab 01")); !errors.As(err, &ex) || ex.Code != ModbusExIllegalFunc {
		t.Fatalf("exception not reported as ModbusException: %v", err)
	}
}

func TestParseMBAPRejects(t *testing.T) {
	for name, h := range map[string]string{
		"short":       "0001 0000 00",
		"not modbus":  "0001 0001 0005 ff",
		"zero length": "0001 0000 0000 ff",
		"too long":    "0001 0000 0200 ff",
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := ParseMBAP(mustHex(t, h)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// A List Identity answer laid out byte by byte from the EtherNet/IP specification (volume 2,
// 2-4.3): a 1756-EN2T style identity of vendor 1 (Rockwell Automation), device type 12.
const listIdentityAnswer = "6300 3600 00000000 00000000 0102030405060708 00000000" + // header, 54 data bytes
	" 0100 0c00 3000" + // one item, type 0x0C, 48 bytes
	" 0100 0002 af12 c0a8010a 0000000000000000" + // version 1; AF_INET, port 44818, 192.168.1.10
	" 0100 0c00 a600 0b02 6000 78563412" + // vendor 1, type 12, product 166, rev 11.2, status 0x60, serial 0x12345678
	" 0e 313735362d454e32542f44202020" + // "1756-EN2T/D   " (14 bytes)
	" 03" // state

func TestParseListIdentity(t *testing.T) {
	id, err := ParseListIdentity(mustHex(t, listIdentityAnswer))
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{
		ProtocolVersion: 1,
		Address:         netip.MustParseAddrPort("192.168.1.10:44818"),
		VendorID:        1, DeviceType: 12, ProductCode: 166,
		RevisionMajor: 11, RevisionMinor: 2, Status: 0x60, Serial: 0x12345678,
		ProductName: "1756-EN2T/D   ", State: 3,
	}
	if id != want {
		t.Fatalf("parsed %+v\nwant   %+v", id, want)
	}
	ctx := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	if got := EncodeListIdentity(ctx, want); !bytes.Equal(got, mustHex(t, listIdentityAnswer)) {
		t.Fatalf("encoded % x", got)
	}
}

func TestParseListIdentityRejects(t *testing.T) {
	good := mustHex(t, listIdentityAnswer)
	cases := map[string][]byte{
		"short header":     good[:10],
		"truncated data":   good[:40],
		"other command":    append(mustHex(t, "6400"), good[2:]...),
		"error status":     append(append(append([]byte{}, good[:8]...), 1, 0, 0, 0), good[12:]...),
		"no identity item": mustHex(t, "6300 0600 00000000 00000000 0000000000000000 00000000 0100 8600 0000"),
	}
	for name, msg := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseListIdentity(msg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestListIdentityRequest(t *testing.T) {
	got := ListIdentityRequest([8]byte{9})
	want := mustHex(t, "6300 0000 00000000 00000000 0900000000000000 00000000")
	if !bytes.Equal(got, want) {
		t.Fatalf("request % x", got)
	}
}
