package edge

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/licensing"
	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// ProvisioningKeyHeader may carry the registration key instead of the body.
const ProvisioningKeyHeader = "X-Provisioning-Key"

// Limits of the facts a device registers with, as edge_devices checks them.
const (
	maxDeviceName     = 200
	maxDeviceLocation = 500
	maxHostname       = 253
	maxCapabilities   = 64
)

var (
	deviceTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	versionPattern    = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$`)
	osPattern         = regexp.MustCompile(`^[a-z0-9]{1,16}$`)
	archPattern       = regexp.MustCompile(`^[a-z0-9_]{1,16}$`)
	hostnamePattern   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)
	capabilityPattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,63}$`)
	accountPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`) // as tenants checks it
)

// errInvalidRegistration is the one answer to every bad credential.
var errInvalidRegistration = errs.New(errs.KindUnauthenticated,
	"The account name or registration key is not valid, or the key can no longer be used.").WithCode("invalid_registration")

// Registration is what a device sends to join an organisation.
type Registration struct {
	AccountName     string `json:"account_name" doc:"the organisation's account name (tenant slug)"`
	RegistrationKey string `json:"registration_key,omitempty" doc:"prov_…; or send it in the X-Provisioning-Key header"`
	DeviceFacts
}

// DeviceFacts describe a registering device.
type DeviceFacts struct {
	Name         string   `json:"name"`
	Location     string   `json:"location,omitempty"`
	Type         string   `json:"type,omitempty" doc:"lowercase letters, digits, _ and -; edgezu when empty"`
	Hostname     string   `json:"hostname,omitempty"`
	AgentVersion string   `json:"agent_version,omitempty"`
	OS           string   `json:"os,omitempty" doc:"GOOS, e.g. linux"`
	Arch         string   `json:"arch,omitempty" doc:"GOARCH, e.g. arm64"`
	Capabilities []string `json:"capabilities,omitempty" doc:"at most 64, e.g. discovery, modbus"`
}

func (f DeviceFacts) normalized() (DeviceFacts, error) {
	var c errs.Checker
	c.Text("name", &f.Name, maxDeviceName, true)
	c.Text("location", &f.Location, maxDeviceLocation, false)
	f.Type = strings.TrimSpace(f.Type)
	if f.Type == "" {
		f.Type = "edgezu"
	}
	pattern := func(field string, v *string, re *regexp.Regexp, what string) {
		*v = strings.TrimSpace(*v)
		if *v != "" && !re.MatchString(*v) {
			c.Add(field, "invalid", what)
		}
	}
	pattern("type", &f.Type, deviceTypePattern, "must be 1-64 lowercase letters, digits, _ and -")
	if len(strings.TrimSpace(f.Hostname)) > maxHostname {
		c.Add("hostname", "too_long", "must be at most 253 characters")
	} else {
		pattern("hostname", &f.Hostname, hostnamePattern, "must be a host name: letters, digits, . and -")
	}
	pattern("agent_version", &f.AgentVersion, versionPattern, "must be a version such as 1.4.2 (letters, digits, . + -, at most 64)")
	pattern("os", &f.OS, osPattern, "must be 1-16 lowercase letters and digits, e.g. linux")
	pattern("arch", &f.Arch, archPattern, "must be 1-16 lowercase letters, digits and _, e.g. arm64")
	if len(f.Capabilities) > maxCapabilities {
		c.Add("capabilities", "too_many", "must list at most 64")
	}
	for i, cap := range f.Capabilities {
		field := fmt.Sprintf("capabilities[%d]", i)
		switch {
		case !capabilityPattern.MatchString(cap):
			c.Add(field, "invalid", "must be 1-64 lowercase letters, digits, _ . and -, starting with a letter")
		case slices.Contains(f.Capabilities[:i], cap):
			c.Add(field, "duplicate", "is listed twice")
		}
	}
	if f.Capabilities == nil {
		f.Capabilities = []string{}
	}
	return f, c.Err()
}

// Registered is a device's identity, returned once at registration.
type Registered struct {
	DeviceID        uuid.UUID `json:"device_id"`
	DeviceKey       string    `json:"device_key" doc:"dvc_…; send it as X-Device-Key on every device call; shown only here"`
	TenantID        uuid.UUID `json:"tenant_id"`
	IngestURL       string    `json:"ingest_url"`
	PollIntervalS   int       `json:"poll_interval_s"`
	UploadIntervalS int       `json:"upload_interval_s"`
}

// Register joins a device to the organisation its key belongs to. A wrong
// account name or key, and an expired, used-up or revoked key, all answer
// the same invalid_registration: the caller learns nothing about which.
func (s *Service) Register(ctx context.Context, key string, r Registration) (Registered, error) {
	facts, err := r.DeviceFacts.normalized()
	if err != nil {
		return Registered{}, err
	}
	account := strings.TrimSpace(r.AccountName)
	if !strings.HasPrefix(key, registrationKeyPrefix) || len(key) > maxKeyLength || !accountPattern.MatchString(account) {
		return Registered{}, errInvalidRegistration
	}
	found, err := s.lookupRegistration(ctx, account, hashKey(key))
	if err != nil {
		return Registered{}, err
	}
	now := s.nowUTC()
	ctx = auth.WithPrincipal(ctx, auth.System(found.TenantID))
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return Registered{}, err
	}
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) (Registered, error) {
		siteID, err := useRegistrationKey(ctx, tx, found.KeyID, now)
		if err != nil {
			return Registered{}, err
		}
		if err := requireActiveTenant(ctx, tx); err != nil {
			return Registered{}, err
		}
		if err := checkDeviceLimit(ctx, tx, licence); err != nil {
			return Registered{}, err
		}
		deviceKey, hash, shown := newSecretKey(deviceKeyPrefix)
		d, err := insertDevice(ctx, tx, newDevice{facts: facts, siteID: siteID, keyID: found.KeyID, hash: hash, shown: shown, at: now})
		if err != nil {
			return Registered{}, err
		}
		device := auth.Principal{Kind: auth.KindDevice, TenantID: found.TenantID, ActorID: d.ID}
		err = audit.Write(ctx, tx, audit.Record{Action: "devices.register", ResourceType: "edge_device", ResourceID: d.ID.String(),
			Summary: "Device " + facts.Name + " registered", Actor: &device, ActorLabel: facts.Name,
			Changes: map[string]audit.Change{"name": {After: facts.Name}, "registration_key_id": {After: found.KeyID},
				"site_id": {After: siteID}, "hostname": {After: facts.Hostname}, "agent_version": {After: facts.AgentVersion}}})
		return Registered{DeviceID: d.ID, DeviceKey: deviceKey, TenantID: found.TenantID, IngestURL: s.ingest,
			PollIntervalS: d.PollIntervalS, UploadIntervalS: d.UploadIntervalS}, err
	})
}

type registrationMatch struct {
	TenantID uuid.UUID `db:"tenant_id"`
	KeyID    uuid.UUID `db:"key_id"`
}

// lookupRegistration is the pre-tenant door: the allowlisted definer finds
// the tenant of an account name and key hash.
func (s *Service) lookupRegistration(ctx context.Context, account string, hash []byte) (registrationMatch, error) {
	var m registrationMatch
	err := s.db.ReadGlobal(ctx, func(tx *database.Tx) error {
		return tx.Get(ctx, &m, `SELECT tenant_id, key_id FROM edge_registration_lookup($1, $2)`, account, hash)
	})
	if errs.Is(err, errs.KindNotFound) {
		return m, errInvalidRegistration
	}
	return m, err
}

// checkDeviceLimit refuses a device beyond the licence's max_devices. The
// count is serialised per tenant by a transaction lock, so two concurrent
// registrations cannot both take the last place.
func checkDeviceLimit(ctx context.Context, tx *database.Tx, l *licensing.License) error {
	limit, ok := 0, false
	if l != nil {
		limit, ok = l.Limits["max_devices"]
	}
	if !ok {
		return nil
	}
	n, err := countDevicesLocked(ctx, tx)
	if err != nil {
		return err
	}
	if n >= limit {
		return errs.New(errs.KindPermissionDenied,
			fmt.Sprintf("The organisation's licence allows %d devices and %d are registered; deregister one or ask for a larger licence.", limit, n)).
			WithCode("licence_limit")
	}
	return nil
}
