package cmdb

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Purdue levels a zone sits at; "3.5" is the industrial DMZ.
var zonePurdueLevels = []string{"0", "1", "2", "3", "3.5", "4", "5"}

// Limits of zone fields, exactly as the zones table checks them.
const (
	maxZoneName          = 200
	maxZoneDescription   = 4000
	maxZoneSecurityLevel = 4
)

// zonePreset are the zones the Purdue preset creates in a site, one per
// level, named after the spec's default names by level: Field devices
// (0–1), Control (2), Operations (3), Industrial DMZ (3.5), Enterprise IT
// (4–5). The level leads the name so the zones sort in level order and the
// names stay unique in the site; the separator is a plain hyphen because CSV
// imports name zones by hand ("site/zone/number").
var zonePreset = []struct{ level, name string }{
	{"0", "Level 0 - Field devices"},
	{"1", "Level 1 - Field devices"},
	{"2", "Level 2 - Control"},
	{"3", "Level 3 - Operations"},
	{"3.5", "Level 3.5 - Industrial DMZ"},
	{"4", "Level 4 - Enterprise IT"},
	{"5", "Level 5 - Enterprise IT"},
}

// Zone is a network zone of the Purdue model, in a site or (for shared
// infrastructure) in none.
type Zone struct {
	ID            uuid.UUID  `db:"id" json:"id"`
	Name          string     `db:"name" json:"name"`
	SiteID        *uuid.UUID `db:"site_id" json:"site_id" doc:"null for a zone outside any site"`
	SiteName      string     `db:"site_name" json:"site_name" doc:"empty for a zone outside any site"`
	PurdueLevel   string     `db:"purdue_level" json:"purdue_level" enum:"0 1 2 3 3.5 4 5" doc:"\"3.5\" is the industrial DMZ"`
	Description   string     `db:"description" json:"description"`
	SecurityLevel *int       `db:"security_level" json:"security_level" doc:"target security level (IEC 62443 SL 0-4); null when not set"`
	VLANCount     int        `db:"vlan_count" json:"vlan_count"`
	Version       int        `db:"version" json:"version"`
	CreatedAt     time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at" json:"updated_at"`
}

// NewZone is a zone to create.
type NewZone struct {
	Name          string     `json:"name"`
	SiteID        *uuid.UUID `json:"site_id,omitempty" doc:"the site; omit or null for a zone outside any site"`
	PurdueLevel   string     `json:"purdue_level" enum:"0 1 2 3 3.5 4 5"`
	Description   string     `json:"description,omitempty"`
	SecurityLevel *int       `json:"security_level,omitempty" doc:"target security level (IEC 62443 SL 0-4)"`
}

func (n NewZone) normalized() (NewZone, error) {
	var c checker
	c.Text("name", &n.Name, maxZoneName, true)
	c.Text("description", &n.Description, maxZoneDescription, false)
	n.PurdueLevel = strings.TrimSpace(n.PurdueLevel)
	c.zonePurdueLevel(n.PurdueLevel)
	c.zoneSecurityLevel(n.SecurityLevel)
	return n, c.Err()
}

func (n NewZone) zone() Zone {
	return Zone{Name: n.Name, SiteID: n.SiteID, PurdueLevel: n.PurdueLevel, Description: n.Description,
		SecurityLevel: n.SecurityLevel}
}

// ZonePatch changes the fields it carries at the version the client read.
type ZonePatch struct {
	Name          *string    `json:"name,omitempty"`
	SiteID        *uuid.UUID `json:"site_id,omitempty" doc:"null takes the zone out of its site; refused while its VLANs hold assets of another site"`
	PurdueLevel   *string    `json:"purdue_level,omitempty" enum:"0 1 2 3 3.5 4 5"`
	Description   *string    `json:"description,omitempty"`
	SecurityLevel *int       `json:"security_level,omitempty" doc:"null clears the target security level"`
	Version       int        `json:"version" doc:"the version read; if the zone changed since, the answer is 409 version_conflict"`

	nulls map[string]bool
}

