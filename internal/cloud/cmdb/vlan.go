package cmdb

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Limits of VLAN fields, exactly as the vlans table checks them.
const (
	minVLANNumber = 1
	maxVLANNumber = 4094
	maxVLANName   = 200
	// maxVLANAddress bounds the cidr and gateway text: the longest IPv6
	// prefix ("ffff:…:ffff/128") is 43 characters.
	maxVLANAddress = 64
)

// VLAN is a layer-2 network, in a zone (and so, through the zone, in a
// site) or in none.
type VLAN struct {
	ID         uuid.UUID  `db:"id" json:"id"`
	Number     int        `db:"number" json:"number" doc:"802.1Q VLAN id, 1-4094"`
	Name       string     `db:"name" json:"name"`
	ZoneID     *uuid.UUID `db:"zone_id" json:"zone_id" doc:"null for a VLAN outside any zone"`
	ZoneName   string     `db:"zone_name" json:"zone_name"`
	SiteID     *uuid.UUID `db:"site_id" json:"site_id" doc:"the zone's site; null when the VLAN has no zone or the zone no site"`
	SiteName   string     `db:"site_name" json:"site_name"`
	CIDR       *string    `db:"cidr" json:"cidr" doc:"the network, e.g. 10.0.1.0/24; null when not recorded"`
	Gateway    *string    `db:"gateway" json:"gateway" doc:"an address inside cidr; null when not recorded"`
	AssetCount int        `db:"asset_count" json:"asset_count"`
	Version    int        `db:"version" json:"version"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at" json:"updated_at"`
}

// NewVLAN is a VLAN to create.
type NewVLAN struct {
	Number  int        `json:"number" doc:"1-4094, unique in the zone (and among VLANs without a zone)"`
	Name    string     `json:"name,omitempty"`
	ZoneID  *uuid.UUID `json:"zone_id,omitempty" doc:"the zone; omit or null for a VLAN outside any zone"`
	CIDR    string     `json:"cidr,omitempty" doc:"network in CIDR notation without host bits, e.g. 10.0.1.0/24"`
	Gateway string     `json:"gateway,omitempty" doc:"an address inside cidr (needs cidr)"`
}

func (n NewVLAN) normalized() (NewVLAN, error) {
	var c checker
	c.vlanNumber(n.Number)
	c.Text("name", &n.Name, maxVLANName, false)
	cidr, gateway := c.vlanAddresses(n.CIDR, n.Gateway)
	n.CIDR, n.Gateway = hierDeref(cidr), hierDeref(gateway)
	return n, c.Err()
}

func (n NewVLAN) vlan() VLAN {
	return VLAN{Number: n.Number, Name: n.Name, ZoneID: n.ZoneID, CIDR: hierNonEmpty(n.CIDR), Gateway: hierNonEmpty(n.Gateway)}
}

// VLANPatch changes the fields it carries at the version the client read.
type VLANPatch struct {
	Number  *int       `json:"number,omitempty"`
	Name    *string    `json:"name,omitempty"`
	ZoneID  *uuid.UUID `json:"zone_id,omitempty" doc:"null takes the VLAN out of its zone; refused while it holds assets of a site other than the new zone's"`
	CIDR    *string    `json:"cidr,omitempty" doc:"empty or null removes the network (and needs the gateway removed too)"`
	Gateway *string    `json:"gateway,omitempty" doc:"empty or null removes the gateway"`
	Version int        `json:"version" doc:"the version read; if the VLAN changed since, the answer is 409 version_conflict"`

	nulls map[string]bool
}

func (p VLANPatch) normalized() (VLANPatch, error) {
	var c checker
	hierNullText(p.nulls, "name", &p.Name)
	hierNullText(p.nulls, "cidr", &p.CIDR)
	hierNullText(p.nulls, "gateway", &p.Gateway)
	if p.Number != nil {
		c.vlanNumber(*p.Number)
	}
	if p.Name != nil {
		c.Text("name", p.Name, maxVLANName, false)
	}
	// Each address on its own here; whether the gateway lies in the
	// network is checked on the VLAN as the patch leaves it.
	if p.CIDR != nil {
		cidr, _ := c.vlanAddresses(*p.CIDR, "")
		empty := hierDeref(cidr)
		p.CIDR = &empty
	}
	if p.Gateway != nil {
		gw := strings.TrimSpace(*p.Gateway)
		if gw != "" {
			gw = c.vlanGatewaySyntax(gw)
		}
		p.Gateway = &gw
	}
	c.hierVersion(p.Version)
	return p, c.Err()
}

