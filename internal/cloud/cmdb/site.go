package cmdb

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	// The zone database is compiled in, so a timezone that validates on a
	// developer machine also validates in a minimal container image.
	_ "time/tzdata"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Site statuses.
const (
	SitePlanned        = "planned"
	SiteActive         = "active"
	SiteDecommissioned = "decommissioned"
)

var siteStatuses = []string{SitePlanned, SiteActive, SiteDecommissioned}

// Limits of site fields, exactly as the sites table checks them.
const (
	maxSiteName        = 200
	maxSiteCode        = 32
	maxSiteDescription = 4000
	maxSiteLocation    = 500
	maxSiteTimezone    = 64
	maxSiteContact     = 500
	// maxHierQuery bounds the q filter of the hierarchy and vendor lists:
	// no name is longer, so a longer query could never match.
	maxHierQuery = 200
)

// Site is a place the tenant runs equipment: the root of the network
// hierarchy (site › zone › VLAN › asset).
type Site struct {
	ID          uuid.UUID  `db:"id" json:"id"`
	Name        string     `db:"name" json:"name"`
	Code        string     `db:"code" json:"code" doc:"short code, unique when set (any case)"`
	Description string     `db:"description" json:"description"`
	Location    string     `db:"location" json:"location" doc:"address or location text"`
	Latitude    *float64   `db:"latitude" json:"latitude" doc:"WGS 84 degrees, -90 to 90; set together with longitude"`
	Longitude   *float64   `db:"longitude" json:"longitude" doc:"WGS 84 degrees, -180 to 180; set together with latitude"`
	Timezone    string     `db:"timezone" json:"timezone" doc:"IANA time zone, e.g. Europe/Berlin"`
	Status      string     `db:"status" json:"status" enum:"planned active decommissioned"`
	Contact     string     `db:"contact" json:"contact"`
	Counts      SiteCounts `db:"-" json:"counts"`
	Version     int        `db:"version" json:"version"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at" json:"updated_at"`
}

// SiteCounts are what a site holds; each links to the filtered list.
type SiteCounts struct {
	Zones       int `json:"zones"`
	VLANs       int `json:"vlans" doc:"VLANs of the site's zones"`
	Assets      int `json:"assets"`
	EdgeDevices int `json:"edge_devices" doc:"edge appliances registered to the site"`
}

// NewSite is a site to create.
type NewSite struct {
	Name        string   `json:"name"`
	Code        string   `json:"code,omitempty"`
	Description string   `json:"description,omitempty"`
	Location    string   `json:"location,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty" doc:"-90 to 90; give both coordinates or neither"`
	Longitude   *float64 `json:"longitude,omitempty" doc:"-180 to 180; give both coordinates or neither"`
	Timezone    string   `json:"timezone,omitempty" doc:"IANA time zone; UTC when empty"`
	Status      string   `json:"status,omitempty" enum:"planned active decommissioned" doc:"active when empty"`
	Contact     string   `json:"contact,omitempty"`
}

// normalized trims the text, fills the defaults and reports every invalid
// field at once.
func (n NewSite) normalized() (NewSite, error) {
	var c checker
	c.Text("name", &n.Name, maxSiteName, true)
	c.Text("code", &n.Code, maxSiteCode, false)
	c.Text("description", &n.Description, maxSiteDescription, false)
	c.Text("location", &n.Location, maxSiteLocation, false)
	c.Text("contact", &n.Contact, maxSiteContact, false)
	n.Timezone = strings.TrimSpace(n.Timezone)
	if n.Timezone == "" {
		n.Timezone = "UTC"
	}
	c.siteTimezone(n.Timezone)
	n.Status = strings.TrimSpace(n.Status)
	if n.Status == "" {
		n.Status = SiteActive
	}
	c.OneOf("status", n.Status, siteStatuses)
	c.siteCoordinates(n.Latitude, n.Longitude)
	return n, c.Err()
}

// site is the row the new site becomes.
func (n NewSite) site() Site {
	return Site{Name: n.Name, Code: n.Code, Description: n.Description, Location: n.Location,
		Latitude: n.Latitude, Longitude: n.Longitude, Timezone: n.Timezone, Status: n.Status, Contact: n.Contact}
}

