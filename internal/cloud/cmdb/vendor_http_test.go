package cmdb_test

import (
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/cmdb"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

func vendorTestList(want string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var names []string
		for _, v := range hierDecode[httpapi.Page[cmdb.Vendor]](t, r).Items {
			names = append(names, v.Name)
		}
		if got := strings.Join(names, ","); got != want {
			t.Fatalf("vendors %q, want %q", got, want)
		}
	}
}

func TestVendorsSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	var siemens cmdb.Vendor
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		{Name: "every field", Method: "POST", Path: hierVendorsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": " Siemens ", "website": "https://www.siemens.com", "support_contact": "+49 89 636 00",
				"advisory_url": "https://cert-portal.siemens.com/productcert/", "cpe_vendor": "siemens"},
			Check: func(t *testing.T, r *apitest.Response) {
				siemens = hierDecode[cmdb.Vendor](t, r)
				if siemens.Name != "Siemens" || siemens.Website != "https://www.siemens.com" || siemens.CPEVendor != "siemens" ||
					siemens.AdvisoryURL != "https://cert-portal.siemens.com/productcert/" || siemens.Version != 1 || siemens.AssetCount != 0 {
					t.Fatalf("vendor: %+v", siemens)
				}
			}},
		{Name: "name only", Method: "POST", Path: hierVendorsURL, Body: map[string]any{"name": "ABB"}, Headers: h, Status: 201},
		{Name: "escaped punctuation in the CPE vendor", Method: "POST", Path: hierVendorsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "AT&T", "cpe_vendor": `at\&t`, "website": "http://att.example.com:8080/path?q=1"}},
		{Name: "CPE vendor with _ . -", Method: "POST", Path: hierVendorsURL, Headers: h, Status: 201,
			Body: map[string]any{"name": "Schneider Electric", "cpe_vendor": "schneider-electric_se.v2"}},
	})
	id := siemens.ID.String()
	site := hierSite(t, e, admin, "Berlin")
	hierAsset(t, e, tenantID, site.ID, "PLC 1", &siemens.ID)
	hierAsset(t, e, tenantID, site.ID, "PLC 2", &siemens.ID)

	apitest.Run(t, e.Server.App(), "read", []apitest.Case{
		{Name: "get with asset count", Method: "GET", Path: hierVendorsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if v := hierDecode[cmdb.Vendor](t, r); v.AssetCount != 2 || v.SupportContact != "+49 89 636 00" {
				t.Fatalf("vendor: %+v", v)
			}
		}},
		{Name: "list in name order", Method: "GET", Path: hierVendorsURL, Headers: h, Status: 200, Check: vendorTestList("ABB,AT&T,Schneider Electric,Siemens")},
		{Name: "q, any case", Method: "GET", Path: hierVendorsURL + "?q=SIE", Headers: h, Status: 200, Check: vendorTestList("Siemens")},
		{Name: "q with an underscore is literal", Method: "GET", Path: hierVendorsURL + "?q=_", Headers: h, Status: 200, Check: vendorTestList("")},
		{Name: "q matching several", Method: "GET", Path: hierVendorsURL + "?q=e", Headers: h, Status: 200, Check: vendorTestList("Schneider Electric,Siemens")},
		{Name: "first page", Method: "GET", Path: hierVendorsURL + "?limit=3", Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			p := hierDecode[httpapi.Page[cmdb.Vendor]](t, r)
			if len(p.Items) != 3 || p.NextCursor == nil {
				t.Fatalf("page: %s", r.Body)
			}
			next := hierOK(t, e.Do(t, "GET", hierVendorsURL+"?limit=3&cursor="+*p.NextCursor, nil, h))
			vendorTestList("Siemens")(t, next)
		}},
	})
	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		{Name: "some fields", Method: "PATCH", Path: hierVendorsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"name": "Siemens AG", "support_contact": "support@siemens.example.com", "version": 1},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.Vendor](t, r); v.Name != "Siemens AG" || v.Version != 2 || v.CPEVendor != "siemens" || v.AssetCount != 2 {
					t.Fatalf("vendor: %+v", v)
				}
			}},
		{Name: "null clears", Method: "PATCH", Path: hierVendorsURL + "/" + id, Headers: h, Status: 200,
			Body: map[string]any{"website": nil, "advisory_url": "", "version": 2},
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.Vendor](t, r); v.Website != "" || v.AdvisoryURL != "" || v.Version != 3 {
					t.Fatalf("vendor: %+v", v)
				}
			}},
	})
	upd := hierAudit(t, e, tenantID, "vendors.update")
	hierChange(t, upd[0], "name", `"Siemens"`, `"Siemens AG"`)
	hierChange(t, upd[1], "website", `"https://www.siemens.com"`, `""`)

	abb := hierVendor(t, e, admin, "Rockwell")
	apitest.Run(t, e.Server.App(), "delete", []apitest.Case{
		{Name: "delete", Method: "DELETE", Path: hierVendorsURL + "/" + abb.ID.String(), Headers: h, Status: 204},
		{Name: "gone", Method: "GET", Path: hierVendorsURL + "/" + abb.ID.String(), Headers: h, Status: 404, Code: "not_found"},
	})
	hierChange(t, hierLastAudit(t, e, tenantID, "vendors.delete", abb.ID.String()), "name", `"Rockwell"`, ``)
	hierChange(t, hierLastAudit(t, e, tenantID, "vendors.create", id), "cpe_vendor", ``, `"siemens"`)
}