// applyTo returns v with the patch's fields, checking the gateway against
// the network the VLAN ends up with.
func (p VLANPatch) applyTo(v VLAN) (VLAN, error) {
	hierSet(&v.Number, p.Number)
	hierSet(&v.Name, p.Name)
	if p.ZoneID != nil {
		v.ZoneID = p.ZoneID
	} else if p.nulls["zone_id"] {
		v.ZoneID = nil
	}
	if p.CIDR != nil {
		v.CIDR = hierNonEmpty(*p.CIDR)
	}
	if p.Gateway != nil {
		v.Gateway = hierNonEmpty(*p.Gateway)
	}
	var c checker
	cidr, gateway := c.vlanAddresses(hierDeref(v.CIDR), hierDeref(v.Gateway))
	v.CIDR, v.Gateway = cidr, gateway
	return v, c.Err()
}

func vlanChanges(before, after VLAN) map[string]audit.Change {
	ch := map[string]audit.Change{}
	hierDiff(ch, "number", before.Number, after.Number)
	hierDiff(ch, "name", before.Name, after.Name)
	hierDiffPtr(ch, "zone_id", before.ZoneID, after.ZoneID)
	hierDiffPtr(ch, "cidr", before.CIDR, after.CIDR)
	hierDiffPtr(ch, "gateway", before.Gateway, after.Gateway)
	return ch
}

// VLANFilter narrows the VLAN list; empty fields match every VLAN.
type VLANFilter struct {
	ZoneID string
	SiteID string // through the VLAN's zone
	Number string

	zoneID, siteID uuid.UUID
	number         int
}

func (f VLANFilter) normalized() (VLANFilter, error) {
	var c checker
	f.zoneID = c.hierFilterID("zone_id", f.ZoneID)
	f.siteID = c.hierFilterID("site_id", f.SiteID)
	if raw := strings.TrimSpace(f.Number); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < minVLANNumber || n > maxVLANNumber {
			c.Add("number", "invalid", "must be a whole number from 1 to 4094")
		}
		f.number = n
	}
	return f, c.Err()
}

// vlanKey is where a page of VLANs continues: after this number and id.
type vlanKey struct {
	Number int
	ID     uuid.UUID
}

func (c *checker) vlanNumber(n int) {
	if n < minVLANNumber || n > maxVLANNumber {
		c.Add("number", "out_of_range", "must be from 1 to 4094")
	}
}

// vlanAddresses checks a VLAN's network and gateway (empty: none) and
// returns them normalised, nil for none. The network must be written
// without host bits: "10.0.1.5/24" is refused, naming 10.0.1.0/24, since
// it usually means a host address was typed where the network belongs.
// The gateway must lie inside the network, and for IPv4 networks of more
// than two addresses it must be neither the network nor the broadcast
// address.
func (c *checker) vlanAddresses(rawCIDR, rawGateway string) (*string, *string) {
	rawCIDR, rawGateway = strings.TrimSpace(rawCIDR), strings.TrimSpace(rawGateway)
	var prefix netip.Prefix
	var cidr, gateway *string
	cidrOK := false
	if rawCIDR != "" {
		switch p, err := netip.ParsePrefix(rawCIDR); {
		case len(rawCIDR) > maxVLANAddress || err != nil:
			c.Add("cidr", "invalid", "must be a network in CIDR notation, e.g. 10.0.1.0/24")
		case p.Masked() != p:
			c.Add("cidr", "host_bits", "has host bits set; the network is "+p.Masked().String())
		default:
			prefix, cidrOK = p, true
			s := p.String()
			cidr = &s
		}
	}
	if rawGateway == "" {
		return cidr, nil
	}
	gw := c.vlanGatewaySyntax(rawGateway)
	if gw == "" {
		return cidr, nil
	}
	addr := netip.MustParseAddr(gw)
	switch {
	case rawCIDR == "":
		c.Add("gateway", "requires_cidr", "needs the VLAN's network (cidr) to be set")
	case !cidrOK:
		// The network itself is wrong; that error says enough.
	case !prefix.Contains(addr):
		c.Add("gateway", "outside_cidr", "must be an address inside "+prefix.String())
	case prefix.Bits() == addr.BitLen():
		c.Add("gateway", "outside_cidr", "must be an address inside "+prefix.String()+", which holds no other address")
	case addr.Is4() && prefix.Bits() < 31 && addr == prefix.Addr():
		c.Add("gateway", "network_address", "is the network address of "+prefix.String()+"; use a host address")
	case addr.Is4() && prefix.Bits() < 31 && addr == vlanBroadcast(prefix):
		c.Add("gateway", "broadcast_address", "is the broadcast address of "+prefix.String()+"; use a host address")
	default:
		gateway = &gw
	}
	return cidr, gateway
}