// SitePatch changes the fields it carries; version is the one the client
// read, so a change made since then is not silently overwritten.
type SitePatch struct {
	Name        *string  `json:"name,omitempty"`
	Code        *string  `json:"code,omitempty" doc:"empty or null removes the code"`
	Description *string  `json:"description,omitempty"`
	Location    *string  `json:"location,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty" doc:"null removes the coordinates; the site keeps both or neither"`
	Longitude   *float64 `json:"longitude,omitempty" doc:"null removes the coordinates; the site keeps both or neither"`
	Timezone    *string  `json:"timezone,omitempty" doc:"empty or null sets UTC"`
	Status      *string  `json:"status,omitempty" enum:"planned active decommissioned"`
	Contact     *string  `json:"contact,omitempty"`
	Version     int      `json:"version" doc:"the version read; if the site changed since, the answer is 409 version_conflict"`

	// nulls are the fields the body set to JSON null (see hierNullFields).
	nulls map[string]bool
}

func (p SitePatch) normalized() (SitePatch, error) {
	var c checker
	hierNullText(p.nulls, "code", &p.Code)
	hierNullText(p.nulls, "description", &p.Description)
	hierNullText(p.nulls, "location", &p.Location)
	hierNullText(p.nulls, "contact", &p.Contact)
	hierNullText(p.nulls, "timezone", &p.Timezone)
	hierNullText(p.nulls, "name", &p.Name)
	hierNullText(p.nulls, "status", &p.Status)
	if p.Name != nil {
		c.Text("name", p.Name, maxSiteName, true)
	}
	if p.Code != nil {
		c.Text("code", p.Code, maxSiteCode, false)
	}
	if p.Description != nil {
		c.Text("description", p.Description, maxSiteDescription, false)
	}
	if p.Location != nil {
		c.Text("location", p.Location, maxSiteLocation, false)
	}
	if p.Contact != nil {
		c.Text("contact", p.Contact, maxSiteContact, false)
	}
	if p.Timezone != nil {
		tz := strings.TrimSpace(*p.Timezone)
		if tz == "" {
			tz = "UTC"
		}
		p.Timezone = &tz
		c.siteTimezone(tz)
	}
	if p.Status != nil {
		status := strings.TrimSpace(*p.Status)
		p.Status = &status
		c.OneOf("status", status, siteStatuses)
	}
	if p.Latitude != nil {
		c.siteLatitude(*p.Latitude)
	}
	if p.Longitude != nil {
		c.siteLongitude(*p.Longitude)
	}
	c.hierVersion(p.Version)
	return p, c.Err()
}

// applyTo returns s with the patch's fields. The coordinates are checked
// afterwards on the result, so a patch may move or clear them one at a time
// only when the other one follows.
func (p SitePatch) applyTo(s Site) (Site, error) {
	hierSet(&s.Name, p.Name)
	hierSet(&s.Code, p.Code)
	hierSet(&s.Description, p.Description)
	hierSet(&s.Location, p.Location)
	hierSet(&s.Timezone, p.Timezone)
	hierSet(&s.Status, p.Status)
	hierSet(&s.Contact, p.Contact)
	if p.Latitude != nil {
		s.Latitude = p.Latitude
	} else if p.nulls["latitude"] {
		s.Latitude = nil
	}
	if p.Longitude != nil {
		s.Longitude = p.Longitude
	} else if p.nulls["longitude"] {
		s.Longitude = nil
	}
	var c checker
	c.siteCoordinates(s.Latitude, s.Longitude)
	return s, c.Err()
}

// siteChanges lists the fields that differ, before and after.
func siteChanges(before, after Site) map[string]audit.Change {
	ch := map[string]audit.Change{}
	hierDiff(ch, "name", before.Name, after.Name)
	hierDiff(ch, "code", before.Code, after.Code)
	hierDiff(ch, "description", before.Description, after.Description)
	hierDiff(ch, "location", before.Location, after.Location)
	hierDiffPtr(ch, "latitude", before.Latitude, after.Latitude)
	hierDiffPtr(ch, "longitude", before.Longitude, after.Longitude)
	hierDiff(ch, "timezone", before.Timezone, after.Timezone)
	hierDiff(ch, "status", before.Status, after.Status)
	hierDiff(ch, "contact", before.Contact, after.Contact)
	return ch
}

// SiteFilter narrows the site list; empty fields match every site.
type SiteFilter struct {
	Status string
	// Query matches a part of the name or code, ignoring case.
	Query string
}

func (f SiteFilter) normalized() (SiteFilter, error) {
	var c checker
	f.Status = strings.TrimSpace(f.Status)
	if f.Status != "" {
		c.OneOf("status", f.Status, siteStatuses)
	}
	c.Text("q", &f.Query, maxHierQuery, false)
	return f, c.Err()
}

