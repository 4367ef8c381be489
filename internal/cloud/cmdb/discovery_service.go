package cmdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/audit"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/events"
)

var errDiscoveryNotPending = errs.New(errs.KindConflict,
	"This asset is not a discovered device awaiting review.").WithCode("not_discovered")

// deviceDiscoveredPayload is the payload of cmdb.device_discovered.
type deviceDiscoveredPayload struct {
	AssetID  uuid.UUID `json:"asset_id"`
	SiteID   uuid.UUID `json:"site_id"`
	IP       string    `json:"ip"`
	MAC      string    `json:"mac"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
}

// discoveryItem is a valid observation with its index in the call.
type discoveryItem struct {
	index int
	o     Observation
}

// Reconcile applies what an edge device of a site observed, in one tenant
// transaction (the tenant of the principal on ctx). Each observation is
// matched to an asset by MAC address (the site's first, else anywhere in
// the organisation), else by IP address within the site; a match records
// the sighting and opens drift where a recorded value differs, anything
// else becomes a discovered device in the review queue. Ignored devices
// are counted and left alone. Invalid observations are reported by index
// and the rest applied; an unknown site is a not-found error.
func (s *Service) Reconcile(ctx context.Context, siteID uuid.UUID, deviceID uuid.UUID, observed []Observation) (ReconcileResult, error) {
	result := ReconcileResult{Errors: []ReconcileError{}}
	if len(observed) > MaxObservationsPerCall {
		return result, errs.New(errs.KindTooLarge,
			fmt.Sprintf("At most %d observations per call; this one has %d.", MaxObservationsPerCall, len(observed))).WithCode("too_many_observations")
	}
	now := s.now().UTC()
	items := make([]discoveryItem, 0, len(observed))
	for i, o := range observed {
		n, problems := o.normalized(now)
		for _, p := range problems {
			result.Errors = append(result.Errors, ReconcileError{Index: i, Field: p.Field, Message: p.Message})
		}
		if len(problems) == 0 {
			items = append(items, discoveryItem{index: i, o: n})
		}
	}
	// Oldest first, so a batch's later sighting of a device is its latest.
	slices.SortStableFunc(items, func(a, b discoveryItem) int { return a.o.ObservedAt.Compare(b.o.ObservedAt) })
	var counts ReconcileResult
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		counts = ReconcileResult{} // a retried transaction counts again
		if err := discoverySiteExists(ctx, tx, siteID); err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		if err := discoveryLock(ctx, tx); err != nil {
			return err
		}
		b, err := newDiscoveryBatch(ctx, tx, siteID, deviceID, items, &counts)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := b.reconcile(ctx, tx, it.o); err != nil {
				return fmt.Errorf("observation %d: %w", it.index, err)
			}
		}
		return b.flush(ctx, tx)
	})
	if err != nil {
		return result, err
	}
	counts.Errors = result.Errors
	return counts, nil
}

// discoveryBatch is one Reconcile call in its transaction. It reads what
// its observations may match at once (locking those assets), applies the
// sightings in memory, and writes them back in one statement each for
// the assets and their observation history; creations, fills of
// discovered devices and drift are written as they happen.
type discoveryBatch struct {
	siteID, deviceID uuid.UUID
	ignored          discoveryIgnoredSet
	targets          []*discoveryTarget
	byMAC            map[string][]*discoveryTarget
	byIP             map[string][]*discoveryTarget // the site's assets only
	openDrift        map[uuid.UUID]map[string]uuid.UUID
	observations     []discoveryObservationRow
	names            map[string]bool       // the site's asset names (lower case), read on the first creation
	vendors          map[string]*uuid.UUID // vendor ids by lower-case name, nil when none
	result           *ReconcileResult
}

func newDiscoveryBatch(ctx context.Context, tx *database.Tx, siteID, deviceID uuid.UUID, items []discoveryItem,
	result *ReconcileResult) (*discoveryBatch, error) {
	var macs, ips, unnamedIPs []string
	for _, it := range items {
		if it.o.MAC != "" {
			macs = append(macs, it.o.MAC)
		} else {
			unnamedIPs = append(unnamedIPs, it.o.IP)
		}
		if it.o.IP != "" {
			ips = append(ips, it.o.IP)
		}
	}
	b := &discoveryBatch{siteID: siteID, deviceID: deviceID, byMAC: map[string][]*discoveryTarget{},
		byIP: map[string][]*discoveryTarget{}, vendors: map[string]*uuid.UUID{}, result: result}
	var err error
	if b.ignored, err = discoveryLoadIgnored(ctx, tx, siteID, macs, unnamedIPs); err != nil {
		return nil, err
	}
	targets, err := discoveryLoadTargets(ctx, tx, siteID, macs, ips)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(targets))
	for i, t := range targets {
		ids[i] = t.ID
		b.index(t)
	}
	if b.openDrift, err = driftOpenOf(ctx, tx, ids); err != nil {
		return nil, err
	}
	return b, nil
}

// index makes a target findable by its addresses (IPs within the site).
func (b *discoveryBatch) index(t *discoveryTarget) {
	if !slices.Contains(b.targets, t) {
		b.targets = append(b.targets, t)
	}
	for _, mac := range t.MACs.V {
		if !slices.Contains(b.byMAC[mac], t) {
			b.byMAC[mac] = append(b.byMAC[mac], t)
		}
	}
	if t.SiteID != b.siteID {
		return
	}
	for _, ip := range t.IPs.V {
		if !slices.Contains(b.byIP[ip], t) {
			b.byIP[ip] = append(b.byIP[ip], t)
		}
	}
}

// discoveryPreferred orders the assets one address matches: the site's
// first, reviewed before discovered, then the oldest.
func discoveryPreferred(a, b *discoveryTarget, siteID uuid.UUID) bool {
	if (a.SiteID == siteID) != (b.SiteID == siteID) {
		return a.SiteID == siteID
	}
	if da, db := a.Lifecycle == LifecycleDiscovered, b.Lifecycle == LifecycleDiscovered; da != db {
		return !da
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID.String() < b.ID.String()
}

// match finds the asset an observation is of: by MAC (the site's first,
// else anywhere in the organisation — MACs are globally unique), else by
// IP within the site. An observation that carries a MAC matches by IP only
// assets without MAC addresses: an asset recorded with another MAC is
// another device that had (or will have) the address.
func (b *discoveryBatch) match(o Observation) *discoveryTarget {
	var best *discoveryTarget
	pick := func(t *discoveryTarget) {
		if best == nil || discoveryPreferred(t, best, b.siteID) {
			best = t
		}
	}
	if o.MAC != "" {
		for _, t := range b.byMAC[o.MAC] {
			pick(t)
		}
		if best != nil {
			return best
		}
	}
	if o.IP != "" {
		for _, t := range b.byIP[o.IP] {
			if o.MAC == "" || len(t.MACs.V) == 0 {
				pick(t)
			}
		}
	}
	return best
}

func (b *discoveryBatch) vendor(ctx context.Context, tx *database.Tx, name string) (*uuid.UUID, error) {
	key := strings.ToLower(name)
	if id, ok := b.vendors[key]; ok {
		return id, nil
	}
	id, err := discoveryVendorByName(ctx, tx, name)
	if err == nil {
		b.vendors[key] = id
	}
	return id, err
}

func (b *discoveryBatch) reconcile(ctx context.Context, tx *database.Tx, o Observation) error {
	r := b.result
	if (o.MAC != "" && b.ignored.macs[o.MAC]) || (o.MAC == "" && b.ignored.ips[o.IP]) {
		r.Ignored++
		return nil
	}
	t := b.match(o)
	if t == nil {
		r.Created++
		return b.create(ctx, tx, o)
	}
	r.Matched++
	opened, err := b.apply(ctx, tx, t, o)
	r.DriftOpened += opened
	return err
}

// create records an unknown device as a discovered asset, its fields
// filled from what was observed (nobody entered them).
func (b *discoveryBatch) create(ctx context.Context, tx *database.Tx, o Observation) error {
	if b.names == nil {
		var err error
		if b.names, err = discoveryNames(ctx, tx, b.siteID); err != nil {
			return err
		}
	}
	category, typ := discoveryGuessKind(o)
	name := discoveryFreeName(b.names, discoveryGuessName(o))
	vendorID, err := b.vendor(ctx, tx, o.Vendor)
	if err != nil {
		return err
	}
	in := AssetInput{Name: name, Category: category, Type: typ, SiteID: b.siteID, Hostname: o.hostnameForAsset(),
		VendorID: vendorID, Model: o.Model, SerialNumber: o.SerialNumber, FirmwareVersion: o.FirmwareVersion,
		Lifecycle: LifecycleDiscovered}
	if o.IP != "" {
		in.IPAddresses = []string{o.IP}
	}
	if o.MAC != "" {
		in.MACAddresses = []string{o.MAC}
	}
	if in, err = in.normalized(true); err != nil {
		return err
	}
	id, err := insertAsset(ctx, tx, in, SourceDiscovery)
	if err != nil {
		return err
	}
	b.names[strings.ToLower(in.Name)] = true
	t := &discoveryTarget{ID: id, SiteID: b.siteID, Lifecycle: LifecycleDiscovered, Hostname: in.Hostname, Model: in.Model,
		SerialNumber: in.SerialNumber, FirmwareVersion: in.FirmwareVersion, HasVendor: vendorID != nil, CreatedAt: time.Now()}
	t.IPs.V, t.MACs.V = in.IPAddresses, in.MACAddresses
	t.Observed.V = discoveryMergeObserved(nil, o)
	t.sighted(o.ObservedAt)
	b.index(t)
	b.openDrift[id] = map[string]uuid.UUID{}
	b.observations = append(b.observations, discoveryObservationRow{assetID: id, at: o.ObservedAt, attrs: discoveryAttributes(t.Observed.V)})
	return events.Publish(ctx, tx, events.Event{Type: EventDeviceDiscovered, AggregateType: "asset", AggregateID: id,
		Payload: deviceDiscoveredPayload{AssetID: id, SiteID: b.siteID, IP: o.IP, MAC: o.MAC, Name: in.Name, Category: category}})
}

// apply records a sighting of a known asset and returns how many drift
// records it opened. A sighting older than the asset's last one only
// moves first_seen back. Values people entered are never written: only a
// discovered device's own values follow what is observed.
func (b *discoveryBatch) apply(ctx context.Context, tx *database.Tx, t *discoveryTarget, o Observation) (int, error) {
	if t.LastSeen != nil && o.ObservedAt.Before(*t.LastSeen) {
		t.sighted(o.ObservedAt)
		return 0, nil
	}
	previous := t.Observed.V
	t.Observed.V = discoveryMergeObserved(previous, o)
	t.sighted(o.ObservedAt)
	if discoveryChanged(previous, t.Observed.V) {
		b.observations = append(b.observations, discoveryObservationRow{assetID: t.ID, at: o.ObservedAt, attrs: discoveryAttributes(t.Observed.V)})
	}
	discovered := t.Lifecycle == LifecycleDiscovered
	intended := t.intended()
	fills := map[string]string{}
	drifting := map[string]string{}
	for field, value := range o.discoveryCompared() {
		switch discoveryFieldRule(discovered, intended[field], discoveryObservedString(previous, field), value) {
		case discoveryFill:
			fills[field] = value
		case discoveryDrift:
			drifting[field] = value
		}
	}
	if discovered {
		if err := b.fill(ctx, tx, t, fills, o); err != nil {
			return 0, err
		}
	}
	if len(drifting) == 0 {
		return 0, nil
	}
	if b.openDrift[t.ID] == nil {
		b.openDrift[t.ID] = map[string]uuid.UUID{}
	}
	return driftReconcile(ctx, tx, t.ID, t.SiteID, intended, drifting, b.openDrift[t.ID], o.ObservedAt)
}

// fill writes what discovery saw into a device nobody reviewed: the
// compared fields it owns, its first MAC, new IP addresses and the vendor
// of the observed name. What the asset cannot hold stays in the observed
// values only.
func (b *discoveryBatch) fill(ctx context.Context, tx *database.Tx, t *discoveryTarget, fills map[string]string, o Observation) error {
	need := len(fills) > 0 || (o.MAC != "" && len(t.MACs.V) == 0) ||
		(o.IP != "" && !slices.Contains(t.IPs.V, o.IP) && len(t.IPs.V) < maxAssetList)
	if !need && !t.HasVendor && o.Vendor != "" {
		id, err := b.vendor(ctx, tx, o.Vendor)
		if err != nil {
			return err
		}
		need = id != nil
	}
	if !need {
		return nil
	}
	a, err := assetByID(ctx, tx, t.ID, true)
	if err != nil {
		return err
	}
	in := inputOf(a)
	for field, value := range fills {
		setIntendedValue(&in, field, value)
	}
	if o.MAC != "" && len(in.MACAddresses) == 0 {
		in.MACAddresses = []string{o.MAC}
	}
	if o.IP != "" && !slices.Contains(in.IPAddresses, o.IP) && len(in.IPAddresses) < maxAssetList {
		in.IPAddresses = append(slices.Clone(in.IPAddresses), o.IP)
	}
	if in.VendorID == nil && o.Vendor != "" {
		if in.VendorID, err = b.vendor(ctx, tx, o.Vendor); err != nil {
			return err
		}
	}
	norm, err := in.normalized(true)
	if err != nil {
		return nil // what the asset cannot hold stays in the observed values
	}
	if len(assetChanges(inputOf(a), norm)) == 0 {
		return nil
	}
	if err := updateAsset(ctx, tx, t.ID, norm); err != nil {
		return err
	}
	t.Hostname, t.Model, t.SerialNumber, t.FirmwareVersion = norm.Hostname, norm.Model, norm.SerialNumber, norm.FirmwareVersion
	t.IPs.V, t.MACs.V, t.HasVendor = norm.IPAddresses, norm.MACAddresses, norm.VendorID != nil
	b.index(t)
	return nil
}

// flush writes the batch's sightings and observation history.
func (b *discoveryBatch) flush(ctx context.Context, tx *database.Tx) error {
	if err := discoveryFlushSeen(ctx, tx, b.targets); err != nil {
		return err
	}
	return discoveryInsertObservations(ctx, tx, b.deviceID, b.observations)
}

// discoveredOrder is the review queue's order: newest first.
var discoveredOrder = AssetOrder{Column: "created_at", Desc: true}

// Discovered reads up to limit+1 devices of the review queue past after
// (nil for the first page), newest first; siteIDs and text filter as in
// the asset list.
func (s *Service) Discovered(ctx context.Context, siteIDs []uuid.UUID, text string, after *AssetCursor, limit int) ([]ListedAsset, error) {
	f := AssetFilter{SiteIDs: siteIDs, Lifecycles: []string{LifecycleDiscovered}, Text: text}
	return s.ListAssets(ctx, f, discoveredOrder, after, limit)
}

// discoveryPending locks an asset of the review queue.
func discoveryPending(ctx context.Context, tx *database.Tx, id uuid.UUID) (Asset, error) {
	a, err := assetByID(ctx, tx, id, true)
	if err != nil {
		return Asset{}, err
	}
	if a.Lifecycle != LifecycleDiscovered {
		return Asset{}, errDiscoveryNotPending
	}
	return a, nil
}

// ApproveDiscovered makes a discovered device a managed asset (active, or
// planned), with the gaps the approval fills. It then counts against the
// licence's max_assets. Its source stays discovery.
func (s *Service) ApproveDiscovered(ctx context.Context, id uuid.UUID, approval DiscoveredApproval) (Asset, error) {
	p, err := approval.patch()
	if err != nil {
		return Asset{}, err
	}
	licence, err := s.licences.Current(ctx)
	if err != nil {
		return Asset{}, err
	}
	var a Asset
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		before, err := discoveryPending(ctx, tx, id)
		if err != nil {
			return err
		}
		if approval.Version != 0 && approval.Version != before.Version {
			return errAssetVersionConflict
		}
		in, err := p.applyTo(inputOf(before)).normalized(false)
		if err != nil {
			return err
		}
		if err := checkAssetRefs(ctx, tx, in); err != nil {
			return err
		}
		if err := checkAssetLimit(ctx, tx, licence, 1); err != nil {
			return err
		}
		if err := updateAsset(ctx, tx, id, in); err != nil {
			return err
		}
		if a, err = assetByID(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.approve", ResourceType: "asset", ResourceID: id.String(),
			Summary: "Discovered device " + a.Name + " approved as " + a.Lifecycle, Changes: assetChanges(inputOf(before), in)})
	})
	return a, err
}

// MergeDiscovered folds a discovered device into the asset it turned out
// to be: the addresses the asset lacks are added (filling a gap, not
// overwriting), the observed values, first/last seen and observation
// history move over, the discovered record is deleted, and the merged
// observed values are compared with the asset (drift).
func (s *Service) MergeDiscovered(ctx context.Context, id uuid.UUID, m DiscoveredMerge) (Asset, error) {
	if m.IntoAssetID == uuid.Nil {
		return Asset{}, errs.Invalid(errs.Field("into_asset_id", "required", "is required"))
	}
	var out Asset
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		if err := discoveryLock(ctx, tx); err != nil {
			return err
		}
		d, err := discoveryPending(ctx, tx, id)
		if err != nil {
			return err
		}
		if m.IntoAssetID == id {
			return errs.Invalid(errs.Field("into_asset_id", "invalid", "is the discovered device itself"))
		}
		target, err := assetByID(ctx, tx, m.IntoAssetID, true)
		if errs.Is(err, errs.KindNotFound) {
			return errs.Invalid(errs.Field("into_asset_id", "not_found", "no such asset"))
		}
		if err != nil {
			return err
		}
		if target.Lifecycle == LifecycleDiscovered {
			return errs.Invalid(errs.Field("into_asset_id", "invalid", "is itself awaiting review; merge into a reviewed asset"))
		}
		before := inputOf(target)
		in := inputOf(target)
		var addedMACs, addedIPs bool
		in.MACAddresses, addedMACs = discoveryAddAddresses(in.MACAddresses, d.MACAddresses)
		in.IPAddresses, addedIPs = discoveryAddAddresses(in.IPAddresses, d.IPAddresses)
		if addedMACs || addedIPs {
			if in, err = in.normalized(false); err != nil {
				return err
			}
			if err := updateAsset(ctx, tx, target.ID, in); err != nil {
				return err
			}
		}
		observed := discoveryMergedSets(d.Observed, target.Observed)
		if d.LastSeen != nil && (target.LastSeen == nil || d.LastSeen.After(*target.LastSeen)) {
			observed = discoveryMergedSets(target.Observed, d.Observed)
		}
		if err := discoverySetSeen(ctx, tx, target.ID, observed, d.FirstSeen, d.LastSeen); err != nil {
			return err
		}
		if err := discoveryMoveObservations(ctx, tx, d.ID, target.ID); err != nil {
			return err
		}
		if err := deleteAsset(ctx, tx, d.ID); err != nil {
			return err
		}
		if out, err = assetByID(ctx, tx, target.ID, false); err != nil {
			return err
		}
		open, err := driftOpenOf(ctx, tx, []uuid.UUID{out.ID})
		if err != nil {
			return err
		}
		if open[out.ID] == nil {
			open[out.ID] = map[string]uuid.UUID{}
		}
		intended, drifting := map[string]string{}, map[string]string{}
		for _, field := range driftFields {
			intended[field] = intendedValue(in, field)
			value := discoveryObservedString(out.Observed, field)
			if field == "hostname" && !validHostname(value) {
				continue
			}
			if discoveryFieldRule(false, intended[field], "", value) == discoveryDrift {
				drifting[field] = value
			}
		}
		at := s.now()
		if out.LastSeen != nil {
			at = *out.LastSeen
		}
		if _, err := driftReconcile(ctx, tx, out.ID, out.SiteID, intended, drifting, open[out.ID], at); err != nil {
			return err
		}
		changes := assetChanges(before, in)
		changes["merged_device"] = audit.Change{Before: d.Name + " (" + d.ID.String() + ")"}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.merge", ResourceType: "asset", ResourceID: target.ID.String(),
			Summary: "Discovered device " + d.Name + " merged into " + out.Name, Changes: changes})
	})
	return out, err
}

// IgnoreDiscovered drops a discovered device and keeps discovery from
// reporting it again: its MAC addresses are ignored everywhere in the
// organisation, or, without one, its IP addresses within its site.
func (s *Service) IgnoreDiscovered(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		if err := discoveryLock(ctx, tx); err != nil {
			return err
		}
		d, err := discoveryPending(ctx, tx, id)
		if err != nil {
			return err
		}
		by := driftActor(ctx)
		what := ""
		if len(d.MACAddresses) > 0 {
			var ip *string
			if len(d.IPAddresses) > 0 {
				ip = &d.IPAddresses[0]
			}
			for _, mac := range d.MACAddresses {
				if err := discoveryIgnoreMAC(ctx, tx, d.SiteID, mac, ip, by); err != nil {
					return err
				}
			}
			what = "MAC " + strings.Join(d.MACAddresses, ", ")
		} else {
			for _, ip := range d.IPAddresses {
				if err := discoveryIgnoreIP(ctx, tx, d.SiteID, ip, by); err != nil {
					return err
				}
			}
			what = "IP " + strings.Join(d.IPAddresses, ", ") + " in " + d.SiteName
		}
		if err := deleteAsset(ctx, tx, d.ID); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.ignore", ResourceType: "asset", ResourceID: d.ID.String(),
			Summary: "Discovered device " + d.Name + " ignored (" + what + ")", Changes: assetChanges(inputOf(d), AssetInput{})})
	})
}

// IgnoredDevices reads up to limit+1 ignored devices past after, newest
// first, of one site when siteID is set.
func (s *Service) IgnoredDevices(ctx context.Context, siteID uuid.UUID, after *discoveryIgnoredKey, limit int) ([]IgnoredDevice, error) {
	return database.InTenantResult(ctx, s.db, func(tx *database.Tx) ([]IgnoredDevice, error) {
		return discoveryListIgnored(ctx, tx, siteID, after, limit)
	})
}

// Unignore lets discovery report an ignored device again (as a new
// discovered device the next time it is seen).
func (s *Service) Unignore(ctx context.Context, id uuid.UUID) error {
	return s.db.InTenant(ctx, func(tx *database.Tx) error {
		d, err := discoveryDeleteIgnored(ctx, tx, id)
		if err != nil {
			return err
		}
		what := "MAC " + d.MAC
		if d.MAC == "" {
			what = "IP " + d.IP + " in " + d.SiteName
		}
		return audit.Write(ctx, tx, audit.Record{Action: "assets.unignore", ResourceType: "discovery_ignore", ResourceID: id.String(),
			Summary: "Discovery reports " + what + " again"})
	})
}
