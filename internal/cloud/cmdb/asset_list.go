package cmdb

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// AssetFilter selects assets; filters combine with AND, the values of one
// filter with OR. Without a lifecycle filter discovered devices waiting for
// review are left out: they are the review queue's (/discovered).
type AssetFilter struct {
	SiteIDs       []uuid.UUID
	ZoneIDs       []uuid.UUID
	VLANIDs       []uuid.UUID
	VendorIDs     []uuid.UUID
	Categories    []string
	Types         []string
	Criticalities []string
	Lifecycles    []string
	Sources       []string
	Tags          []string // all of them
	LastSeenFrom  *time.Time
	LastSeenTo    *time.Time
	Text          string // name, hostname, IP, MAC, serial or model contains

	// textHits are the ids the search index found for Text, when it found
	// at most textIndexCap (see resolveTextSearch); nil means filter by
	// Text row by row.
	textHits []uuid.UUID
}

// AssetFilterQuery documents the filter parameters of the list and export.
type AssetFilterQuery struct {
	SiteID       string    `query:"site_id" doc:"site ids, comma-separated"`
	ZoneID       string    `query:"zone_id" doc:"zone ids, comma-separated: assets in a VLAN of the zone"`
	VLANID       string    `query:"vlan_id" doc:"VLAN ids, comma-separated"`
	VendorID     string    `query:"vendor_id" doc:"vendor ids, comma-separated"`
	Category     string    `query:"category" doc:"it, ot"`
	Type         string    `query:"type" doc:"asset types, comma-separated"`
	Criticality  string    `query:"criticality" doc:"low, medium, high, critical (comma-separated)"`
	Lifecycle    string    `query:"lifecycle" doc:"planned, active, decommissioned, discovered (comma-separated); without it discovered devices are left out"`
	Source       string    `query:"source" doc:"manual, import, discovery (comma-separated)"`
	Tag          string    `query:"tag" doc:"tags the asset has all of, comma-separated"`
	LastSeenFrom time.Time `query:"last_seen_from" doc:"RFC 3339, inclusive"`
	LastSeenTo   time.Time `query:"last_seen_to" doc:"RFC 3339, exclusive"`
	Q            string    `query:"q" doc:"free text: part of the name, hostname, an IP or MAC address, serial number or model"`
	Sort         string    `query:"sort" doc:"a column, - for descending: name (default), site, vendor, category, type, criticality, lifecycle, hostname, model, serial_number, firmware_version, os, owner, source, first_seen, last_seen, created_at, updated_at"`
}

// assetFilterParams are the names AssetFilterQuery documents.
var assetFilterParams = []string{"site_id", "zone_id", "vlan_id", "vendor_id", "category", "type", "criticality",
	"lifecycle", "source", "tag", "last_seen_from", "last_seen_to", "q", "sort"}

const maxFilterValues = 100

// parseAssetFilter reads the filter from query values, reporting every
// malformed value.
func parseAssetFilter(values map[string]string) (AssetFilter, []errs.FieldError) {
	var c checker
	ids := func(name string) []uuid.UUID {
		var out []uuid.UUID
		for _, raw := range splitList(values[name]) {
			id, err := uuid.Parse(raw)
			if err != nil {
				c.Add(name, "invalid", "must be UUIDs separated by commas")
				return nil
			}
			out = append(out, id)
		}
		return out
	}
	enum := func(name string, allowed []string) []string {
		list := splitList(values[name])
		for _, v := range list {
			if !slices.Contains(allowed, v) {
				c.Add(name, "invalid", "values are "+strings.Join(allowed, ", "))
				return nil
			}
		}
		return list
	}
	allTypes := slices.Concat(assetTypes[CategoryIT], assetTypes[CategoryOT])
	f := AssetFilter{
		SiteIDs: ids("site_id"), ZoneIDs: ids("zone_id"), VLANIDs: ids("vlan_id"), VendorIDs: ids("vendor_id"),
		Categories: enum("category", []string{CategoryIT, CategoryOT}), Types: enum("type", allTypes),
		Criticalities: enum("criticality", criticalities), Lifecycles: enum("lifecycle", lifecycles),
		Sources: enum("source", sources), Tags: splitList(values["tag"]),
	}
	f.LastSeenFrom, f.LastSeenTo = c.Time("last_seen_from", values["last_seen_from"]), c.Time("last_seen_to", values["last_seen_to"])
	f.Text = strings.TrimSpace(values["q"])
	if len([]rune(f.Text)) > 200 {
		c.Add("q", "too_long", "must be at most 200 characters")
	}
	for name, raw := range values {
		if name != "q" && strings.Count(raw, ",") >= maxFilterValues {
			c.Add(name, "too_many", "at most "+strconv.Itoa(maxFilterValues)+" values")
		}
	}
	return f, c.Fields
}