// siteKey is where a page of sites continues: after this name (compared
// case-insensitively, as the unique index does) and id.
type siteKey struct {
	Name string
	ID   uuid.UUID
}

func (c *checker) siteTimezone(tz string) {
	switch {
	case len(tz) > maxSiteTimezone:
		c.Add("timezone", "too_long", "must be at most "+strconv.Itoa(maxSiteTimezone)+" characters")
	case tz == "Local":
		// LoadLocation answers with the server's own zone for "Local".
		c.Add("timezone", "invalid", "must be an IANA time zone such as Europe/Berlin")
	default:
		if _, err := time.LoadLocation(tz); err != nil {
			c.Add("timezone", "invalid", "must be an IANA time zone such as Europe/Berlin")
		}
	}
}

func (c *checker) siteLatitude(v float64) {
	if v < -90 || v > 90 {
		c.Add("latitude", "out_of_range", "must be from -90 to 90")
	}
}

func (c *checker) siteLongitude(v float64) {
	if v < -180 || v > 180 {
		c.Add("longitude", "out_of_range", "must be from -180 to 180")
	}
}

// siteCoordinates checks a position is complete and on the globe.
func (c *checker) siteCoordinates(lat, lon *float64) {
	switch {
	case lat != nil && lon == nil:
		c.Add("longitude", "required", "is required when latitude is set")
	case lat == nil && lon != nil:
		c.Add("latitude", "required", "is required when longitude is set")
	}
	if lat != nil {
		c.siteLatitude(*lat)
	}
	if lon != nil {
		c.siteLongitude(*lon)
	}
}

// hierVersion insists on the version a PATCH was based on: versions start
// at 1, so 0 means the client did not send one.
func (c *checker) hierVersion(v int) {
	if v < 1 {
		c.Add("version", "required", "must be the version of the record as read")
	}
}

// hierSet copies a patch value over a field when the patch carries one.
func hierSet[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// hierNullText turns a text field the body set to null into an empty
// string, which clears it (or fails "required" for fields that need one).
func hierNullText(nulls map[string]bool, field string, v **string) {
	if *v == nil && nulls[field] {
		empty := ""
		*v = &empty
	}
}

// hierDiff records a field whose value changed.
func hierDiff[T comparable](ch map[string]audit.Change, field string, before, after T) {
	if before != after {
		ch[field] = audit.Change{Before: before, After: after}
	}
}

// hierDiffPtr records a nullable field whose value changed; null is absent
// from the record.
func hierDiffPtr[T comparable](ch map[string]audit.Change, field string, before, after *T) {
	if before == nil && after == nil || before != nil && after != nil && *before == *after {
		return
	}
	var c audit.Change
	if before != nil {
		c.Before = *before
	}
	if after != nil {
		c.After = *after
	}
	ch[field] = c
}

// hierCreated keeps only the after side of a record's fields, for the audit
// entry of its creation.
func hierCreated(ch map[string]audit.Change) map[string]audit.Change {
	for k, c := range ch {
		ch[k] = audit.Change{After: c.After}
	}
	return ch
}

// hierDeleted keeps only the before side, for the audit entry of a deletion.
func hierDeleted(ch map[string]audit.Change) map[string]audit.Change {
	for k, c := range ch {
		ch[k] = audit.Change{Before: c.Before}
	}
	return ch
}

// hierNullFields lists the top-level fields a JSON object body sets to
// null. Go's decoder leaves a pointer nil for both "absent" and "null", but
// in a PATCH null means "clear this field".
func hierNullFields(body []byte) map[string]bool {
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return nil
	}
	out := map[string]bool{}
	for k, v := range raw {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			out[k] = true
		}
	}
	return out
}

// hierBlocker is one kind of record that keeps another from being deleted.
type hierBlocker struct {
	field            string // the problem's field, e.g. "assets"
	singular, plural string
	count            int
}

// hierDependants is the 409 has_dependants answer naming what blocks a
// deletion ("3 assets, 1 diagram"), one field error per kind with its count.
// It returns nil when nothing blocks.
func hierDependants(what string, blockers ...hierBlocker) error {
	var parts []string
	var fields []errs.FieldError
	for _, b := range blockers {
		if b.count == 0 {
			continue
		}
		part := hierCount(b.count, b.singular, b.plural)
		parts = append(parts, part)
		fields = append(fields, errs.Field(b.field, "has_dependants", part))
	}
	if len(parts) == 0 {
		return nil
	}
	e := errs.New(errs.KindConflict, "The "+what+" cannot be deleted while it still has "+strings.Join(parts, ", ")+".").
		WithCode("has_dependants")
	e.Fields = fields
	return e
}

