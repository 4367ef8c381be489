package cmdb

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/httpapi"
)

// The asset CSV import (spec 30): a file is read into a sheet
// (parseImportSheet: file-level problems answer at once), every row is
// resolved against the tenant's sites, VLANs, vendors and assets into an
// AssetInput and validated (planImport), and only a file without a single
// row error is applied — all of it in one transaction. Everything here is
// pure; import_service.go loads what it needs and writes.

// Limits of one import file.
const (
	importMaxRows  = 50_000
	importMaxBytes = 20 << 20
	// importFormOverhead is room for the multipart envelope around the file.
	importFormOverhead = 64 << 10
	importMaxErrors    = 1_000 // errors a report lists; error_count tells them all
)

// Import statuses, as asset_imports stores them.
const (
	importQueued    = "queued"
	importRunning   = "running"
	importSucceeded = "succeeded"
	importFailed    = "failed"
)

// ImportError is one problem of one row of an import file.
type ImportError struct {
	Row     int    `json:"row" doc:"the row as a spreadsheet numbers it: the header is row 1, the first asset row 2"`
	Column  string `json:"column" doc:"the CSV column at fault; empty when the row as a whole is"`
	Code    string `json:"code" doc:"stable machine code: required, invalid, unknown, other_site, taken, duplicate, ..."`
	Message string `json:"message"`
}

// csvIgnoredColumns come from exports and are not imported: discovery sets
// first_seen and last_seen, and the import sets source.
var csvIgnoredColumns = []string{"source", "first_seen", "last_seen"}

// csvRequiredColumns must be in every file's header.
var csvRequiredColumns = []string{"name", "category", "type", "site"}

// importTemplateColumns are the template's header: every importable column
// of assetCSVColumns, in the export's order.
func importTemplateColumns() []string {
	var out []string
	for _, c := range assetCSVColumns {
		if !slices.Contains(csvIgnoredColumns, c) {
			out = append(out, c)
		}
	}
	return out
}

// importSheet is a file read as CSV: its header and its non-blank rows.
type importSheet struct {
	columns []string
	index   map[string]int
	rows    []importRow
}

