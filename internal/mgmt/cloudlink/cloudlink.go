// Package cloudlink is the management plane's client of the Cloud's
// internal API (CLOUD_API_URL, authenticated by CLOUD_INTERNAL_API_TOKEN).
package cloudlink

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
)

// Client calls the Cloud.
type Client struct {
	baseURL string
	token   string
	http    *http.Client
}

// New returns a client of the Cloud at baseURL.
func New(baseURL, token string) *Client {
	return &Client{baseURL: strings.TrimSuffix(baseURL, "/"), token: token, http: &http.Client{Timeout: 15 * time.Second}}
}

// Provisioning asks the Cloud for an operator-created organisation.
type Provisioning struct {
	TenantID         uuid.UUID `json:"tenant_id"` // chosen here: a retry finds what the first call made
	AccountName      string    `json:"account_name"`
	OrganizationName string    `json:"organization_name"`
	AdminEmail       string    `json:"admin_email"`
}

// Provisioned is the Cloud's answer.
type Provisioned struct {
	TenantID uuid.UUID `json:"tenant_id"`
	Status   string    `json:"status"`
	Created  bool      `json:"created"`
}

// Provision creates the organisation in the Cloud (its first admin gets an
// invitation e-mail). The Cloud's validation errors come back as
// validation errors; anything else means the Cloud is unavailable.
func (c *Client) Provision(ctx context.Context, p Provisioning) (Provisioned, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return Provisioned{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/internal/v1/tenants", bytes.NewReader(body))
	if err != nil {
		return Provisioned{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return Provisioned{}, errs.Wrap(errs.KindUnavailable, "The Cloud did not answer; try again.", err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated:
		var out Provisioned
		if err := json.Unmarshal(raw, &out); err != nil {
			return Provisioned{}, errs.Wrap(errs.KindUnavailable, "The Cloud answered something unexpected.", err)
		}
		return out, nil
	case resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusConflict:
		var problem struct {
			Detail string            `json:"detail"`
			Code   string            `json:"code"`
			Errors []errs.FieldError `json:"errors"`
		}
		_ = json.Unmarshal(raw, &problem)
		kind := errs.KindValidation
		if resp.StatusCode == http.StatusConflict {
			kind = errs.KindConflict
		}
		e := errs.New(kind, "The Cloud refused the organisation: "+problem.Detail)
		if problem.Code != "" {
			e = e.WithCode(problem.Code)
		}
		e.Fields = problem.Errors
		return Provisioned{}, e
	}
	return Provisioned{}, errs.Wrap(errs.KindUnavailable, "The Cloud could not provision the organisation; try again.",
		fmt.Errorf("status %d: %s", resp.StatusCode, raw))
}
