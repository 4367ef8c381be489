package webhook_test

import (
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/webhook"
)

func TestSignAndVerify(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	body := []byte(`{"event_id":"e1"}`)
	now := time.Unix(1_800_000_000, 0)
	ts, sig := webhook.Sign(secret, now, body)
	if err := webhook.Verify(secret, ts, sig, body, now.Add(time.Minute)); err != nil {
		t.Fatalf("a fresh delivery: %v", err)
	}
	cases := map[string]struct {
		secret, body []byte
		ts, sig      string
		now          time.Time
		want         error
	}{
		"modified body":      {secret, []byte(`{"event_id":"e2"}`), ts, sig, now, webhook.ErrSignature},
		"another secret":     {[]byte("another-secret-another-secret-00"), body, ts, sig, now, webhook.ErrSignature},
		"moved timestamp":    {secret, body, "1800000001", sig, now, webhook.ErrSignature},
		"too old":            {secret, body, ts, sig, now.Add(6 * time.Minute), webhook.ErrStale},
		"from the future":    {secret, body, ts, sig, now.Add(-6 * time.Minute), webhook.ErrStale},
		"no signature":       {secret, body, ts, "", now, webhook.ErrMissing},
		"no timestamp":       {secret, body, "", sig, now, webhook.ErrMissing},
		"garbage timestamp":  {secret, body, "yesterday", sig, now, webhook.ErrMissing},
		"signature not hex":  {secret, body, ts, "sha256=zz", now, webhook.ErrSignature},
		"signature no label": {secret, body, ts, sig[len("sha256="):], now, webhook.ErrSignature},
	}
	for name, tc := range cases {
		if err := webhook.Verify(tc.secret, tc.ts, tc.sig, tc.body, tc.now); err != tc.want {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}