// importRow is one data row; cells is nil when err says why it is unusable.
type importRow struct {
	num   int
	cells []string
	err   *ImportError
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// csvFileError is a problem with the file as a whole, which no row
// report can express: it answers 422 (413 for size) before any row is
// looked at.
func csvFileError(code, message string) error {
	e := errs.Invalid(errs.Field("file", code, message))
	e.Message = "The file cannot be imported: " + message
	return e.WithCode("import_file_invalid")
}

func csvTooManyRows() error {
	return errs.New(errs.KindTooLarge, fmt.Sprintf("The file has more than %d asset rows; split it into files of at most %d rows.",
		importMaxRows, importMaxRows)).WithCode("too_many_rows")
}

// parseImportSheet reads a CSV file: UTF-8 (a byte-order mark is dropped),
// comma-separated (semicolons when the header has no comma but a
// semicolon), header row first, fully blank rows skipped. Problems with
// the file as a whole — empty, not text, unreadable CSV, a bad header,
// too many rows — are errors; rows with the wrong number of cells carry
// their error and the rest of the file is still read.
func parseImportSheet(data []byte) (importSheet, error) {
	var s importSheet
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return s, csvFileError("empty", "the file is empty; it needs at least the header row")
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return s, csvFileError("not_text", "the file is not UTF-8 text; save it as CSV (UTF-8)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvDelimiter(data)
	r.FieldsPerRecord = -1 // counted here, so a ragged row is one row's error
	header, err := r.Read()
	if err != nil {
		return s, csvReadError(1, err)
	}
	if err := s.setHeader(header, r.Comma); err != nil {
		return s, err
	}
	for num := 2; ; num++ {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, csvReadError(num, err)
		}
		if csvBlank(record) {
			continue
		}
		if len(s.rows) == importMaxRows {
			return s, csvTooManyRows()
		}
		row := importRow{num: num, cells: record}
		if len(record) != len(s.columns) {
			row.cells = nil
			row.err = &ImportError{Row: num, Code: "cell_count",
				Message: fmt.Sprintf("the row has %d cells and the header %d", len(record), len(s.columns))}
		}
		s.rows = append(s.rows, row)
	}
	return s, nil
}

func (s *importSheet) setHeader(header []string, comma rune) error {
	s.columns = make([]string, len(header))
	s.index = map[string]int{}
	var unknown, repeated []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(httpapi.FromSpreadsheetSafe(h)))
		s.columns[i] = name
		switch {
		case name == "":
			return csvFileError("header_invalid", fmt.Sprintf("column %d of the header row has no name", i+1))
		case !slices.Contains(assetCSVColumns, name):
			unknown = append(unknown, strconv.Quote(clipText(name, 40)))
		case s.has(name):
			repeated = append(repeated, name)
		}
		s.index[name] = i
	}
	var missing []string
	for _, c := range csvRequiredColumns {
		if !s.has(c) {
			missing = append(missing, c)
		}
	}
	var problems []errs.FieldError
	if len(unknown) > 0 {
		problems = append(problems, errs.Field("file", "unknown_columns",
			"unknown columns "+strings.Join(unknown, ", ")+"; the columns are "+strings.Join(importTemplateColumns(), ", ")))
	}
	if len(repeated) > 0 {
		problems = append(problems, errs.Field("file", "repeated_columns", "columns given twice: "+strings.Join(repeated, ", ")))
	}
	if len(missing) > 0 {
		msg := "required columns missing: " + strings.Join(missing, ", ")
		if len(header) == 1 && comma == ',' && strings.Contains(header[0], ";") {
			msg += " (the header has one column: separate columns by commas)"
		}
		problems = append(problems, errs.Field("file", "missing_columns", msg))
	}
	if len(problems) > 0 {
		e := errs.Invalid(problems...)
		e.Message = "The file's header row cannot be imported: " + problems[0].Message
		return e.WithCode("import_file_invalid")
	}
	return nil
}

func (s importSheet) has(column string) bool {
	_, ok := s.index[column]
	return ok
}

// cell is the row's value in column (the quote an export puts before
// formula-like cells removed), and whether the file has that column.
func (s importSheet) cell(r importRow, column string) (string, bool) {
	i, ok := s.index[column]
	if !ok || r.cells == nil {
		return "", false
	}
	return httpapi.FromSpreadsheetSafe(r.cells[i]), true
}

// csvDelimiter is ';' when the first line has semicolons and no comma (a
// spreadsheet in a locale with decimal commas), ',' otherwise.
func csvDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, ';') {
		return ';'
	}
	return ','
}

func csvReadError(row int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return csvFileError("malformed_csv", fmt.Sprintf("row %d (line %d, character %d) is not valid CSV: %v; "+
			"quote cells that contain quotes, separators or line breaks, and double the quotes inside them", row, pe.Line, pe.Column, pe.Err))
	}
	return csvFileError("malformed_csv", fmt.Sprintf("row %d cannot be read as CSV", row))
}