func (p ZonePatch) normalized() (ZonePatch, error) {
	var c checker
	hierNullText(p.nulls, "name", &p.Name)
	hierNullText(p.nulls, "description", &p.Description)
	hierNullText(p.nulls, "purdue_level", &p.PurdueLevel)
	if p.Name != nil {
		c.Text("name", p.Name, maxZoneName, true)
	}
	if p.Description != nil {
		c.Text("description", p.Description, maxZoneDescription, false)
	}
	if p.PurdueLevel != nil {
		level := strings.TrimSpace(*p.PurdueLevel)
		p.PurdueLevel = &level
		c.zonePurdueLevel(level)
	}
	c.zoneSecurityLevel(p.SecurityLevel)
	c.hierVersion(p.Version)
	return p, c.Err()
}

func (p ZonePatch) applyTo(z Zone) Zone {
	hierSet(&z.Name, p.Name)
	hierSet(&z.PurdueLevel, p.PurdueLevel)
	hierSet(&z.Description, p.Description)
	if p.SiteID != nil {
		z.SiteID = p.SiteID
	} else if p.nulls["site_id"] {
		z.SiteID = nil
	}
	if p.SecurityLevel != nil {
		z.SecurityLevel = p.SecurityLevel
	} else if p.nulls["security_level"] {
		z.SecurityLevel = nil
	}
	return z
}

func zoneChanges(before, after Zone) map[string]audit.Change {
	ch := map[string]audit.Change{}
	hierDiff(ch, "name", before.Name, after.Name)
	hierDiffPtr(ch, "site_id", before.SiteID, after.SiteID)
	hierDiff(ch, "purdue_level", before.PurdueLevel, after.PurdueLevel)
	hierDiff(ch, "description", before.Description, after.Description)
	hierDiffPtr(ch, "security_level", before.SecurityLevel, after.SecurityLevel)
	return ch
}

// ZoneFilter narrows the zone list; empty fields match every zone.
type ZoneFilter struct {
	SiteID      string // a site's id
	PurdueLevel string

	siteID uuid.UUID
}

func (f ZoneFilter) normalized() (ZoneFilter, error) {
	var c checker
	f.siteID = c.hierFilterID("site_id", f.SiteID)
	f.PurdueLevel = strings.TrimSpace(f.PurdueLevel)
	if f.PurdueLevel != "" {
		c.zonePurdueLevel(f.PurdueLevel)
	}
	return f, c.Err()
}

// zoneKey is where a page of zones continues: after this name (any case)
// and id.
type zoneKey struct {
	Name string
	ID   uuid.UUID
}

// ZonePresetResult lists the zones the Purdue preset created.
type ZonePresetResult struct {
	Created []Zone `json:"created" doc:"the zones created now, in level order; empty when the site had them all"`
}

func (c *checker) zonePurdueLevel(level string) {
	if level == "" {
		c.Add("purdue_level", "required", "is required")
		return
	}
	c.OneOf("purdue_level", level, zonePurdueLevels)
}

func (c *checker) zoneSecurityLevel(level *int) {
	if level != nil && (*level < 0 || *level > maxZoneSecurityLevel) {
		c.Add("security_level", "out_of_range", "must be from 0 to "+strconv.Itoa(maxZoneSecurityLevel))
	}
}

// hierFilterID parses an id given as a list filter; empty is no filter.
func (c *checker) hierFilterID(field, raw string) uuid.UUID {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return uuid.Nil
	}
	id, err := uuid.Parse(raw)
	if err != nil || id == uuid.Nil {
		c.Add(field, "invalid", "must be an id (UUID)")
		return uuid.Nil
	}
	return id
}

var (
	errZoneNameTaken = errs.Field("name", "taken", "another zone of the same site already has this name")
	errZoneSiteGone  = errs.Field("site_id", "not_found", "no such site")
)

// Zones lists the tenant's zones in name order after the given key.
func (s *Service) Zones(ctx context.Context, f ZoneFilter, after zoneKey, limit int) ([]Zone, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Zone, error) {
		return listZones(ctx, tx, f, after, limit+1)
	})
}

