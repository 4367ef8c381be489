package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Device statuses: online when any authenticated call was seen within
// onlinePolls poll intervals.
const (
	DeviceOnline       = "online"
	DeviceOffline      = "offline"
	DeviceNeverSeen    = "never_seen"
	DeviceDeregistered = "deregistered"
	onlinePolls        = 3
)

// deviceRoles are the roles a device may hold.
var deviceRoles = []string{"sensor", "vpn_gateway", "backup_collector"}

// maxDeviceQuery bounds the search text of the device list.
const maxDeviceQuery = 200

// Device is an edge appliance of the organisation.
type Device struct {
	ID                uuid.UUID       `db:"id" json:"id"`
	Name              string          `db:"name" json:"name"`
	SiteID            *uuid.UUID      `db:"site_id" json:"site_id"`
	SiteName          *string         `db:"site_name" json:"site_name"`
	Location          string          `db:"location" json:"location"`
	Type              string          `db:"type" json:"type"`
	Hostname          string          `db:"hostname" json:"hostname"`
	Status            string          `db:"-" json:"status" enum:"online offline never_seen deregistered"`
	LastSeenAt        *time.Time      `db:"last_seen_at" json:"last_seen_at"`
	LastSeenIP        *string         `db:"last_seen_ip" json:"last_seen_ip"`
	AgentVersion      string          `db:"agent_version" json:"agent_version"`
	OS                string          `db:"os" json:"os"`
	Arch              string          `db:"arch" json:"arch"`
	IPAddresses       []string        `db:"-" json:"ip_addresses"`
	Capabilities      []string        `db:"-" json:"capabilities"`
	Roles             []string        `db:"-" json:"roles" doc:"sensor, vpn_gateway, backup_collector"`
	KeyPrefix         string          `db:"key_prefix" json:"key_prefix" doc:"the start of the device key; empty once deregistered"`
	PollIntervalS     int             `db:"poll_interval_s" json:"poll_interval_s"`
	UploadIntervalS   int             `db:"upload_interval_s" json:"upload_interval_s"`
	LatestTelemetry   json.RawMessage `db:"-" json:"latest_telemetry" doc:"the newest sample: cpu_percent, memory_percent, disk_percent, interfaces, uptime_s"`
	LatestTelemetryAt *time.Time      `db:"latest_telemetry_at" json:"latest_telemetry_at"`
	RegisteredAt      time.Time       `db:"registered_at" json:"registered_at"`
	DeregisteredAt    *time.Time      `db:"deregistered_at" json:"deregistered_at"`
	UpdatedAt         time.Time       `db:"updated_at" json:"updated_at"`
	Version           int             `db:"version" json:"version"`
}

// deviceStatusAt derives a device's status at now from when it was last seen.
func deviceStatusAt(d Device, now time.Time) string {
	switch {
	case d.DeregisteredAt != nil:
		return DeviceDeregistered
	case d.LastSeenAt == nil:
		return DeviceNeverSeen
	case now.Sub(*d.LastSeenAt) <= time.Duration(onlinePolls*d.PollIntervalS)*time.Second:
		return DeviceOnline
	}
	return DeviceOffline
}

// DevicePatch changes the fields it carries at the version the client read.
type DevicePatch struct {
	Name     *string    `json:"name,omitempty"`
	SiteID   *uuid.UUID `json:"site_id,omitempty" doc:"null moves the device out of any site"`
	Location *string    `json:"location,omitempty"`
	Roles    []string   `json:"roles,omitempty" doc:"the whole set: sensor, vpn_gateway, backup_collector"`
	Version  int        `json:"version" doc:"the version read; if the device changed since, the answer is 409 version_conflict"`

	clearSite bool
}

func (p DevicePatch) normalized() (DevicePatch, error) {
	var c errs.Checker
	if p.Name != nil {
		c.Text("name", p.Name, maxDeviceName, true)
	}
	if p.Location != nil {
		c.Text("location", p.Location, maxDeviceLocation, false)
	}
	for i, r := range p.Roles {
		field := fmt.Sprintf("roles[%d]", i)
		switch {
		case !slices.Contains(deviceRoles, r):
			c.Add(field, "invalid", "must be one of "+strings.Join(deviceRoles, ", "))
		case slices.Contains(p.Roles[:i], r):
			c.Add(field, "duplicate", "is listed twice")
		}
	}
	if p.Version < 1 {
		c.Add("version", "required", "is required: the version the change was made at")
	}
	return p, c.Err()
}

