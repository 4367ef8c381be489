package cloudapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
)

func TestProblemsAndRetryAfter(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		header     string
		body       string
		retryable  bool
		retryAfter time.Duration
		code       string
	}{
		{"429 with seconds", 429, "3", `{"code":"rate_limited","title":"Too Many Requests"}`, true, 3 * time.Second, "rate_limited"},
		{"503 with a date", 503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), `{"code":"unavailable","title":"x"}`, true, 59 * time.Minute, "unavailable"},
		{"500 without a problem body", 500, "", `oops`, true, 0, ""},
		{"401 is final", 401, "", `{"code":"unauthenticated","title":"x"}`, false, 0, "unauthenticated"},
		{"400 is final", 400, "", `{"code":"invalid_events","title":"x","errors":[{"field":"[2].kind","code":"invalid","message":"m"}]}`, false, 0, "invalid_events"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Device-Key") != "dvc_k" || r.Header.Get("Content-Encoding") != "gzip" {
					w.WriteHeader(418)
					return
				}
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			err := cloudapi.New(srv.URL, srv.URL, "dvc_k", "t").Ingest(context.Background(), []byte(`[]`))
			var p *cloudapi.Problem
			if err == nil || !errors.As(err, &p) || p.Status != tc.status || p.Code != tc.code {
				t.Fatalf("err = %v", err)
			}
			if cloudapi.Retryable(err) != tc.retryable {
				t.Fatalf("retryable = %v", cloudapi.Retryable(err))
			}
			if got := cloudapi.RetryAfter(err); got < tc.retryAfter || got > tc.retryAfter+time.Minute+time.Second {
				t.Fatalf("retry after = %s, want about %s", got, tc.retryAfter)
			}
		})
	}
	if !cloudapi.Retryable(context.DeadlineExceeded) || cloudapi.Retryable(context.Canceled) {
		t.Fatal("network-like errors must be retryable, cancellation not")
	}
}

// A download URL on another host (blob storage) must not get the device key.
func TestDownloadKeepsTheKeyAtHome(t *testing.T) {
	var sawKey string
	blob := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawKey = r.Header.Get("X-Device-Key")
		_, _ = w.Write([]byte("binary"))
	}))
	defer blob.Close()
	cloud := httptest.NewServer(http.NotFoundHandler())
	defer cloud.Close()
	var buf bytes.Buffer
	c := cloudapi.New(cloud.URL, cloud.URL, "dvc_k", "t")
	if err := c.Download(context.Background(), cloudapi.Release{Version: "1", DownloadURL: blob.URL + "/b"}, &buf, 100); err != nil {
		t.Fatal(err)
	}
	if sawKey != "" || buf.String() != "binary" {
		t.Fatalf("key sent to the blob host: %q; body %q", sawKey, buf.String())
	}
	if err := c.Download(context.Background(), cloudapi.Release{Version: "1", DownloadURL: blob.URL + "/b"}, &buf, 3); err == nil {
		t.Fatal("a download over the limit was accepted")
	}
}