// Zone returns one zone.
func (s *Service) Zone(ctx context.Context, id uuid.UUID) (Zone, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Zone, error) {
		return zoneByID(ctx, tx, id)
	})
}

// zoneRecords are the zones for the create, update and delete use cases.
var zoneRecords = hierRecord[Zone]{
	resource: "zone",
	summary:  func(z Zone) string { return "Zone " + z.Name },
	version:  func(z Zone) int { return z.Version },
	changes:  zoneChanges,
	byID:     zoneByID, lockForUpdate: lockZoneForUpdate, lockForDelete: lockZoneForDelete,
	write: updateZone, drop: deleteZone,
	checkUpdate: zoneMoveAllowed,
}

// zoneMoveAllowed refuses to move a zone to another site while its VLANs
// hold assets of a site other than the new one: an asset's VLANs lie in
// the asset's own site.
func zoneMoveAllowed(ctx context.Context, tx *database.Tx, id uuid.UUID, after Zone, changes map[string]audit.Change) error {
	if _, moved := changes["site_id"]; !moved || after.SiteID == nil {
		return nil
	}
	if err := zoneSiteExists(ctx, tx, *after.SiteID); err != nil {
		return err
	}
	n, err := zoneAssetsOutside(ctx, tx, id, *after.SiteID)
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("site_id", "assets_in_other_site",
			hierCount(n, "asset", "assets")+" in this zone's VLANs belong to another site; "+
				"an asset's VLANs must lie in its own site, so move or remove them first"))
	}
	return nil
}

// CreateZone adds a zone; its name is unique in its site (any case).
func (s *Service) CreateZone(ctx context.Context, n NewZone) (Zone, error) {
	n, err := n.normalized()
	if err != nil {
		return Zone{}, err
	}
	return zoneRecords.create(ctx, s.db, func(tx *database.Tx) (uuid.UUID, error) {
		if n.SiteID != nil {
			if err := zoneSiteExists(ctx, tx, *n.SiteID); err != nil {
				return uuid.Nil, err
			}
		}
		return insertZone(ctx, tx, n.zone())
	})
}

// UpdateZone applies a patch made at a version the caller read. Moving a
// zone to another site is refused while its VLANs hold assets of a site
// other than the new one (zoneMoveAllowed).
func (s *Service) UpdateZone(ctx context.Context, id uuid.UUID, p ZonePatch) (Zone, error) {
	p, err := p.normalized()
	if err != nil {
		return Zone{}, err
	}
	return zoneRecords.update(ctx, s.db, id, p.Version, func(z Zone) (Zone, error) { return p.applyTo(z), nil })
}

// DeleteZone removes a zone that has no VLANs left.
func (s *Service) DeleteZone(ctx context.Context, id uuid.UUID) error {
	return zoneRecords.delete(ctx, s.db, id, func(_ *database.Tx, z Zone) error {
		return hierDependants("zone", hierBlocker{"vlans", "VLAN", "VLANs", z.VLANCount})
	})
}

// CreateZonePreset creates the usual Purdue zones (zonePreset) in a site,
// skipping every name the site already has (any case): running it again
// creates nothing.
func (s *Service) CreateZonePreset(ctx context.Context, siteID uuid.UUID) ([]Zone, error) {
	created := []Zone{}
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		site, err := siteByID(ctx, tx, siteID)
		if err != nil {
			return err
		}
		ids, err := insertZonePreset(ctx, tx, siteID)
		if err != nil || len(ids) == 0 {
			return err
		}
		if created, err = zonesByIDs(ctx, tx, ids); err != nil {
			return err
		}
		for _, z := range created {
			if err := audit.Write(ctx, tx, audit.Record{Action: "zones.create", ResourceType: "zone", ResourceID: z.ID.String(),
				Summary: "Zone " + z.Name + " created in " + site.Name + " by the Purdue preset",
				Changes: hierCreated(zoneChanges(Zone{}, z))}); err != nil {
				return err
			}
		}
		return nil
	})
	return created, err
}
