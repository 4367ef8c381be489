package cmdb

import (
	"net/http"
	"slices"

	"github.com/monozu/monozu/internal/cloud/auditlog"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const assetsPath = "/api/v1/assets"

// AssetListQuery documents the query of GET /assets.
type AssetListQuery struct {
	AssetFilterQuery
	httpapi.PageQuery
}

var assetListParams = append(slices.Clone(assetFilterParams), "limit", "cursor")

// CPESuggestionQuery documents GET /assets/cpe-suggestions.
type CPESuggestionQuery struct {
	VendorID        uuid.UUID `query:"vendor_id"`
	Model           string    `query:"model"`
	FirmwareVersion string    `query:"firmware_version"`
	OS              string    `query:"os"`
}

// CPESuggestions is the body of GET /assets/cpe-suggestions.
type CPESuggestions struct {
	Items []CPESuggestion `json:"items"`
}

func (h *Handler) assetRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath, Permission: "assets.read", Tags: tags,
		Summary: "List assets",
		Description: "Keyset pages in the order of sort (name by default). Filters combine with AND; the " +
			"comma-separated values of one filter with OR. Discovered devices awaiting review are left out " +
			"unless lifecycle asks for them.",
		Query: AssetListQuery{}, Response: httpapi.Page[Asset]{}, Handler: h.listAssets})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: assetsPath, Permission: "assets.create", Tags: tags,
		Summary:     "Create an asset",
		Description: "Each VLAN's zone, when it has a site, must be in the asset's site. Refused with 403 licence_limit beyond the licence's max_assets.",
		Request:     AssetInput{}, Response: Asset{}, Status: http.StatusCreated, Idempotent: true, Handler: httpapi.Create(h.svc.CreateAsset)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath + "/export", Permission: "assets.read", Tags: tags,
		Summary: "Download the filtered assets (CSV or JSON)",
		Description: "Streams every asset the list would show for the same filters and sort. CSV uses the import " +
			"columns (GET /assets/import/template), so an export imports back unchanged; cells a spreadsheet " +
			"would run as a formula start with a single quote, which the import removes. A download that ends " +
			"without a complete body failed part-way and must not be used.",
		Query: AssetExportQuery{}, Response: "", Produces: "text/csv", Handler: h.exportAssets})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath + "/cpe-suggestions", Permission: "assets.read", Tags: tags,
		Summary:     "Suggest CPE names from a vendor, model, firmware and OS",
		Description: "Built from the vendor's CPE vendor name (else its name): the firmware as an operating system and the device as hardware, as the NVD names devices.",
		Query:       CPESuggestionQuery{}, Response: CPESuggestions{}, Handler: h.suggestCPEs})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath + "/:id", Permission: "assets.read", Tags: tags,
		Summary:     "An asset with its VLANs, relationships and the panels of other modules",
		Description: "Panels (drift, diagrams, incidents ...) are keyed by module and present once the module has something to show.",
		Response:    AssetDetail{}, Handler: httpapi.ByID("asset", h.svc.AssetDetail)})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath + "/:id/timeline", Permission: "assets.read", Tags: tags,
		Summary:     "An asset's timeline, newest first",
		Description: "Changes from the audit log (edits, imports, reviews, accepted drift) merged with what discovery observed, in keyset pages.",
		Query:       httpapi.PageQuery{}, Response: httpapi.Page[TimelineItem]{}, Handler: h.assetTimeline})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: assetsPath + "/:id", Permission: "assets.update", Tags: tags,
		Summary: "Change an asset", Description: "Send the version you read; a stale one answers 409 version_conflict. Lists replace the stored list.",
		Request: AssetPatch{}, Response: Asset{}, Handler: httpapi.ByIDWithBody("asset", h.svc.UpdateAsset)})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: assetsPath + "/:id", Permission: "assets.delete", Tags: tags,
		Summary: "Delete an asset", Description: "Its VLAN memberships, relationships, drift and discovery history go with it.",
		Status: http.StatusNoContent, Handler: httpapi.NoContentByID("asset", h.svc.DeleteAsset)})
}

func (h *Handler) listAssets(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, assetListParams)
	f, invalid := parseAssetFilter(values)
	o, badSort := parseAssetOrder(values["sort"])
	problems = append(append(problems, invalid...), badSort...)
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	var after *AssetCursor
	if page.HasCursor() {
		after = &AssetCursor{}
		value := cursorValue(o.Column)
		if err := page.After(value, &after.ID); err != nil {
			return err
		}
		after.Value = derefCursor(value)
	}
	rows, err := h.svc.ListAssets(c.Context(), f, o, after, page.Limit)
	if err != nil {
		return err
	}
	listed := httpapi.NewPage(rows, page.Limit, func(a ListedAsset) []any { return []any{a.sortKey, a.ID} })
	out := httpapi.Page[Asset]{Items: make([]Asset, len(listed.Items)), NextCursor: listed.NextCursor}
	for i, a := range listed.Items {
		out.Items[i] = a.Asset
	}
	return c.JSON(out)
}

func (h *Handler) suggestCPEs(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, []string{"vendor_id", "model", "firmware_version", "os"})
	var vendorID uuid.UUID
	if raw := values["vendor_id"]; raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			problems = append(problems, errs.Field("vendor_id", "invalid", "must be a UUID"))
		}
		vendorID = id
	}
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	items, err := h.svc.SuggestCPEs(c.Context(), vendorID, values["model"], values["firmware_version"], values["os"])
	if err != nil {
		return err
	}
	return c.JSON(CPESuggestions{Items: items})
}

func (h *Handler) assetTimeline(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "asset")
	if err != nil {
		return err
	}
	return httpapi.KeysetList(c, nil,
		func(k *auditlog.Position) []any { return []any{&k.At, &k.ID} },
		func(before *auditlog.Position, limit int) ([]TimelineItem, error) {
			return h.svc.Timeline(c.Context(), id, before, limit)
		},
		func(i TimelineItem) []any { return []any{i.At, i.ID} })
}
