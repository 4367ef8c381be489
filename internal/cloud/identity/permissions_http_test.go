package identity_test

import (
	"slices"
	"testing"

	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// TestPermissionCatalogue: the catalogue is global, the same for every
// organisation, so there is no cross-tenant group: nothing of a tenant is read.
func TestPermissionCatalogue(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, admin := e.ActiveTenant(t, "catalogue")
	reader := e.UserInGroup(t, tenantID, "reader@catalogue.example.com", "read_only")
	manager := e.UserWithPermissions(t, tenantID, "manager@catalogue.example.com", "settings.groups.manage")

	catalogueCheck := func(t *testing.T, r *apitest.Response) {
		var got []rbac.Permission
		r.JSON(t, &got)
		if !slices.Equal(got, rbac.Catalogue()) {
			t.Fatalf("catalogue: %s", r.Body)
		}
		i := slices.IndexFunc(got, func(p rbac.Permission) bool { return p.Key == "security.read" })
		if i < 0 || got[i].Area != "Security" || got[i].Feature != rbac.FeatureSecurity {
			t.Fatalf("security.read: %+v", got)
		}
	}
	apitest.Run(t, e.Server.App(), "answered", []apitest.Case{
		{Name: "to an admin", Method: "GET", Path: permissionsURL, Headers: admin.Bearer(), Status: 200, Check: catalogueCheck},
		{Name: "to a group manager", Method: "GET", Path: permissionsURL, Headers: manager.Bearer(), Status: 200, Check: catalogueCheck},
	})
	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "without sign-in", Method: "GET", Path: permissionsURL, Status: 401},
		{Name: "to a reader", Method: "GET", Path: permissionsURL, Headers: reader.Bearer(), Status: 403, Code: "permission_denied"},
	})
}
