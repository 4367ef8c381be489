package discovery

import (
	"io"
	"net"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/discovery/wire"
)

// fakeModbus answers device identification requests on one end of a pipe with answer.
func fakeModbus(t *testing.T, answer func(readCode, start byte) []byte) net.Conn {
	t.Helper()
	client, device := net.Pipe()
	t.Cleanup(func() { client.Close(); device.Close() })
	go func() {
		head := make([]byte, 7)
		for {
			if _, err := io.ReadFull(device, head); err != nil {
				return
			}
			h, n, err := wire.ParseMBAP(head)
			if err != nil {
				return
			}
			pdu := make([]byte, n)
			if _, err := io.ReadFull(device, pdu); err != nil {
				return
			}
			if _, err := device.Write(wire.ModbusFrame(h, answer(pdu[2], pdu[3]))); err != nil {
				return
			}
		}
	}()
	return client
}

func TestModbusFallsBackToTheBasicCategory(t *testing.T) {
	conn := fakeModbus(t, func(readCode, _ byte) []byte {
		if readCode != wire.ModbusReadBasic {
			return wire.ModbusExceptionPDU(wire.ModbusFuncMEI, wire.ModbusExIllegalAddress)
		}
		return wire.EncodeDeviceIDResponse(readCode, 0x01, []byte{0, 1, 2}, map[byte]string{0: "Acme", 1: "PC-100", 2: "V1.02"})
	})
	id, ok := modbusIdentify(conn)
	if !ok || id.vendor != "Acme" || id.model != "PC-100" || id.firmware != "V1.02" {
		t.Fatalf("identified %+v, %v", id, ok)
	}
}

func TestModbusFollowsMoreFollows(t *testing.T) {
	objects := map[byte]string{0: "Acme", 1: "PC-100", 2: "V1.02", 3: "acme.example", 4: "Pump controller", 5: "PC-100-X"}
	conn := fakeModbus(t, func(readCode, start byte) []byte {
		if start == 0 {
			pdu := wire.EncodeDeviceIDResponse(readCode, 0x82, []byte{0, 1, 2}, objects)
			pdu[4], pdu[5] = 0xFF, 3 // more follows, from object 3
			return pdu
		}
		return wire.EncodeDeviceIDResponse(readCode, 0x82, []byte{3, 4, 5}, objects)
	})
	id, ok := modbusIdentify(conn)
	if !ok || id.model != "PC-100-X" || id.fields["modbus.product_name"] != "Pump controller" || id.vendor != "Acme" {
		t.Fatalf("identified %+v, %v", id, ok)
	}
}

func TestModbusDeviceWithoutIdentification(t *testing.T) {
	conn := fakeModbus(t, func(byte, byte) []byte {
		return wire.ModbusExceptionPDU(wire.ModbusFuncMEI, wire.ModbusExIllegalFunc)
	})
	if id, ok := modbusIdentify(conn); ok {
		t.Fatalf("identified %+v from exceptions", id)
	}
}

func TestCleanBoundsDeviceStrings(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'a'
	}
	cases := map[string]string{
		"  WAGO\x00\x00 ":   "WAGO",
		"bad\xffbytes\x01":  "badbytes",
		string(long):        string(long[:maxValue]),
		"Modicon\tM340\r\n": "Modicon M340",
	}
	for in, want := range cases {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
