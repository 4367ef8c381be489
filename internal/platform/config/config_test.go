package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/config"
)

func load(t *testing.T, env map[string]string) (*config.Config, error) {
	t.Helper()
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		return nil, err
	}
	return cfg, cfg.Validate()
}

const goodKey = "0123456789abcdef0123456789abcdef-prod"

func TestDefaultsAreValidInDevelopment(t *testing.T) {
	cfg, err := load(t, map[string]string{})
	if err != nil {
		t.Fatalf("defaults should validate: %v", err)
	}
	if cfg.APIAddr != ":8000" || cfg.AccessTokenExpireMinutes != 60 || cfg.MFAIssuer != "MonozuCloud" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

func TestProductionRefusals(t *testing.T) {
	prod := func(overrides map[string]string) map[string]string {
		env := map[string]string{
			"MONOZU_ENV":                "production",
			"SECRET_KEY":                goodKey,
			"ALLOW_ORIGINS":             "https://app.example.com",
			"DATABASE_URL":              "postgres://monozu:s3cret-prod@db.example.com:5432/monozu",
			"MAIL_DRIVER":               "resend",
			"CLOUD_WEBHOOK_HMAC_SECRET": "webhook-secret-webhook-secret-0123",
			"MANAGEMENT_API_URL":        "https://mgmt.example.com",
			"CLOUD_INTERNAL_API_TOKEN":  "internal-token-internal-token-0123",
			"RESEND_API_KEY":            "re_test_key",
		}
		for k, v := range overrides {
			if v == "" {
				delete(env, k)
			} else {
				env[k] = v
			}
		}
		return env
	}
	if _, err := load(t, prod(nil)); err != nil {
		t.Fatalf("a complete production configuration should validate: %v", err)
	}
	cases := []struct {
		name      string
		overrides map[string]string
		want      string
	}{
		{"missing secret", map[string]string{"SECRET_KEY": ""}, "SECRET_KEY is required"},
		{"short secret", map[string]string{"SECRET_KEY": "too-short"}, "at least 32 characters"},
		{"development secret", nil, ""},
		{"no origins", map[string]string{"ALLOW_ORIGINS": ""}, "ALLOW_ORIGINS is required"},
		{"wildcard origin", map[string]string{"ALLOW_ORIGINS": "*"}, "cannot be *"},
		{"localhost origin", map[string]string{"ALLOW_ORIGINS": "http://localhost:5173"}, "development origin"},
		{"no database", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL is required"},
		{"dev password", map[string]string{"DATABASE_URL": "postgres://monozu:monozu-dev@db/monozu"}, "development password"},
		{"mail only logged", map[string]string{"MAIL_DRIVER": "log"}, "MAIL_DRIVER=log"},
		{"resend without key", map[string]string{"RESEND_API_KEY": ""}, "needs RESEND_API_KEY"},
		{"no management plane", map[string]string{"MANAGEMENT_API_URL": ""}, "MANAGEMENT_API_URL and CLOUD_INTERNAL_API_TOKEN are required"},
		{"no webhook secret", map[string]string{"CLOUD_WEBHOOK_HMAC_SECRET": ""}, "CLOUD_WEBHOOK_HMAC_SECRET is required"},
		{"short webhook secret", map[string]string{"CLOUD_WEBHOOK_HMAC_SECRET": "short"}, "at least 32 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := prod(tc.overrides)
			if tc.name == "development secret" {
				dev, _ := config.FromLookup(func(string) (string, bool) { return "", false })
				dev.ApplyDevelopmentDefaults()
				env["SECRET_KEY"] = dev.SecretKey
				tc.want = "development default"
			}
			_, err := load(t, env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	_, err := load(t, map[string]string{"DB_QUERY_TIMEOUT": "soon", "DB_MAX_OPEN_CONNS": "many"})
	if err == nil || !strings.Contains(err.Error(), "DB_QUERY_TIMEOUT") || !strings.Contains(err.Error(), "DB_MAX_OPEN_CONNS") {
		t.Fatalf("want both variables named, got %v", err)
	}
	_, err = load(t, map[string]string{"DATABASE_URL": "mysql://x@y/z"})
	if err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("want a URL scheme error, got %v", err)
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	cfg, err := load(t, map[string]string{
		"SECRET_KEY":   goodKey,
		"DATABASE_URL": "postgres://monozu:hunter2-password@db:5432/monozu?sslmode=require",
	})
	if err != nil {
		t.Fatal(err)
	}
	masked := cfg.Masked()
	for name, value := range masked {
		if strings.Contains(value, goodKey) || strings.Contains(value, "hunter2") {
			t.Fatalf("%s leaks a secret: %s", name, value)
		}
	}
	if masked["SECRET_KEY"] != "****" {
		t.Fatalf("SECRET_KEY = %q", masked["SECRET_KEY"])
	}
	if masked["DATABASE_URL"] != "postgres://monozu:****@db:5432/monozu?sslmode=require" {
		t.Fatalf("DATABASE_URL = %q", masked["DATABASE_URL"])
	}
	if masked["API_ADDR"] != ":8000" {
		t.Fatalf("non-secret values stay readable, got %q", masked["API_ADDR"])
	}
}

func TestEdgeCommandLease(t *testing.T) {
	cfg, err := load(t, map[string]string{})
	if err != nil || cfg.EdgeCommandLease != time.Minute {
		t.Fatalf("default lease = %v, %v; want 1m", cfg.EdgeCommandLease, err)
	}
	if cfg, err = load(t, map[string]string{"EDGE_COMMAND_LEASE": "2s"}); err != nil || cfg.EdgeCommandLease != 2*time.Second {
		t.Fatalf("lease = %v, %v; want 2s", cfg.EdgeCommandLease, err)
	}
	if _, err := load(t, map[string]string{"EDGE_COMMAND_LEASE": "0s"}); err == nil || !strings.Contains(err.Error(), "EDGE_COMMAND_LEASE must be a positive duration") {
		t.Fatalf("a zero lease: %v", err)
	}
}
