package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"github.com/monozu/monozu/internal/edgeagent/lab"
)

// labCmd serves the simulated OT network on loopback until SIGINT/SIGTERM.
func labCmd(args []string) error {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	firstIP := fs.String("first-ip", "", "first device's loopback address (default 127.0.0.10)")
	offset := fs.Int("port-offset", 0, "added to every standard port, e.g. 10000 serves Modbus on 10502 (no root needed)")
	script := fs.String("script", "", `scripted changes: "demo" (new device, firmware change, port opened at minutes 3, 6, 9) or none`)
	neighbours := fs.String("neighbour-file", "", "write the devices' simulated MACs here in the /proc/net/arp layout")
	community := fs.String("snmp-community", "", `community the SNMP switch answers to (default "public")`)
	asJSON := fs.Bool("json", false, "print what is served as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts := lab.Options{FirstIP: *firstIP, PortOffset: *offset, NeighbourFile: *neighbours, SNMPCommunity: *community}
	switch *script {
	case "":
	case "demo":
		opts.Script = lab.DemoScript()
	default:
		return fmt.Errorf("%w: --script %q: want demo or nothing", errUsage, *script)
	}
	devices, err := lab.Describe(opts)
	if err != nil {
		return err
	}
	subnet, err := opts.Subnet()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(devices); err != nil {
			return err
		}
	} else {
		printLab(opts, subnet, devices)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return lab.Run(ctx, opts)
}

func printLab(opts lab.Options, subnet string, devices []lab.Device) {
	w := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "DEVICE\tADDRESS\tSERVICES\tIDENTITY\tAPPEARS")
	for _, d := range devices {
		services := ""
		for i, s := range d.Services {
			if i > 0 {
				services += ", "
			}
			services += fmt.Sprintf("%s %d/%s", s.Protocol, s.Port, s.Transport)
		}
		appears := "at start"
		if d.AppearsOn != "" {
			appears = "on " + string(d.AppearsOn)
		}
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s %s %s\t%s\n", d.Name, d.IP, services, d.Vendor, d.Model, d.Firmware, appears)
	}
	_ = w.Flush()
	p := opts.Ports()
	fmt.Printf("\nScan subnet %s (Modbus %d, EtherNet/IP %d, SNMP %d/udp, HTTP %d). Serving until interrupted (Ctrl-C).\n",
		subnet, p.Modbus, p.ENIP, p.SNMP, p.HTTP)
}
