// Package config is the agent's configuration (file, environment, flags),
// its identity, the Cloud's overrides and the status file, all in one data
// folder.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Default locations.
const (
	DefaultConfigPath = "/etc/edgezu/config.json"
	DefaultDataDir    = "/var/lib/edgezu"
	DefaultChannel    = "stable"
)

// Config is what the operator sets. The file is JSON with these field names;
// the environment and flags override it.
type Config struct {
	CloudURL        string `json:"cloud_url,omitempty"`
	Account         string `json:"account,omitempty"`
	Name            string `json:"name,omitempty"`
	Location        string `json:"location,omitempty"`
	Type            string `json:"type,omitempty"`
	DataDir         string `json:"data_dir,omitempty"`
	LogLevel        string `json:"log_level,omitempty"`
	SpoolMaxBytes   int64  `json:"spool_max_bytes,omitempty"`
	Channel         string `json:"channel,omitempty"`
	ReleasePubKey   string `json:"release_public_key,omitempty"` // base64 Ed25519, overrides the built-in one
	TelemetryEveryS int    `json:"telemetry_interval_s,omitempty"`
	// Discovery lists the subnets scanned on a schedule (default none).
	Discovery []DiscoverySchedule `json:"discovery,omitempty"`
	// DiscoveryProtocols moves the ports each protocol is identified on
	// (a lab on a port offset); empty lists keep the scanner's defaults.
	DiscoveryProtocols DiscoveryProtocols `json:"discovery_protocol_ports,omitzero"`
	// DiscoveryNeighbourFile is the ARP table read for MAC addresses
	// (default /proc/net/arp; the lab writes one of its own).
	DiscoveryNeighbourFile string `json:"discovery_neighbour_file,omitempty"`
	// ProvisioningKey may sit in the file for unattended installs; it is
	// only used by register and never written back.
	ProvisioningKey string `json:"provisioning_key,omitempty"`
}

// DiscoverySchedule is one watched subnet: scanned at start and then every
// IntervalS seconds; changes between scans become security alerts.
type DiscoverySchedule struct {
	Subnet    string `json:"subnet"`
	Ports     []int  `json:"ports,omitempty"`
	RatePPS   int    `json:"rate_pps,omitempty"`
	IntervalS int    `json:"interval_s"`
}

// DiscoveryProtocols are the ports each identifying protocol is spoken on.
type DiscoveryProtocols struct {
	Modbus []int `json:"modbus,omitempty"`
	ENIP   []int `json:"enip,omitempty"`
	SNMP   []int `json:"snmp,omitempty"`
	HTTP   []int `json:"http,omitempty"`
	HTTPS  []int `json:"https,omitempty"`
}

// Load reads the file at path (a missing file is fine when optional) and
// then applies the environment.
func Load(path string, optional bool) (Config, error) {
	var c Config
	if err := ReadJSON(path, &c); err != nil && !(optional && errors.Is(err, os.ErrNotExist)) {
		return c, fmt.Errorf("read configuration: %w", err)
	}
	if err := c.applyEnv(os.Getenv); err != nil {
		return c, err
	}
	return c, nil
}

func (c *Config) applyEnv(get func(string) string) error {
	str := map[string]*string{
		"CLOUD_API_URL": &c.CloudURL, "PROVISIONING_KEY": &c.ProvisioningKey,
		"EDGEZU_CLOUD_URL": &c.CloudURL, "EDGEZU_ACCOUNT": &c.Account, "EDGEZU_NAME": &c.Name,
		"EDGEZU_LOCATION": &c.Location, "EDGEZU_TYPE": &c.Type, "EDGEZU_DATA_DIR": &c.DataDir,
		"EDGEZU_LOG_LEVEL": &c.LogLevel, "EDGEZU_CHANNEL": &c.Channel,
		"EDGEZU_RELEASE_PUBLIC_KEY": &c.ReleasePubKey,
	}
	for name, field := range str {
		if v := get(name); v != "" {
			*field = v
		}
	}
	if v := get("EDGEZU_SPOOL_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("EDGEZU_SPOOL_MAX_BYTES: want a positive number of bytes, got %q", v)
		}
		c.SpoolMaxBytes = n
	}
	return nil
}

// Data returns the data folder, creating it (0700) when missing.
func (c Config) Data() (string, error) {
	dir := c.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("data folder: %w", err)
	}
	return dir, nil
}

// Identity is what registration returned, kept 0600 in the data folder.
type Identity struct {
	DeviceID        string    `json:"device_id"`
	DeviceKey       string    `json:"device_key"`
	TenantID        string    `json:"tenant_id"`
	CloudURL        string    `json:"cloud_url"`
	IngestURL       string    `json:"ingest_url"`
	Account         string    `json:"account"`
	Name            string    `json:"name"`
	PollIntervalS   int       `json:"poll_interval_s"`
	UploadIntervalS int       `json:"upload_interval_s"`
	RegisteredAt    time.Time `json:"registered_at"`
}

// IdentityPath is where the identity lives in dataDir.
func IdentityPath(dataDir string) string { return filepath.Join(dataDir, "identity.json") }

// LoadIdentity reads the identity; os.ErrNotExist means not registered.
func LoadIdentity(dataDir string) (Identity, error) {
	var id Identity
	err := ReadJSON(IdentityPath(dataDir), &id)
	if err == nil && (id.DeviceKey == "" || id.CloudURL == "") {
		err = errors.New("identity file lacks device_key or cloud_url")
	}
	return id, err
}

// SaveIdentity writes the identity readable only by this user.
func SaveIdentity(dataDir string, id Identity) error {
	return WriteJSON(IdentityPath(dataDir), id, 0o600)
}