// vlanGatewaySyntax parses a gateway address, returning it normalised or
// "" after adding the field error.
func (c *checker) vlanGatewaySyntax(raw string) string {
	addr, err := netip.ParseAddr(raw)
	if len(raw) > maxVLANAddress || err != nil || addr.Zone() != "" {
		c.Add("gateway", "invalid", "must be an IPv4 or IPv6 address, e.g. 10.0.1.1")
		return ""
	}
	return addr.String()
}

// vlanBroadcast is the last address of an IPv4 prefix.
func vlanBroadcast(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func hierDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func hierNonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var (
	errVLANZoneGone = errs.Field("zone_id", "not_found", "no such zone")
)

// vlanNumberTaken names the scope the number is already used in.
func vlanNumberTaken(number int, zoneID *uuid.UUID) errs.FieldError {
	scope := "in this zone"
	if zoneID == nil {
		scope = "among the VLANs without a zone"
	}
	return errs.Field("number", "taken", "VLAN "+strconv.Itoa(number)+" already exists "+scope)
}

// VLANs lists the tenant's VLANs in number order after the given key.
func (s *Service) VLANs(ctx context.Context, f VLANFilter, after vlanKey, limit int) ([]VLAN, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]VLAN, error) {
		return listVLANs(ctx, tx, f, after, limit+1)
	})
}

// VLAN returns one VLAN.
func (s *Service) VLAN(ctx context.Context, id uuid.UUID) (VLAN, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (VLAN, error) {
		return vlanByID(ctx, tx, id)
	})
}

// vlanRecords are the VLANs for the create, update and delete use cases.
var vlanRecords = hierRecord[VLAN]{
	resource: "vlan",
	summary:  func(v VLAN) string { return "VLAN " + vlanLabel(v) },
	version:  func(v VLAN) int { return v.Version },
	changes:  vlanChanges,
	byID:     vlanByID, lockForUpdate: lockVLANForUpdate, lockForDelete: lockVLANForDelete,
	write: updateVLAN, drop: deleteVLAN,
	checkUpdate: vlanMoveAllowed,
}

// vlanMoveAllowed refuses to move a VLAN into a zone of a site while it
// holds assets of another site.
func vlanMoveAllowed(ctx context.Context, tx *database.Tx, id uuid.UUID, after VLAN, changes map[string]audit.Change) error {
	if _, moved := changes["zone_id"]; !moved || after.ZoneID == nil {
		return nil
	}
	siteID, err := vlanZoneSite(ctx, tx, *after.ZoneID)
	if err != nil || siteID == nil {
		return err
	}
	n, err := vlanAssetsOutside(ctx, tx, id, *siteID)
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("zone_id", "assets_in_other_site",
			hierCount(n, "asset", "assets")+" in this VLAN belong to a site other than the zone's; "+
				"an asset's VLANs must lie in its own site, so move or remove them first"))
	}
	return nil
}

// CreateVLAN adds a VLAN; its number is unique in its zone.
func (s *Service) CreateVLAN(ctx context.Context, n NewVLAN) (VLAN, error) {
	n, err := n.normalized()
	if err != nil {
		return VLAN{}, err
	}
	return vlanRecords.create(ctx, s.db, func(tx *database.Tx) (uuid.UUID, error) {
		if n.ZoneID != nil {
			if _, err := vlanZoneSite(ctx, tx, *n.ZoneID); err != nil {
				return uuid.Nil, err
			}
		}
		return insertVLAN(ctx, tx, n.vlan())
	})
}

// UpdateVLAN applies a patch made at a version the caller read. Moving a
// VLAN into a zone of a site is refused while it holds assets of another
// site (vlanMoveAllowed).
func (s *Service) UpdateVLAN(ctx context.Context, id uuid.UUID, p VLANPatch) (VLAN, error) {
	p, err := p.normalized()
	if err != nil {
		return VLAN{}, err
	}
	return vlanRecords.update(ctx, s.db, id, p.Version, p.applyTo)
}

// DeleteVLAN removes a VLAN no asset sits in.
func (s *Service) DeleteVLAN(ctx context.Context, id uuid.UUID) error {
	return vlanRecords.delete(ctx, s.db, id, func(_ *database.Tx, v VLAN) error {
		return hierDependants("VLAN", hierBlocker{"assets", "asset", "assets", v.AssetCount})
	})
}

// vlanLabel names a VLAN in audit summaries: "10 (Control)" or "10".
func vlanLabel(v VLAN) string {
	label := strconv.Itoa(v.Number)
	if v.Name != "" {
		label += " (" + v.Name + ")"
	}
	if v.ZoneName != "" {
		label += " in " + v.ZoneName
	}
	return label
}
