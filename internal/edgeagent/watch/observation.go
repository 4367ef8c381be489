package watch

import (
	"github.com/monozu/monozu/internal/edgeagent/commands"
	"github.com/monozu/monozu/internal/edgeagent/discovery"
)

// observations are the scan's devices as ingest `discovery` data: ip, mac,
// hostname, open_ports, vendor, model, firmware, serial, protocols, identity.
func observations(obs []discovery.Observation) []commands.Observation {
	out := make([]commands.Observation, len(obs))
	for i, o := range obs {
		ports := o.OpenPorts
		if ports == nil {
			ports = []int{}
		}
		out[i] = commands.Observation{
			IP: o.IP, MAC: o.MAC, Hostname: o.Hostname, OpenPorts: ports, Vendor: o.Vendor,
			Model: o.Model, Firmware: o.Firmware, Serial: o.Serial, Protocols: o.Protocols, Identity: o.Identity,
		}
	}
	return out
}
