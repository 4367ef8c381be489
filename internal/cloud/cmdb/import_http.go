package cmdb

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

const importsPath = "/api/v1/imports"

// ImportQuery documents the query of POST /assets/import.
type ImportQuery struct {
	DryRun string `query:"dry_run" enum:"true false" doc:"true (the default) checks the file and answers its report; false imports it in the background (202)"`
}

// ImportUpload documents the multipart body of POST /assets/import.
type ImportUpload struct {
	File   []byte `json:"file" doc:"the CSV file: UTF-8, comma-separated, header row first; at most 20 MiB and 50,000 asset rows"`
	DryRun string `json:"dry_run,omitempty" enum:"true false" doc:"as the query parameter (either may be used)"`
}

// ImportStarted answers a real import: poll GET /imports/{import_id}.
type ImportStarted struct {
	ImportID uuid.UUID `json:"import_id"`
}

func (h *Handler) importRoutes(s *httpapi.Server) {
	tags := []string{"cmdb"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: assetsPath + "/import/template", Permission: "assets.read", Tags: tags,
		Summary: "Download the asset import template (CSV header row)",
		Description: "The header row of every importable column, no example rows. Required columns: name, category, type, " +
			"site. id, when filled, names the asset to update; else site + name do (an existing asset is updated, " +
			"otherwise one is created). site and vendor are names; vlans is site/zone/number (//20 is VLAN 20 without " +
			"a zone, /zone/20 a zone without site); list cells (vlans, ip_addresses, mac_addresses, cpe, tags) are " +
			"separated by ';'. Columns may come in any order; an export (GET /assets/export) imports as it is, its " +
			"source, first_seen and last_seen columns being ignored.",
		Response: "", Produces: "text/csv", Handler: h.importTemplate})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: assetsPath + "/import", Permission: "assets.create", Tags: tags,
		Summary: "Import assets from a CSV file (dry run by default)",
		Description: "multipart/form-data with the file in the field file. With dry_run=true (the default) nothing is " +
			"written: the answer (200) is the report — would_create, would_update, unchanged and each row's errors " +
			"with its row number (the header is row 1) and column. With dry_run=false the file is stored and " +
			"imported by a background job: the answer is 202 {import_id}; GET /imports/{id} shows its progress and " +
			"result. The import is all or nothing: one bad row and no asset is written. Rows naming existing assets " +
			"also need assets.update. Problems with the file as a whole answer 422 import_file_invalid (empty, not " +
			"UTF-8, not CSV, unknown or missing columns), 413 beyond 20 MiB or 50,000 rows, " +
			"415 when the body is not multipart/form-data.",
		Query: ImportQuery{}, Request: ImportUpload{}, Consumes: "multipart/form-data", BodyLimit: importMaxBytes + importFormOverhead,
		Response: ImportReport{}, Handler: h.importAssets})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: importsPath, Permission: "assets.read", Tags: tags,
		Summary:     "List asset imports, newest first",
		Description: "Without their row errors (error_count tells how many are listed on the import).",
		Query:       httpapi.PageQuery{}, Response: httpapi.Page[AssetImportSummary]{}, Handler: h.listImports})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: importsPath + "/:id", Permission: "assets.read", Tags: tags,
		Summary: "An asset import: status, progress and result report",
		Description: "status queued → running → succeeded or failed. rows_done / total_rows is the progress while " +
			"running. A failed import wrote nothing; errors lists the rows at fault (the first 1,000), message says why.",
		Response: AssetImport{}, Handler: httpapi.ByID("import", h.svc.Import)})
}

func (h *Handler) importTemplate(c fiber.Ctx) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(importTemplateColumns()); err != nil {
		return err
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="assets-import-template.csv"`)
	return c.Send(b.Bytes())
}

func (h *Handler) importAssets(c fiber.Ctx) error {
	values, problems := httpapi.StrictQuery(c, []string{"dry_run"})
	if len(problems) > 0 {
		return errs.Invalid(problems...)
	}
	form, err := httpapi.MultipartForm(c, "Send the file as multipart/form-data, in the field file.")
	if err != nil {
		return err
	}
	dryRun, err := importDryRun(values["dry_run"], form.Value["dry_run"])
	if err != nil {
		return err
	}
	files := form.File["file"]
	switch {
	case len(files) == 0:
		return errs.Invalid(errs.Field("file", "required", "send the CSV file in the form field file"))
	case len(files) > 1:
		return errs.Invalid(errs.Field("file", "repeated", "send one file per import"))
	case files[0].Size > importMaxBytes:
		return importTooLarge()
	}
	f, err := files[0].Open()
	if err != nil {
		return errs.Wrap(errs.KindBadRequest, "The uploaded file cannot be read.", err).WithCode("malformed_multipart")
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, importMaxBytes+1))
	if err != nil {
		return errs.Wrap(errs.KindBadRequest, "The uploaded file cannot be read.", err).WithCode("malformed_multipart")
	}
	if len(data) > importMaxBytes {
		return importTooLarge()
	}
	mayUpdate := httpapi.Allowed(c, "assets.update")
	if dryRun {
		report, err := h.svc.DryRunImport(c.Context(), data, mayUpdate)
		if err != nil {
			return err
		}
		return c.JSON(report)
	}
	id, err := h.svc.StartImport(c.Context(), strings.Clone(files[0].Filename), data, mayUpdate)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, importsPath+"/"+id.String())
	return c.Status(http.StatusAccepted).JSON(ImportStarted{ImportID: id})
}

// importDryRun reads dry_run from the query or the form (true when
// neither has it); given in both, they must agree.
func importDryRun(query string, form []string) (bool, error) {
	bad := errs.Invalid(errs.Field("dry_run", "invalid", "must be true or false"))
	values := form
	if query != "" {
		values = append([]string{query}, form...)
	}
	dryRun, seen := true, false
	for _, v := range values {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return false, bad
		}
		if seen && b != dryRun {
			return false, errs.Invalid(errs.Field("dry_run", "conflicting", "is given twice with different values"))
		}
		dryRun, seen = b, true
	}
	return dryRun, nil
}

func importTooLarge() error {
	return errs.New(errs.KindTooLarge, fmt.Sprintf("The file is larger than %d MiB; split it into smaller files.", importMaxBytes>>20)).
		WithCode("file_too_large")
}

func (h *Handler) listImports(c fiber.Ctx) error {
	return httpapi.KeysetList(c, nil,
		func(k *importKey) []any { return []any{&k.CreatedAt, &k.ID} },
		func(after *importKey, limit int) ([]AssetImportSummary, error) {
			return h.svc.Imports(c.Context(), after, limit)
		},
		func(i AssetImportSummary) []any { return []any{i.CreatedAt, i.ID} })
}
