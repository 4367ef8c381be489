package mgmtlink_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
)

const token = "internal-token-internal-token-0123"

type received struct {
	auth string
	body map[string]any
}

// TestRegistrationsReachTheManagementPlane: a real HTTP peer that fails
// first and then accepts; the report arrives once it is back.
func TestRegistrationsReachTheManagementPlane(t *testing.T) {
	var mu sync.Mutex
	var calls []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/internal/v1/tenants/registrations" {
			http.NotFound(w, r)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, received{auth: r.Header.Get("Authorization"), body: body})
		if len(calls) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // down for the first attempt
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	e := cloudtest.New(t, func(d *cloud.Deps) { d.ManagementURL, d.InternalToken = srv.URL, token })
	tenantID := e.Register(t, "reported", "founder@reported.example.com")

	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(calls)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the report did not arrive after the failure (%d calls)", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	last := calls[len(calls)-1]
	if last.auth != "Bearer "+token {
		t.Fatalf("authorization %q", last.auth)
	}
	if last.body["cloud_tenant_id"] != tenantID.String() || last.body["account_name"] != "reported" ||
		last.body["admin_email"] != "founder@reported.example.com" || last.body["organization_name"] != "reported Ltd" {
		t.Fatalf("report body %v", last.body)
	}
}