func splitList(raw string) []string {
	var out []string
	for _, v := range strings.Split(raw, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// assetSort is a sortable column: its SQL expression and the Go type its
// cursor value decodes into.
type assetSort struct {
	expr string
	kind sortKind
}

type sortKind int

const (
	sortText sortKind = iota
	sortTime
	sortInt
)

// assetSorts are the columns the list sorts by. Expressions never yield
// NULL, so keyset comparisons stay total.
var assetSorts = map[string]assetSort{
	"name":             {"lower(a.name)", sortText},
	"site":             {"lower(s.name)", sortText},
	"vendor":           {"lower(coalesce(v.name, ''))", sortText},
	"category":         {"a.category", sortText},
	"type":             {"a.type", sortText},
	"criticality":      {"array_position(ARRAY['low','medium','high','critical'], a.criticality)", sortInt},
	"lifecycle":        {"a.lifecycle", sortText},
	"hostname":         {"a.hostname", sortText},
	"model":            {"lower(a.model)", sortText},
	"serial_number":    {"a.serial_number", sortText},
	"firmware_version": {"a.firmware_version", sortText},
	"os":               {"lower(a.os)", sortText},
	"owner":            {"lower(a.owner)", sortText},
	"source":           {"a.source", sortText},
	"first_seen":       {"coalesce(a.first_seen, '0001-01-01T00:00:00Z')", sortTime},
	"last_seen":        {"coalesce(a.last_seen, '0001-01-01T00:00:00Z')", sortTime},
	"created_at":       {"a.created_at", sortTime},
	"updated_at":       {"a.updated_at", sortTime},
}

// AssetOrder is a parsed ?sort=.
type AssetOrder struct {
	Column string
	Desc   bool
}

func parseAssetOrder(raw string) (AssetOrder, []errs.FieldError) {
	o := AssetOrder{Column: strings.TrimPrefix(raw, "-"), Desc: strings.HasPrefix(raw, "-")}
	if raw == "" {
		o.Column = "name"
	}
	if _, ok := assetSorts[o.Column]; !ok {
		names := make([]string, 0, len(assetSorts))
		for n := range assetSorts {
			names = append(names, n)
		}
		slices.Sort(names)
		return o, []errs.FieldError{errs.Field("sort", "invalid", "sorts by one of "+strings.Join(names, ", ")+", with - for descending")}
	}
	return o, nil
}

// assetQuery builds the WHERE clause of a filtered asset read.
type assetQuery struct {
	where []string
	args  []any
}

func (q *assetQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func newAssetQuery(tenantID uuid.UUID, f AssetFilter) *assetQuery {
	q := &assetQuery{}
	q.where = append(q.where, "a.tenant_id = "+q.arg(tenantID))
	if len(f.SiteIDs) > 0 {
		q.where = append(q.where, "a.site_id = ANY("+q.arg(f.SiteIDs)+")")
	}
	if len(f.VLANIDs) > 0 {
		q.where = append(q.where, `EXISTS (SELECT 1 FROM asset_vlans av WHERE av.tenant_id = a.tenant_id
			AND av.asset_id = a.id AND av.vlan_id = ANY(`+q.arg(f.VLANIDs)+`))`)
	}
	if len(f.ZoneIDs) > 0 {
		q.where = append(q.where, `EXISTS (SELECT 1 FROM asset_vlans av JOIN vlans vl ON vl.tenant_id = av.tenant_id
			AND vl.id = av.vlan_id WHERE av.tenant_id = a.tenant_id AND av.asset_id = a.id AND vl.zone_id = ANY(`+q.arg(f.ZoneIDs)+`))`)
	}
	if len(f.VendorIDs) > 0 {
		q.where = append(q.where, "a.vendor_id = ANY("+q.arg(f.VendorIDs)+")")
	}
	for col, values := range map[string][]string{"a.category": f.Categories, "a.type": f.Types,
		"a.criticality": f.Criticalities, "a.source": f.Sources} {
		if len(values) > 0 {
			q.where = append(q.where, col+" = ANY("+q.arg(values)+")")
		}
	}
	if len(f.Lifecycles) > 0 {
		q.where = append(q.where, "a.lifecycle = ANY("+q.arg(f.Lifecycles)+")")
	} else {
		q.where = append(q.where, "a.lifecycle <> 'discovered'")
	}
	if len(f.Tags) > 0 {
		q.where = append(q.where, "a.tags @> "+q.arg(f.Tags)+"::text[]")
	}
	if f.LastSeenFrom != nil {
		q.where = append(q.where, "a.last_seen >= "+q.arg(*f.LastSeenFrom))
	}
	if f.LastSeenTo != nil {
		q.where = append(q.where, "a.last_seen < "+q.arg(*f.LastSeenTo))
	}
	switch {
	case f.textHits != nil:
		q.where = append(q.where, "a.id = ANY("+q.arg(f.textHits)+")")
	case f.Text != "":
		q.where = append(q.where, "a.search_text LIKE ANY("+q.arg(searchPatterns(f.Text))+"::text[])")
	}
	return q
}

// searchPatterns are the LIKE patterns of a free-text search (an asset
// matches any): lower case, wildcards escaped, a whole MAC address in any
// notation in stored form, and a partial one written with hyphens, as
// IEEE writes OUIs (00-1B-1B), also with colons as stored (the text may
// as well be part of a name, so both).
func searchPatterns(text string) []string {
	text = strings.ToLower(text)
	if mac, err := canonicalMAC(text); err == nil {
		text = mac
	}
	out := []string{likeContains(text)}
	if hyphenatedOctets.MatchString(text) {
		out = append(out, likeContains(strings.ReplaceAll(text, "-", ":")))
	}
	return out
}

// hyphenatedOctets is the start of a MAC address in IEEE notation: two to
// five hex octets joined by hyphens.
var hyphenatedOctets = regexp.MustCompile(`^[0-9a-f]{2}(-[0-9a-f]{2}){1,4}$`)

func likeContains(text string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text) + "%"
}

// after adds the keyset condition "past the cursor" for order o.
func (q *assetQuery) after(o AssetOrder, value any, id uuid.UUID) {
	op := ">"
	if o.Desc {
		op = "<"
	}
	q.where = append(q.where, fmt.Sprintf("(%s, a.id) %s (%s, %s)", assetSorts[o.Column].expr, op, q.arg(value), q.arg(id)))
}

// sql is the whole statement; limit 0 means no limit (export).
func (q *assetQuery) sql(o AssetOrder, limit int) string {
	dir := "ASC"
	if o.Desc {
		dir = "DESC"
	}
	expr := assetSorts[o.Column].expr
	stmt := "SELECT " + assetColumns + ", to_json(" + expr + ") AS sort_key" + assetFrom +
		" WHERE " + strings.Join(q.where, " AND ") + " ORDER BY " + expr + " " + dir + ", a.id " + dir
	if limit > 0 {
		stmt += " LIMIT " + strconv.Itoa(limit)
	}
	return stmt
}

// cursorValue is a fresh destination for the cursor value of column.
func cursorValue(column string) any {
	switch assetSorts[column].kind {
	case sortTime:
		return new(time.Time)
	case sortInt:
		return new(int)
	}
	return new(string)
}

// decodeSortKey turns a sort value read back as JSON into the Go type of
// its column, as a cursor would carry it.
func decodeSortKey(column string, raw any) (any, error) {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	dst := cursorValue(column)
	if err := json.Unmarshal(b, dst); err != nil {
		return nil, err
	}
	return derefCursor(dst), nil
}

// derefCursor is the value a cursorValue destination holds.
func derefCursor(dst any) any { return reflect.ValueOf(dst).Elem().Interface() }