// applyTo returns d with the patch applied and what changed, for the audit.
func (p DevicePatch) applyTo(d Device) (Device, map[string]audit.Change) {
	ch := map[string]audit.Change{}
	if p.Name != nil && *p.Name != d.Name {
		ch["name"] = audit.Change{Before: d.Name, After: *p.Name}
		d.Name = *p.Name
	}
	if p.Location != nil && *p.Location != d.Location {
		ch["location"] = audit.Change{Before: d.Location, After: *p.Location}
		d.Location = *p.Location
	}
	site := d.SiteID
	switch {
	case p.clearSite:
		site = nil
	case p.SiteID != nil:
		site = p.SiteID
	}
	if (site == nil) != (d.SiteID == nil) || site != nil && *site != *d.SiteID {
		ch["site_id"] = audit.Change{Before: d.SiteID, After: site}
		d.SiteID = site
	}
	if p.Roles != nil {
		roles := slices.Clone(p.Roles)
		slices.Sort(roles)
		if !slices.Equal(roles, d.Roles) {
			ch["roles"] = audit.Change{Before: d.Roles, After: roles}
			d.Roles = roles
		}
	}
	return d, ch
}

// DeviceFilter narrows the device list.
type DeviceFilter struct {
	SiteID *uuid.UUID
	// Status is one of the device statuses; without it deregistered
	// devices are left out.
	Status string
	// Query matches part of the name, hostname or location, any case.
	Query string
}

func (f DeviceFilter) normalized() (DeviceFilter, error) {
	var c errs.Checker
	if f.Status != "" {
		c.OneOf("status", f.Status, []string{DeviceOnline, DeviceOffline, DeviceNeverSeen, DeviceDeregistered})
	}
	c.Text("q", &f.Query, maxDeviceQuery, false)
	return f, c.Err()
}

// deviceCursor is where a page of devices continues: name order.
type deviceCursor struct {
	Name string
	ID   uuid.UUID
}

var (
	errDeviceVersionConflict = errs.New(errs.KindConflict, "Someone else changed this device since you read it; reload it and try again.").WithCode("version_conflict")
	errDeviceDeregistered    = errs.New(errs.KindConflict, "The device is deregistered.").WithCode("device_deregistered")
)

// Devices lists devices in name order after the cursor.
func (s *Service) Devices(ctx context.Context, f DeviceFilter, after *deviceCursor, limit int) ([]Device, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Device, error) {
		devices, err := listDevices(ctx, tx, f, after, limit+1, now)
		for i := range devices {
			devices[i].Status = deviceStatusAt(devices[i], now)
		}
		return devices, err
	})
}

// Device returns one device, deregistered ones included.
func (s *Service) Device(ctx context.Context, id uuid.UUID) (Device, error) {
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Device, error) {
		d, err := deviceByID(ctx, tx, id, false)
		d.Status = deviceStatusAt(d, now)
		return d, err
	})
}

// DeviceRuntime is what a device runs, for the releases context.
func (s *Service) DeviceRuntime(ctx context.Context, id uuid.UUID) (os, arch, agentVersion string, err error) {
	d, err := s.Device(ctx, id)
	return d.OS, d.Arch, d.AgentVersion, err
}

// UpdateDevice applies a patch made at a version the caller read.
func (s *Service) UpdateDevice(ctx context.Context, id uuid.UUID, p DevicePatch) (Device, error) {
	p, err := p.normalized()
	if err != nil {
		return Device{}, err
	}
	now := s.nowUTC()
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Device, error) {
		before, err := deviceByID(ctx, tx, id, true)
		if err != nil {
			return Device{}, err
		}
		if before.Version != p.Version {
			return Device{}, errDeviceVersionConflict
		}
		if before.DeregisteredAt != nil {
			return Device{}, errDeviceDeregistered
		}
		after, changes := p.applyTo(before)
		if len(changes) == 0 {
			before.Status = deviceStatusAt(before, now)
			return before, nil
		}
		if _, moved := changes["site_id"]; moved && after.SiteID != nil {
			if err := requireSite(ctx, tx, *after.SiteID); err != nil {
				return Device{}, err
			}
		}
		if err := updateDevice(ctx, tx, after, now); err != nil {
			return Device{}, err
		}
		if err := audit.Write(ctx, tx, audit.Record{Action: "devices.update", ResourceType: "edge_device", ResourceID: id.String(),
			Summary: "Device " + after.Name + " updated", Changes: changes}); err != nil {
			return Device{}, err
		}
		d, err := deviceByID(ctx, tx, id, false)
		d.Status = deviceStatusAt(d, now)
		return d, err
	})
}

// DeregisterDevice revokes a device's key at once and keeps its history:
// this process refuses the key from the next call, other processes within
// DeviceKeyTTL. Deregistering a deregistered device changes nothing.
func (s *Service) DeregisterDevice(ctx context.Context, id uuid.UUID) error {
	now := s.nowUTC()
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		d, err := deviceByID(ctx, tx, id, true)
		if err != nil || d.DeregisteredAt != nil {
			return err
		}
		if err := deregisterDevice(ctx, tx, id, actorID(ctx), now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "devices.deregister", ResourceType: "edge_device", ResourceID: id.String(),
			Summary: "Device " + d.Name + " deregistered", Changes: map[string]audit.Change{"deregistered_at": {After: now}}})
	})
	if err == nil {
		s.keys.Forget(id)
	}
	return err
}