// The answers about sites that are not about a single input field.
var (
	errHierVersionConflict = errs.New(errs.KindConflict, "Someone else changed this record since you read it; reload it and try again.").WithCode("version_conflict")
	errSiteNameTaken       = errs.Field("name", "taken", "another site already has this name")
	errSiteCodeTaken       = errs.Field("code", "taken", "another site already has this code")
)

// Sites lists the tenant's sites in name order after the given key, with
// their counts; it fetches limit+1 rows so the caller knows whether a page
// follows.
func (s *Service) Sites(ctx context.Context, f SiteFilter, after siteKey, limit int) ([]Site, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Site, error) {
		return listSites(ctx, tx, f, after, limit+1)
	})
}

// Site returns one site with its counts.
func (s *Service) Site(ctx context.Context, id uuid.UUID) (Site, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Site, error) {
		return siteByID(ctx, tx, id)
	})
}

// SiteByCode finds a site by its code (unique per tenant, any case).
func (s *Service) SiteByCode(ctx context.Context, code string) (Site, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Site, error) {
		var r siteRow
		err := tx.Get(ctx, &r, siteQuery("s.code <> '' AND lower(s.code) = lower($2)", ""), tx.TenantID(), code)
		if errs.Is(err, errs.KindNotFound) {
			return Site{}, errs.NotFound("site")
		}
		return r.site(), err
	})
}

// siteRecords are the sites for the create, update and delete use cases.
var siteRecords = hierRecord[Site]{
	resource: "site",
	summary:  func(s Site) string { return "Site " + s.Name },
	version:  func(s Site) int { return s.Version },
	changes:  siteChanges,
	byID:     siteByID, lockForUpdate: lockSiteForUpdate, lockForDelete: lockSiteForDelete,
	write: updateSite, drop: deleteSite,
	checkUpdate: func(ctx context.Context, tx *database.Tx, _ uuid.UUID, after Site, _ map[string]audit.Change) error {
		return siteNamesFree(ctx, tx, after)
	},
	cascade: func(site Site, changes map[string]audit.Change) string {
		changes["zones"] = audit.Change{Before: site.Counts.Zones}
		changes["vlans"] = audit.Change{Before: site.Counts.VLANs}
		return " with " + hierCount(site.Counts.Zones, "zone", "zones") +
			" and " + hierCount(site.Counts.VLANs, "VLAN", "VLANs")
	},
}

// siteNamesFree refuses a name or code another site has (any case).
func siteNamesFree(ctx context.Context, tx *database.Tx, s Site) error {
	taken, err := siteNameOrCodeTaken(ctx, tx, s)
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		return errs.Invalid(taken...)
	}
	return nil
}

// CreateSite adds a site; its name, and its code when it has one, are
// unique in the tenant (any case).
func (s *Service) CreateSite(ctx context.Context, n NewSite) (Site, error) {
	n, err := n.normalized()
	if err != nil {
		return Site{}, err
	}
	return siteRecords.create(ctx, s.db, func(tx *database.Tx) (uuid.UUID, error) {
		if err := siteNamesFree(ctx, tx, n.site()); err != nil {
			return uuid.Nil, err
		}
		return insertSite(ctx, tx, n.site())
	})
}

// UpdateSite applies a patch made at a version the caller read. A patch
// that changes nothing keeps the version.
func (s *Service) UpdateSite(ctx context.Context, id uuid.UUID, p SitePatch) (Site, error) {
	p, err := p.normalized()
	if err != nil {
		return Site{}, err
	}
	return siteRecords.update(ctx, s.db, id, p.Version, p.applyTo)
}

// DeleteSite removes a site with its zones and VLANs. A site that still
// has assets or diagrams stays: the answer names them.
func (s *Service) DeleteSite(ctx context.Context, id uuid.UUID) error {
	return siteRecords.delete(ctx, s.db, id, func(tx *database.Tx, _ Site) error {
		assets, diagrams, err := siteBlockers(ctx, tx, id)
		if err != nil {
			return err
		}
		return hierDependants("site", hierBlocker{"assets", "asset", "assets", assets},
			hierBlocker{"diagrams", "diagram", "diagrams", diagrams})
	})
}

// hierCount is "1 zone", "3 zones".
func hierCount(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return strconv.Itoa(n) + " " + plural
}