func csvBlank(record []string) bool {
	for _, c := range record {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// importVLANKey names a VLAN the way a CSV cell does: site and zone names
// (lower-cased, empty when the VLAN has no zone or its zone no site) and
// the number.
type importVLANKey struct {
	site, zone string
	number     int
}

// importNameKey is an asset's site and lower-cased name, unique per tenant.
type importNameKey struct {
	site uuid.UUID
	name string
}

func importKeyOf(siteID uuid.UUID, name string) importNameKey {
	return importNameKey{site: siteID, name: strings.ToLower(strings.TrimSpace(name))}
}

// importExisting is an asset the tenant already has, as the import
// matches it.
type importExisting struct {
	ID        uuid.UUID `db:"id"`
	SiteID    uuid.UUID `db:"site_id"`
	Name      string    `db:"name"`
	Lifecycle string    `db:"lifecycle"`
	Version   int       `db:"version"`
}

// importCatalog is what rows are resolved against: the tenant's sites,
// vendors and VLANs by name, its assets by id and by site + name, and the
// stored fields of the assets the file names (current).
type importCatalog struct {
	refs    assetRefs
	sites   map[string]uuid.UUID
	vendors map[string]uuid.UUID
	vlans   map[importVLANKey]uuid.UUID
	assets  map[uuid.UUID]importExisting
	byName  map[importNameKey]uuid.UUID
	current map[uuid.UUID]AssetInput
}

func newImportCatalog(refs assetRefs, existing []importExisting) *importCatalog {
	c := &importCatalog{refs: refs, sites: map[string]uuid.UUID{}, vendors: map[string]uuid.UUID{},
		vlans: map[importVLANKey]uuid.UUID{}, assets: make(map[uuid.UUID]importExisting, len(existing)),
		byName: make(map[importNameKey]uuid.UUID, len(existing)), current: map[uuid.UUID]AssetInput{}}
	for id, name := range refs.sites {
		c.sites[strings.ToLower(name)] = id
	}
	for id, name := range refs.vendors {
		c.vendors[strings.ToLower(name)] = id
	}
	for id, v := range refs.vlans {
		c.vlans[importVLANKey{strings.ToLower(v.SiteName), strings.ToLower(v.ZoneName), v.Number}] = id
	}
	for _, a := range existing {
		c.assets[a.ID] = a
		c.byName[importKeyOf(a.SiteID, a.Name)] = a.ID
	}
	return c
}

// targets lists the existing assets the rows name (by id, else by site
// and name), whose stored fields the plan needs.
func (c *importCatalog) targets(s importSheet) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	var out []uuid.UUID
	for _, r := range s.rows {
		if id := c.target(s, r); id != uuid.Nil && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// target is the existing asset a row names, or Nil.
func (c *importCatalog) target(s importSheet, r importRow) uuid.UUID {
	if raw, _ := s.cell(r, "id"); strings.TrimSpace(raw) != "" {
		id, err := uuid.Parse(strings.TrimSpace(raw))
		if _, ok := c.assets[id]; err != nil || !ok {
			return uuid.Nil
		}
		return id
	}
	site, _ := s.cell(r, "site")
	name, _ := s.cell(r, "name")
	siteID, ok := c.sites[strings.ToLower(strings.TrimSpace(site))]
	if !ok || strings.TrimSpace(name) == "" {
		return uuid.Nil
	}
	return c.byName[importKeyOf(siteID, name)]
}

// importPlan is what a file would do: the assets it creates and updates,
// the rows that change nothing, and every row error.
type importPlan struct {
	total     int
	creates   []importChange
	updates   []importChange
	unchanged int
	errors    []ImportError
}

// importChange is one row to apply: an asset to create (id Nil) or an
// update of id from before to after.
type importChange struct {
	row    int
	id     uuid.UUID
	before AssetInput
	after  AssetInput
}

// rowPlan is a row being planned.
type rowPlan struct {
	importChange
	key      importNameKey // final site + name; zero when unknown
	repeated bool          // the asset was named by an earlier row
	errs     importRowErrors
}

// addingManaged is how many assets the plan adds to those the licence's
// max_assets counts: new ones, and discovered devices it makes reviewed.
func (p importPlan) addingManaged() int {
	n := len(p.creates)
	for _, u := range p.updates {
		if u.before.Lifecycle == LifecycleDiscovered && u.after.Lifecycle != LifecycleDiscovered {
			n++
		}
	}
	return n
}

// rowErrorCount is how many rows have at least one error.
func (p importPlan) rowErrorCount() int {
	rows := map[int]bool{}
	for _, e := range p.errors {
		rows[e.Row] = true
	}
	return len(rows)
}

// planImport resolves and validates every row of s against c. mayUpdate
// is false when the importer may only create assets (no assets.update):
// rows naming an existing asset are then errors.
func planImport(s importSheet, c *importCatalog, mayUpdate bool) importPlan {
	p := importPlan{total: len(s.rows)}
	rows := make([]*rowPlan, 0, len(s.rows))
	changedBy := map[uuid.UUID]int{} // existing asset → the first row naming it
	for _, r := range s.rows {
		if r.err != nil {
			rows = append(rows, &rowPlan{importChange: importChange{row: r.num}, errs: importRowErrors{*r.err}})
			continue
		}
		rp := c.planRow(s, r, mayUpdate)
		if rp.id != uuid.Nil {
			if first, dup := changedBy[rp.id]; dup {
				rp.repeated = true
				rp.errs.add(r.num, csvKeyColumn(s, r), "duplicate", fmt.Sprintf("row %d already names this asset; an asset may appear once per file", first))
			} else {
				changedBy[rp.id] = r.num
			}
		}
		rows = append(rows, rp)
	}
	// Names stay unique per site once the whole file is applied: a row's
	// final name may not be an asset's that the file leaves alone, nor
	// another row's.
	namedBy := map[importNameKey]int{}
	for _, rp := range rows {
		if rp.key == (importNameKey{}) || rp.repeated {
			continue
		}
		site := c.refs.sites[rp.key.site]
		if id, ok := c.byName[rp.key]; ok && id != rp.id && changedBy[id] == 0 {
			rp.errs.add(rp.row, "name", "taken", fmt.Sprintf("another asset of site %s has this name", site))
		} else if first, dup := namedBy[rp.key]; dup {
			rp.errs.add(rp.row, "name", "duplicate", fmt.Sprintf("row %d already has an asset named %q in site %s", first, rp.after.Name, site))
		} else {
			namedBy[rp.key] = rp.row
		}
	}
	for _, rp := range rows {
		switch {
		case len(rp.errs) > 0:
			p.errors = append(p.errors, rp.errs...)
		case rp.id == uuid.Nil:
			p.creates = append(p.creates, rp.importChange)
		case importSameInput(rp.before, rp.after):
			p.unchanged++
		default:
			p.updates = append(p.updates, rp.importChange)
		}
	}
	return p
}

// importSameInput tells whether two normalised inputs have the same
// fields, as assetChanges would find no change (lists of no values being
// equal whether nil or empty) — without its JSON round trips, which cost
// seconds on 50,000 rows.
func importSameInput(a, b AssetInput) bool {
	sameVendor := (a.VendorID == nil) == (b.VendorID == nil) && (a.VendorID == nil || *a.VendorID == *b.VendorID)
	return sameVendor && a.Name == b.Name && a.Category == b.Category && a.Type == b.Type && a.SiteID == b.SiteID &&
		slices.Equal(a.VLANIDs, b.VLANIDs) && slices.Equal(a.IPAddresses, b.IPAddresses) &&
		slices.Equal(a.MACAddresses, b.MACAddresses) && a.Hostname == b.Hostname && a.Model == b.Model &&
		a.SerialNumber == b.SerialNumber && a.FirmwareVersion == b.FirmwareVersion && a.OS == b.OS &&
		slices.Equal(a.CPE, b.CPE) && a.Criticality == b.Criticality && a.Lifecycle == b.Lifecycle &&
		a.Owner == b.Owner && a.LocationDetail == b.LocationDetail && slices.Equal(a.Tags, b.Tags) && a.Notes == b.Notes
}

// csvKeyColumn is the column that names a row's asset: id when given,
// else name.
func csvKeyColumn(s importSheet, r importRow) string {
	if id, _ := s.cell(r, "id"); strings.TrimSpace(id) != "" {
		return "id"
	}
	return "name"
}

// csvTextColumns are the free-text columns, set as they are (an empty cell
// empties the field).
var csvTextColumns = []string{"hostname", "model", "serial_number", "firmware_version", "os", "owner",
	"location_detail", "notes"}

func (in *AssetInput) csvText(column string) *string {
	switch column {
	case "hostname":
		return &in.Hostname
	case "model":
		return &in.Model
	case "serial_number":
		return &in.SerialNumber
	case "firmware_version":
		return &in.FirmwareVersion
	case "os":
		return &in.OS
	case "owner":
		return &in.Owner
	case "location_detail":
		return &in.LocationDetail
	case "notes":
		return &in.Notes
	}
	return nil
}

// planRow builds one row's asset: the existing asset it names with the
// file's columns applied, or a new asset of those columns. Only columns
// the file has change an existing asset. Cells that cannot be empty (name,
// category, type, site, criticality, lifecycle) keep an existing asset's
// value when empty; a new asset takes the defaults of criticality
// (medium) and lifecycle (active).
func (c *importCatalog) planRow(s importSheet, r importRow, mayUpdate bool) *rowPlan {
	rp := &rowPlan{importChange: importChange{row: r.num}}
	get := func(column string) (string, bool) {
		v, ok := s.cell(r, column)
		return strings.TrimSpace(v), ok
	}
	failed := map[string]bool{} // columns with a resolution error
	fail := func(column, code, message string) {
		failed[column] = true
		rp.errs.add(r.num, column, code, message)
	}

	// The upsert key: id when given, else site + name.
	idCell, _ := get("id")
	siteCell, _ := get("site")
	nameCell, _ := get("name")
	siteID, siteKnown := c.sites[strings.ToLower(siteCell)]
	if siteCell != "" && !siteKnown {
		fail("site", "unknown", fmt.Sprintf("no site is named %q", clipText(siteCell, 80)))
	}
	var in AssetInput
	switch {
	case idCell != "":
		id, err := uuid.Parse(idCell)
		if err != nil {
			fail("id", "invalid", "must be an asset id (a UUID) or empty")
		} else if _, ok := c.assets[id]; !ok {
			fail("id", "unknown", "no asset has this id; leave id empty to create an asset")
		} else {
			rp.id = id
		}
	case siteKnown && nameCell != "":
		rp.id = c.byName[importKeyOf(siteID, nameCell)]
	}
	if failed["id"] {
		return rp // the rest of the row would be judged against the wrong asset
	}
	if rp.id != uuid.Nil {
		rp.before = c.current[rp.id]
		in = rp.before
		if !mayUpdate {
			fail("", "permission_denied", "this row changes an existing asset, which needs the assets.update permission")
		}
	}
	if idCell == "" && rp.id == uuid.Nil {
		if siteCell == "" {
			fail("site", "required", "is required")
		}
		if nameCell == "" {
			fail("name", "required", "is required")
		}
	}

	// The columns the file has.
	if nameCell != "" {
		in.Name = nameCell
	}
	if siteKnown {
		in.SiteID = siteID
	}
	for _, f := range []struct {
		column string
		dst    *string
	}{{"category", &in.Category}, {"type", &in.Type}, {"criticality", &in.Criticality}, {"lifecycle", &in.Lifecycle}} {
		if v, _ := get(f.column); v != "" {
			*f.dst = strings.ToLower(v)
		}
	}
	for _, column := range csvTextColumns {
		if v, ok := s.cell(r, column); ok {
			*in.csvText(column) = v
		}
	}
	for _, l := range []struct {
		column string
		dst    *[]string
	}{{"ip_addresses", &in.IPAddresses}, {"mac_addresses", &in.MACAddresses}, {"cpe", &in.CPE}, {"tags", &in.Tags}} {
		if v, ok := s.cell(r, l.column); ok {
			*l.dst = splitCSVList(v)
		}
	}
	if v, ok := get("vendor"); ok {
		in.VendorID = nil
		if v != "" {
			if id, known := c.vendors[strings.ToLower(v)]; known {
				in.VendorID = &id
			} else {
				fail("vendor", "unknown", fmt.Sprintf("no vendor is named %q; add it to the vendors first", clipText(v, 80)))
			}
		}
	}
	if v, ok := s.cell(r, "vlans"); ok {
		in.VLANIDs = c.csvVLANs(v, fail)
	}

	// The same checks as the API's, reported by column.
	allowDiscovered := rp.id != uuid.Nil && rp.before.Lifecycle == LifecycleDiscovered && in.Lifecycle == LifecycleDiscovered
	norm, err := in.normalized(allowDiscovered)
	var fields []errs.FieldError
	var invalid *errs.Error
	if errors.As(err, &invalid) {
		fields = invalid.Fields
	} else if err != nil {
		rp.errs.add(r.num, "", "invalid", "the row cannot be read")
	}
	if norm.SiteID != uuid.Nil {
		fields = append(fields, c.refs.check(norm)...)
	}
	for _, f := range fields {
		column := csvColumnOf(f.Field)
		if !failed[column] {
			rp.errs.add(r.num, column, f.Code, f.Message)
		}
	}
	// VLANs are a set: one order on both sides, so a reordered cell is no change.
	byBytes := func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
	rp.before.VLANIDs = slices.Clone(rp.before.VLANIDs)
	slices.SortFunc(rp.before.VLANIDs, byBytes)
	slices.SortFunc(norm.VLANIDs, byBytes)
	rp.after = norm
	if norm.SiteID != uuid.Nil && norm.Name != "" {
		rp.key = importKeyOf(norm.SiteID, norm.Name)
	}
	return rp
}

// csvVLANs resolves a vlans cell: site/zone/number references separated
// by ';'.
func (c *importCatalog) csvVLANs(cell string, fail func(column, code, message string)) []uuid.UUID {
	ids := []uuid.UUID{}
	for _, ref := range splitCSVList(cell) {
		if ref == "" {
			continue
		}
		site, zone, number, err := parseVLANRef(ref)
		if err != nil {
			fail("vlans", "invalid", err.Error()+" (a VLAN is site/zone/number: //20 has no zone, /zone/20 a zone without site)")
			continue
		}
		id, ok := c.vlans[importVLANKey{strings.ToLower(site), strings.ToLower(zone), number}]
		if !ok {
			fail("vlans", "unknown", fmt.Sprintf("no VLAN %q: %s", clipText(ref, 80), vlanPlace(site, zone, number)))
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// vlanPlace says in words where a VLAN reference points.
func vlanPlace(site, zone string, number int) string {
	switch {
	case zone == "" && site == "":
		return fmt.Sprintf("there is no VLAN %d without a zone", number)
	case site == "":
		return fmt.Sprintf("there is no VLAN %d in a zone %q without a site", number, zone)
	case zone == "":
		return fmt.Sprintf("a VLAN of site %q needs its zone: site/zone/%d", site, number)
	}
	return fmt.Sprintf("there is no VLAN %d in zone %q of site %q", number, zone, site)
}

// csvColumnOf is the CSV column of an AssetInput field error
// (ip_addresses[2] → ip_addresses, vlan_ids[0] → vlans).
func csvColumnOf(field string) string {
	field, _, _ = strings.Cut(field, "[")
	switch field {
	case "site_id":
		return "site"
	case "vlan_ids":
		return "vlans"
	case "vendor_id":
		return "vendor"
	}
	return field
}

// importRowErrors collects a row's errors.
type importRowErrors []ImportError

func (e *importRowErrors) add(row int, column, code, message string) {
	*e = append(*e, ImportError{Row: row, Column: column, Code: code, Message: message})
}

// importSummary says what an import did in one line.
func importSummary(filename string, created, updated, unchanged int) string {
	return fmt.Sprintf("Imported %s: %d assets created, %d updated, %d unchanged", clipText(filename, 100), created, updated, unchanged)
}

// importFailedMessage says why nothing was imported.
func importFailedMessage(p importPlan) string {
	n := p.rowErrorCount()
	rows := "rows have"
	if n == 1 {
		rows = "row has"
	}
	msg := fmt.Sprintf("Nothing was imported: %d %s errors (%d errors in all).", n, rows, len(p.errors))
	if len(p.errors) > importMaxErrors {
		msg += fmt.Sprintf(" The first %d are listed.", importMaxErrors)
	}
	return msg
}

// cleanFilename keeps the last path element of an uploaded file's name,
// printable and at most 255 characters.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	if name == "" {
		name = "assets-" + time.Now().UTC().Format(time.DateOnly) + ".csv"
	}
	return name
}
