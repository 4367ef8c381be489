package cmdb

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// Limits of vendor fields, exactly as the vendors table checks them.
const (
	maxVendorName      = 200
	maxVendorURL       = 500
	maxVendorContact   = 500
	maxVendorCPEVendor = 100
)

// Vendor is a producer of assets, with where to get support and security
// advisories, and its name in CPE (for vulnerability matching).
type Vendor struct {
	ID             uuid.UUID `db:"id" json:"id"`
	Name           string    `db:"name" json:"name"`
	Website        string    `db:"website" json:"website"`
	SupportContact string    `db:"support_contact" json:"support_contact"`
	AdvisoryURL    string    `db:"advisory_url" json:"advisory_url" doc:"the vendor's PSIRT or security advisory page"`
	CPEVendor      string    `db:"cpe_vendor" json:"cpe_vendor" doc:"the vendor component of the vendor's CPE 2.3 names, e.g. siemens"`
	AssetCount     int       `db:"asset_count" json:"asset_count"`
	Version        int       `db:"version" json:"version"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// NewVendor is a vendor to create.
type NewVendor struct {
	Name           string `json:"name"`
	Website        string `json:"website,omitempty" doc:"absolute http(s) URL"`
	SupportContact string `json:"support_contact,omitempty"`
	AdvisoryURL    string `json:"advisory_url,omitempty" doc:"absolute http(s) URL of the PSIRT or advisory page"`
	CPEVendor      string `json:"cpe_vendor,omitempty" doc:"CPE 2.3 vendor component: lowercase letters, digits, _ . - and backslash-escaped punctuation"`
}

func (n NewVendor) normalized() (NewVendor, error) {
	var c checker
	c.Text("name", &n.Name, maxVendorName, true)
	c.vendorURL("website", &n.Website)
	c.Text("support_contact", &n.SupportContact, maxVendorContact, false)
	c.vendorURL("advisory_url", &n.AdvisoryURL)
	c.vendorCPE(&n.CPEVendor)
	return n, c.Err()
}

func (n NewVendor) vendor() Vendor {
	return Vendor{Name: n.Name, Website: n.Website, SupportContact: n.SupportContact, AdvisoryURL: n.AdvisoryURL,
		CPEVendor: n.CPEVendor}
}

// VendorPatch changes the fields it carries at the version the client read.
type VendorPatch struct {
	Name           *string `json:"name,omitempty"`
	Website        *string `json:"website,omitempty" doc:"empty or null removes it"`
	SupportContact *string `json:"support_contact,omitempty"`
	AdvisoryURL    *string `json:"advisory_url,omitempty" doc:"empty or null removes it"`
	CPEVendor      *string `json:"cpe_vendor,omitempty"`
	Version        int     `json:"version" doc:"the version read; if the vendor changed since, the answer is 409 version_conflict"`

	nulls map[string]bool
}

func (p VendorPatch) normalized() (VendorPatch, error) {
	var c checker
	hierNullText(p.nulls, "name", &p.Name)
	hierNullText(p.nulls, "website", &p.Website)
	hierNullText(p.nulls, "support_contact", &p.SupportContact)
	hierNullText(p.nulls, "advisory_url", &p.AdvisoryURL)
	hierNullText(p.nulls, "cpe_vendor", &p.CPEVendor)
	if p.Name != nil {
		c.Text("name", p.Name, maxVendorName, true)
	}
	if p.Website != nil {
		c.vendorURL("website", p.Website)
	}
	if p.SupportContact != nil {
		c.Text("support_contact", p.SupportContact, maxVendorContact, false)
	}
	if p.AdvisoryURL != nil {
		c.vendorURL("advisory_url", p.AdvisoryURL)
	}
	if p.CPEVendor != nil {
		c.vendorCPE(p.CPEVendor)
	}
	c.hierVersion(p.Version)
	return p, c.Err()
}

func (p VendorPatch) applyTo(v Vendor) Vendor {
	hierSet(&v.Name, p.Name)
	hierSet(&v.Website, p.Website)
	hierSet(&v.SupportContact, p.SupportContact)
	hierSet(&v.AdvisoryURL, p.AdvisoryURL)
	hierSet(&v.CPEVendor, p.CPEVendor)
	return v
}

func vendorChanges(before, after Vendor) map[string]audit.Change {
	ch := map[string]audit.Change{}
	hierDiff(ch, "name", before.Name, after.Name)
	hierDiff(ch, "website", before.Website, after.Website)
	hierDiff(ch, "support_contact", before.SupportContact, after.SupportContact)
	hierDiff(ch, "advisory_url", before.AdvisoryURL, after.AdvisoryURL)
	hierDiff(ch, "cpe_vendor", before.CPEVendor, after.CPEVendor)
	return ch
}

// VendorFilter narrows the vendor list.
type VendorFilter struct {
	// Query matches a part of the name, ignoring case.
	Query string
}

func (f VendorFilter) normalized() (VendorFilter, error) {
	var c checker
	c.Text("q", &f.Query, maxHierQuery, false)
	return f, c.Err()
}

// vendorKey is where a page of vendors continues: after this name (any
// case) and id.
type vendorKey struct {
	Name string
	ID   uuid.UUID
}

// vendorURL checks an optional absolute http(s) URL.
func (c *checker) vendorURL(field string, v *string) {
	before := len(c.Fields)
	c.Text(field, v, maxVendorURL, false)
	if *v == "" || len(c.Fields) > before {
		return
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		strings.ContainsAny(*v, " \t\r\n") {
		c.Add(field, "invalid_url", "must be an absolute http or https URL, e.g. https://example.com/security")
	}
}

// vendorCPEPunct are the characters the CPE 2.3 formatted string binding
// lets a component carry when escaped with a backslash (NISTIR 7695,
// cpe-naming_2.3.xsd).
const vendorCPEPunct = `\*?!"#$%&'()+,/:;<=>@[]^` + "`" + `{|}~`

// vendorCPE checks the CPE 2.3 vendor component: lowercase letters,
// digits, "_", "." and "-", and other punctuation only escaped with a
// backslash ("at\&t"). The logical values "*" (ANY) and "-" (NA) and
// unescaped wildcards name no vendor, so they are refused.
func (c *checker) vendorCPE(v *string) {
	before := len(c.Fields)
	c.Text("cpe_vendor", v, maxVendorCPEVendor, false)
	s := *v
	if s == "" || len(c.Fields) > before {
		return
	}
	bad := func(msg string) { c.Add("cpe_vendor", "invalid", msg) }
	if s == "-" {
		bad("must name a vendor; \"-\" is CPE's \"not applicable\"")
		return
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '_', ch == '.', ch == '-':
		case ch >= 'A' && ch <= 'Z':
			bad("must be lowercase, e.g. " + strings.ToLower(s))
			return
		case ch == '\\':
			if i+1 >= len(s) || !strings.ContainsRune(vendorCPEPunct, rune(s[i+1])) {
				bad("a backslash must escape one punctuation character, e.g. at\\&t")
				return
			}
			i++
		case ch == '*' || ch == '?':
			bad("must name one vendor: wildcards (* and ?) are not allowed")
			return
		case strings.ContainsRune(vendorCPEPunct, rune(ch)):
			bad("punctuation other than _ . - must be escaped with a backslash, e.g. at\\&t (position " + strconv.Itoa(i+1) + ")")
			return
		default:
			bad("may hold only lowercase letters, digits, _ . - and backslash-escaped punctuation (position " + strconv.Itoa(i+1) + ")")
			return
		}
	}
}

var errVendorNameTaken = errs.Field("name", "taken", "another vendor already has this name")

// Vendors lists the tenant's vendors in name order after the given key.
func (s *Service) Vendors(ctx context.Context, f VendorFilter, after vendorKey, limit int) ([]Vendor, error) {
	f, err := f.normalized()
	if err != nil {
		return nil, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]Vendor, error) {
		return listVendors(ctx, tx, f, after, limit+1)
	})
}

// Vendor returns one vendor.
func (s *Service) Vendor(ctx context.Context, id uuid.UUID) (Vendor, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Vendor, error) {
		return vendorByID(ctx, tx, id)
	})
}

// vendorRecords are the vendors for the create, update and delete use cases.
var vendorRecords = hierRecord[Vendor]{
	resource: "vendor",
	summary:  func(v Vendor) string { return "Vendor " + v.Name },
	version:  func(v Vendor) int { return v.Version },
	changes:  vendorChanges,
	byID:     vendorByID, lockForUpdate: lockVendorForUpdate, lockForDelete: lockVendorForDelete,
	write: updateVendor, drop: deleteVendor,
}

// CreateVendor adds a vendor; its name is unique in the tenant (any case).
func (s *Service) CreateVendor(ctx context.Context, n NewVendor) (Vendor, error) {
	n, err := n.normalized()
	if err != nil {
		return Vendor{}, err
	}
	return vendorRecords.create(ctx, s.db, func(tx *database.Tx) (uuid.UUID, error) {
		return insertVendor(ctx, tx, n.vendor())
	})
}

// UpdateVendor applies a patch made at a version the caller read.
func (s *Service) UpdateVendor(ctx context.Context, id uuid.UUID, p VendorPatch) (Vendor, error) {
	p, err := p.normalized()
	if err != nil {
		return Vendor{}, err
	}
	return vendorRecords.update(ctx, s.db, id, p.Version, func(v Vendor) (Vendor, error) { return p.applyTo(v), nil })
}

// DeleteVendor removes a vendor no asset refers to.
func (s *Service) DeleteVendor(ctx context.Context, id uuid.UUID) error {
	return vendorRecords.delete(ctx, s.db, id, func(_ *database.Tx, v Vendor) error {
		return hierDependants("vendor", hierBlocker{"assets", "asset", "assets", v.AssetCount})
	})
}
