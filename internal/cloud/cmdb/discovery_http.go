package cmdb

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const discoveredPath = "/api/v1/discovered"

// DiscoveredQuery documents the query of the review queue.
type DiscoveredQuery struct {
	SiteID string `query:"site_id" doc:"site ids, comma-separated"`
	Q      string `query:"q" doc:"free text: part of the name, hostname, an IP or MAC address, serial number or model"`
	httpapi.PageQuery
}

// IgnoredQuery documents the query of the ignored-device list.
type IgnoredQuery struct {
	SiteID uuid.UUID `query:"site_id" doc:"one site's ignores"`
	httpapi.PageQuery
}

func (h *Handler) discoveryRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: discoveredPath, Permission: "assets.read", Tags: tags,
		Summary: "The review queue: discovered devices awaiting review, newest first",
		Description: "Devices edge appliances saw that match no asset. Approve, merge or ignore each. They do not count " +
			"against the licence's max_assets until approved.",
		Query: DiscoveredQuery{}, Response: httpapi.Page[Asset]{}, Handler: h.discoveryHTTPList})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: discoveredPath + "/ignored", Permission: "assets.read", Tags: tags,
		Summary:     "Ignored devices, newest first",
		Description: "MAC addresses discovery never reports again (anywhere in the organisation) and, for devices without a MAC, IP addresses within a site.",
		Query:       IgnoredQuery{}, Response: httpapi.Page[IgnoredDevice]{}, Handler: h.discoveryHTTPIgnored})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: discoveredPath + "/ignored/:id", Permission: "assets.update", Tags: tags,
		Summary:     "Stop ignoring a device",
		Description: "The next sighting of the device puts it in the review queue again.",
		Status:      http.StatusNoContent, Handler: httpapi.NoContentByID("ignored device", h.svc.Unignore)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: discoveredPath + "/:id/approve", Permission: "assets.update", Tags: tags,
		Summary: "Approve a discovered device as an asset",
		Description: "The body (optional) fills gaps: name, category, type, VLANs, vendor, owner ... The asset becomes active " +
			"(or planned) and counts against max_assets (403 licence_limit beyond it). 409 not_discovered when the asset " +
			"is not awaiting review.",
		Request: DiscoveredApproval{}, Response: Asset{}, Handler: h.discoveryHTTPApprove})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: discoveredPath + "/:id/merge", Permission: "assets.update", Tags: tags,
		Summary: "Merge a discovered device into the asset it is",
		Description: "Adds the addresses the asset lacks, moves what discovery saw (observed values, first/last seen, " +
			"observation history) to it, deletes the discovered record and compares the observed values with the asset " +
			"(drift). The asset's recorded values are otherwise unchanged. into_asset_id must be a reviewed asset (422).",
		Request: DiscoveredMerge{}, Response: Asset{}, Handler: httpapi.ByIDWithBody("asset", h.svc.MergeDiscovered)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: discoveredPath + "/:id/ignore", Permission: "assets.update", Tags: tags,
		Summary:     "Ignore a discovered device",
		Description: "Deletes the discovered record; its MAC addresses (or, without one, its IP addresses in the site) are ignored from now on.",
		Status:      http.StatusNoContent, Handler: httpapi.NoContentByID("asset", h.svc.IgnoreDiscovered)})
}

func (h *Handler) discoveryHTTPList(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, []string{"site_id", "q", "limit", "cursor"})
	var siteIDs []uuid.UUID
	for _, raw := range splitList(values["site_id"]) {
		id, err := uuid.Parse(raw)
		if err != nil {
			problems = append(problems, errs.Field("site_id", "invalid", "must be UUIDs separated by commas"))
			break
		}
		siteIDs = append(siteIDs, id)
	}
	text := strings.TrimSpace(values["q"])
	if len([]rune(text)) > 200 {
		problems = append(problems, errs.Field("q", "too_long", "must be at most 200 characters"))
	}
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	var after *AssetCursor
	if page.HasCursor() {
		var at time.Time
		after = &AssetCursor{}
		if err := page.After(&at, &after.ID); err != nil {
			return err
		}
		after.Value = at
	}
	rows, err := h.svc.Discovered(c.Context(), siteIDs, text, after, page.Limit)
	if err != nil {
		return err
	}
	listed := httpapi.NewPage(rows, page.Limit, func(a ListedAsset) []any { return []any{a.CreatedAt, a.ID} })
	out := httpapi.Page[Asset]{Items: make([]Asset, len(listed.Items)), NextCursor: listed.NextCursor}
	for i, a := range listed.Items {
		out.Items[i] = a.Asset
	}
	return c.JSON(out)
}

func (h *Handler) discoveryHTTPApprove(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "asset")
	if err != nil {
		return err
	}
	var approval DiscoveredApproval
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := httpapi.DecodeJSON(c, &approval); err != nil {
			return err
		}
	}
	a, err := h.svc.ApproveDiscovered(c.Context(), id, approval)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (h *Handler) discoveryHTTPIgnored(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, []string{"site_id", "limit", "cursor"})
	var siteID uuid.UUID
	if raw := strings.TrimSpace(values["site_id"]); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			problems = append(problems, errs.Field("site_id", "invalid", "must be a UUID"))
		}
		siteID = id
	}
	return httpapi.KeysetList(c, problems,
		func(k *discoveryIgnoredKey) []any { return []any{&k.At, &k.ID} },
		func(after *discoveryIgnoredKey, limit int) ([]IgnoredDevice, error) {
			return h.svc.IgnoredDevices(c.Context(), siteID, after, limit)
		},
		func(d IgnoredDevice) []any { return []any{d.IgnoredAt, d.ID} })
}
