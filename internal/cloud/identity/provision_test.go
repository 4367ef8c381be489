package identity_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/rbac"
)

const machineToken = "internal-token-internal-token-0123"

func TestOperatorProvisionedTenant(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.InternalToken = machineToken })
	tenantID := uuid.New()
	body := map[string]any{"tenant_id": tenantID, "account_name": "provisioned", "organization_name": "Provisioned AG",
		"admin_email": "Boss@Provisioned.example.com"}
	bearer := map[string]string{"Authorization": "Bearer " + machineToken}
	apitest.Run(t, e.Server.App(), "refused", []apitest.Case{
		{Name: "no token", Method: "POST", Path: "/internal/v1/tenants", Body: body, Status: 401, Code: "invalid_token"},
		{Name: "wrong token", Method: "POST", Path: "/internal/v1/tenants", Body: body,
			Headers: map[string]string{"Authorization": "Bearer not-the-token"}, Status: 401, Code: "invalid_token"},
		{Name: "a user's token", Method: "POST", Path: "/internal/v1/tenants", Body: body, Status: 401},
	})
	apitest.Run(t, e.Server.App(), "provision", []apitest.Case{
		{Name: "create", Method: "POST", Path: "/internal/v1/tenants", Body: body, Headers: bearer, Status: 201},
		{Name: "retry finds it", Method: "POST", Path: "/internal/v1/tenants", Body: body, Headers: bearer, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.Contains(string(r.Body), `"created":false`) || !strings.Contains(string(r.Body), `"status":"pending"`) {
					t.Fatalf("retry: %s", r.Body)
				}
			}},
		{Name: "same id, other account", Method: "POST", Path: "/internal/v1/tenants", Headers: bearer, Status: 409, Code: "tenant_id_taken",
			Body: map[string]any{"tenant_id": tenantID, "account_name": "someone-else", "organization_name": "X", "admin_email": "x@x.example.com"}},
		{Name: "account taken", Method: "POST", Path: "/internal/v1/tenants", Headers: bearer, Status: 422,
			Body: map[string]any{"tenant_id": uuid.New(), "account_name": "provisioned", "organization_name": "X", "admin_email": "y@x.example.com"}},
	})

	link := e.WaitForMail(t, "boss@provisioned.example.com", cloudtest.AppBaseURL+"/invite/")
	token := strings.TrimPrefix(link, cloudtest.AppBaseURL+"/invite/")
	accept := map[string]string{"token": token, "password": cloudtest.Password, "display_name": "The Boss"}
	apitest.Run(t, e.Server.App(), "first admin", []apitest.Case{
		{Name: "accepting before the licence", Method: "POST", Path: "/api/v1/auth/invitations/accept", Body: accept, Status: 403, Code: "tenant_pending"},
	})
	e.License(t, tenantID)
	apitest.Run(t, e.Server.App(), "after the licence", []apitest.Case{
		{Name: "accept", Method: "POST", Path: "/api/v1/auth/invitations/accept", Body: accept, Status: 200},
	})
	s := e.Login(t, "boss@provisioned.example.com")
	var me struct {
		Permissions []string `json:"permissions"`
	}
	e.Do(t, "GET", "/api/v1/me", nil, s.Bearer()).JSON(t, &me)
	if len(me.Permissions) != len(rbac.Catalogue()) || !slices.Contains(me.Permissions, "settings.groups.manage") {
		t.Fatalf("the first admin is not in Admin: %v", me.Permissions)
	}
}