func TestVendorsValidation(t *testing.T) {
	e := cloudtest.New(t)
	_, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	vendor := hierVendor(t, e, admin, "Siemens")
	hierVendor(t, e, admin, "ABB")
	id := vendor.ID.String()
	post := func(name string, body map[string]any, field, code string) apitest.Case {
		if _, ok := body["name"]; !ok {
			body["name"] = "New vendor"
		}
		return apitest.Case{Name: name, Method: "POST", Path: hierVendorsURL, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code)}
	}
	patch := func(name string, body map[string]any, field, code string) apitest.Case {
		return apitest.Case{Name: name, Method: "PATCH", Path: hierVendorsURL + "/" + id, Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: hierFieldError(field, code)}
	}
	apitest.Run(t, e.Server.App(), "create", []apitest.Case{
		post("name missing", map[string]any{"name": ""}, "name", "required"),
		post("name too long", map[string]any{"name": hierRepeat(201)}, "name", "too_long"),
		post("name taken, other case", map[string]any{"name": "SIEMENS"}, "name", "taken"),
		post("website not http", map[string]any{"website": "ftp://siemens.com"}, "website", "invalid_url"),
		post("website relative", map[string]any{"website": "www.siemens.com"}, "website", "invalid_url"),
		post("website without host", map[string]any{"website": "https://"}, "website", "invalid_url"),
		post("website with spaces", map[string]any{"website": "https://siemens.com/a b"}, "website", "invalid_url"),
		post("website javascript", map[string]any{"website": "javascript:alert(1)"}, "website", "invalid_url"),
		post("website too long", map[string]any{"website": "https://example.com/" + hierRepeat(481)}, "website", "too_long"),
		post("advisory URL", map[string]any{"advisory_url": "mailto:psirt@siemens.com"}, "advisory_url", "invalid_url"),
		post("advisory URL too long", map[string]any{"advisory_url": "https://example.com/" + hierRepeat(481)}, "advisory_url", "too_long"),
		post("support contact too long", map[string]any{"support_contact": hierRepeat(501)}, "support_contact", "too_long"),
		post("CPE vendor uppercase", map[string]any{"cpe_vendor": "Siemens"}, "cpe_vendor", "invalid"),
		post("CPE vendor with a space", map[string]any{"cpe_vendor": "schneider electric"}, "cpe_vendor", "invalid"),
		post("CPE vendor wildcard", map[string]any{"cpe_vendor": "sie*"}, "cpe_vendor", "invalid"),
		post("CPE vendor ANY", map[string]any{"cpe_vendor": "*"}, "cpe_vendor", "invalid"),
		post("CPE vendor NA", map[string]any{"cpe_vendor": "-"}, "cpe_vendor", "invalid"),
		post("CPE vendor unescaped colon", map[string]any{"cpe_vendor": "a:b"}, "cpe_vendor", "invalid"),
		post("CPE vendor unescaped ampersand", map[string]any{"cpe_vendor": "at&t"}, "cpe_vendor", "invalid"),
		post("CPE vendor backslash at the end", map[string]any{"cpe_vendor": `siemens\`}, "cpe_vendor", "invalid"),
		post("CPE vendor escaping a letter", map[string]any{"cpe_vendor": `\siemens`}, "cpe_vendor", "invalid"),
		post("CPE vendor not ASCII", map[string]any{"cpe_vendor": "nestlé"}, "cpe_vendor", "invalid"),
		post("CPE vendor too long", map[string]any{"cpe_vendor": strings.Repeat("a", 101)}, "cpe_vendor", "too_long"),
		post("unknown field", map[string]any{"asset_count": 1}, "asset_count", "unknown_field"),
		{Name: "every field at once", Method: "POST", Path: hierVendorsURL, Headers: h, Status: 422,
			Body:  map[string]any{"name": "", "website": "x", "advisory_url": "y", "support_contact": hierRepeat(501), "cpe_vendor": "X"},
			Check: hierOnlyFields("name", "website", "advisory_url", "support_contact", "cpe_vendor")},
	})
	apitest.Run(t, e.Server.App(), "update", []apitest.Case{
		patch("version missing", map[string]any{"name": "X"}, "version", "required"),
		patch("name emptied", map[string]any{"name": nil, "version": 1}, "name", "required"),
		patch("name taken", map[string]any{"name": "abb", "version": 1}, "name", "taken"),
		patch("website", map[string]any{"website": "siemens", "version": 1}, "website", "invalid_url"),
		patch("CPE vendor", map[string]any{"cpe_vendor": "SIEMENS", "version": 1}, "cpe_vendor", "invalid"),
	})
	apitest.Run(t, e.Server.App(), "list", []apitest.Case{
		{Name: "q too long", Method: "GET", Path: hierVendorsURL + "?q=" + hierRepeat(201), Headers: h, Status: 422, Check: hierFieldError("q", "too_long")},
		{Name: "bad cursor", Method: "GET", Path: hierVendorsURL + "?cursor=WzEsMl0", Headers: h, Status: 400, Code: "invalid_cursor"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "vendor as it was", Method: "GET", Path: hierVendorsURL + "/" + id, Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			if v := hierDecode[cmdb.Vendor](t, r); v.Name != "Siemens" || v.Version != 1 {
				t.Fatalf("vendor: %+v", v)
			}
		}},
	})
}

func TestVendorsPermissions(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	vendor := hierVendor(t, e, admin, "Siemens").ID.String()
	h := e.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, e.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "list", Method: "GET", Path: hierVendorsURL, Headers: h, Status: 200},
		{Name: "get", Method: "GET", Path: hierVendorsURL + "/" + vendor, Headers: h, Status: 200},
	})
	apitest.Run(t, e.Server.App(), "changes are denied", []apitest.Case{
		{Name: "create", Method: "POST", Path: hierVendorsURL, Body: map[string]any{"name": "Mine"}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "update", Method: "PATCH", Path: hierVendorsURL + "/" + vendor, Body: map[string]any{"name": "Mine", "version": 1}, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "delete", Method: "DELETE", Path: hierVendorsURL + "/" + vendor, Headers: h, Status: 403, Code: "permission_denied"},
	})
	apitest.Run(t, e.Server.App(), "nothing changed", []apitest.Case{
		{Name: "one vendor, as it was", Method: "GET", Path: hierVendorsURL, Headers: h, Status: 200, Check: vendorTestList("Siemens")},
	})
}

func TestVendorsConflict(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "acme")
	h := admin.Bearer()
	vendor := hierVendor(t, e, admin, "Siemens")
	id := vendor.ID.String()
	hierOK(t, e.Do(t, "PATCH", hierVendorsURL+"/"+id, map[string]any{"cpe_vendor": "siemens", "version": 1}, h))
	site := hierSite(t, e, admin, "Berlin")
	for _, name := range []string{"PLC 1", "PLC 2", "PLC 3"} {
		hierAsset(t, e, tenantID, site.ID, name, &vendor.ID)
	}
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		{Name: "stale version", Method: "PATCH", Path: hierVendorsURL + "/" + id, Body: map[string]any{"name": "Late", "version": 1},
			Headers: h, Status: 409, Code: "version_conflict"},
		{Name: "delete with assets", Method: "DELETE", Path: hierVendorsURL + "/" + id, Headers: h, Status: 409, Code: "has_dependants",
			Check: func(t *testing.T, r *apitest.Response) {
				hierDetail("3 assets")(t, r)
				hierFieldError("assets", "has_dependants", "3 assets")(t, r)
			}},
		{Name: "still there", Method: "GET", Path: hierVendorsURL + "/" + id, Headers: h, Status: 200},
	})
	if entries := hierAudit(t, e, tenantID, "vendors.delete"); len(entries) != 0 {
		t.Fatalf("refused deletions were audited: %+v", entries)
	}
}

func TestVendorsCrossTenant(t *testing.T) {
	e := cloudtest.New(t)
	_, a := e.ActiveTenant(t, "tenant-a")
	tenantB, b := e.ActiveTenant(t, "tenant-b")
	hierVendor(t, e, a, "ABB")
	vendorB := hierVendor(t, e, b, "Siemens")
	h := a.Bearer()
	var cases []apitest.Case
	for _, id := range []string{vendorB.ID.String(), "not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + id, Method: "GET", Path: hierVendorsURL + "/" + id},
			apitest.Case{Name: "update " + id, Method: "PATCH", Path: hierVendorsURL + "/" + id, Body: map[string]any{"name": "Mine now", "version": 1}},
			apitest.Case{Name: "delete " + id, Method: "DELETE", Path: hierVendorsURL + "/" + id},
		)
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	apitest.Run(t, e.Server.App(), "cross-tenant", cases)
	apitest.Run(t, e.Server.App(), "A's view", []apitest.Case{
		{Name: "list shows only A's", Method: "GET", Path: hierVendorsURL, Headers: h, Status: 200, Check: vendorTestList("ABB")},
		{Name: "search does not find B's", Method: "GET", Path: hierVendorsURL + "?q=siem", Headers: h, Status: 200, Check: vendorTestList("")},
		{Name: "B's name is free in A", Method: "POST", Path: hierVendorsURL, Body: map[string]any{"name": "Siemens"}, Headers: h, Status: 201},
	})
	apitest.Run(t, e.Server.App(), "B is untouched", []apitest.Case{
		{Name: "B's vendor", Method: "GET", Path: hierVendorsURL + "/" + vendorB.ID.String(), Headers: b.Bearer(), Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if v := hierDecode[cmdb.Vendor](t, r); v.Name != "Siemens" || v.Version != 1 {
					t.Fatalf("B's vendor: %+v", v)
				}
			}},
	})
	if entries := hierAudit(t, e, tenantB, "vendors."); len(entries) != 1 {
		t.Fatalf("B's audit log: %+v", entries)
	}
}
