package cmdb

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// AssetExportQuery documents GET /assets/export.
type AssetExportQuery struct {
	AssetFilterQuery
	Format string `query:"format" enum:"csv json" doc:"file format (default csv)"`
}

var assetExportParams = append(slices.Clone(assetFilterParams), "format")

func (h *Handler) exportAssets(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, assetExportParams)
	f, invalid := parseAssetFilter(values)
	o, badSort := parseAssetOrder(values["sort"])
	format := values["format"]
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		problems = append(problems, errs.Field("format", "invalid", "must be csv or json"))
	}
	if problems = append(append(problems, invalid...), badSort...); len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	contentType := "text/csv; charset=utf-8"
	if format == "json" {
		contentType = fiber.MIMEApplicationJSONCharsetUTF8
	}
	filename := fmt.Sprintf("assets-%s.%s", time.Now().UTC().Format(time.DateOnly), format)
	var vlans map[uuid.UUID]vlanPlacement
	if format == "csv" {
		var err error
		if vlans, err = h.svc.vlanNames(c.Context()); err != nil {
			return err
		}
	}
	return httpapi.SendRows(c, contentType, filename,
		func(w io.Writer) httpapi.RowEncoder[Asset] {
			if format == "json" {
				return httpapi.NewJSONRows[Asset](w)
			}
			return httpapi.NewCSVRows(w, assetCSVColumns, func(a Asset) []string { return assetCSVRecord(a, vlans) })
		},
		func(ctx context.Context, emit func(Asset) error) error { return h.svc.ExportAssets(ctx, f, o, emit) })
}
