package update_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
	"github.com/monozu/monozu/internal/edgeagent/edgetest"
	"github.com/monozu/monozu/internal/edgeagent/update"
	"github.com/monozu/monozu/internal/platform/release"
)

const oldBinary = "#!/bin/sh\necho edgezu 1.0.0\n"

func script(version string) []byte {
	return []byte("#!/bin/sh\necho edgezu " + version + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n")
}

// signed describes blob as version of the stable channel, signed with priv
// over the shared release message (what the Cloud's publish signs).
func signed(priv ed25519.PrivateKey, version string, blob []byte) edgetest.Release {
	sum := sha256.Sum256(blob)
	rel := cloudapi.Release{Version: version, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(blob))}
	msg, err := release.Message(release.Manifest{Version: version, Channel: "stable", OS: runtime.GOOS, Arch: runtime.GOARCH, SHA256: rel.SHA256})
	if err != nil {
		panic(err)
	}
	sig := ed25519.Sign(priv, msg)
	return edgetest.Release{Version: rel.Version, SHA256: rel.SHA256, Size: rel.Size, Signature: base64.StdEncoding.EncodeToString(sig)}
}

func TestUpdate(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	good := script("2.0.0")
	cases := []struct {
		name      string
		rel       edgetest.Release
		blob      []byte
		requested string
		noKey     bool
		errPart   string // empty: the update applies
	}{
		{name: "good release is applied", rel: signed(priv, "2.0.0", good), blob: good, requested: "2.0.0"},
		{name: "latest when no version is named", rel: signed(priv, "2.0.0", good), blob: good},
		{name: "tampered bytes are refused", rel: signed(priv, "2.0.0", good), blob: append([]byte("#!/bin/sh\nrm -rf /\n"), good[19:]...), errPart: "SHA-256"},
		{name: "truncated download is refused", rel: signed(priv, "2.0.0", good), blob: good[:10], errPart: "bytes, the Cloud announced"},
		{name: "signature by another key is refused", rel: signed(otherPriv, "2.0.0", good), blob: good, errPart: "signature does not verify"},
		{name: "signature of another version is refused", rel: func() edgetest.Release {
			r := signed(priv, "2.0.0", good)
			r.Version = "9.9.9"
			return r
		}(), blob: good, errPart: "signature does not verify"},
		{name: "garbage signature is refused", rel: func() edgetest.Release {
			r := signed(priv, "2.0.0", good)
			r.Signature = "not-a-signature"
			return r
		}(), blob: good, errPart: "signature"},
		{name: "binary that is not the announced version is refused", rel: signed(priv, "2.0.0", script("1.9.0")), blob: script("1.9.0"), errPart: "not version 2.0.0"},
		{name: "requested version must be the channel's", rel: signed(priv, "2.0.0", good), blob: good, requested: "3.0.0", errPart: "not the requested 3.0.0"},
		{name: "no trusted key refuses updates", rel: signed(priv, "2.0.0", good), blob: good, noKey: true, errPart: "no release public key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cloud := edgetest.New(t)
			cloud.SetRelease(tc.rel, tc.blob)
			dir := t.TempDir()
			exe := filepath.Join(dir, "edgezu")
			if err := os.WriteFile(exe, []byte(oldBinary), 0o755); err != nil {
				t.Fatal(err)
			}
			u := &update.Updater{
				Releases: cloudapi.New(cloud.URL(), cloud.URL(), edgetest.DeviceKey, "test"),
				Channel:  "stable", PublicKey: pub, Executable: exe, CurrentVersion: "1.0.0",
			}
			if tc.noKey {
				u.PublicKey = nil
			}
			out, err := u.Update(context.Background(), tc.requested)
			now, _ := os.ReadFile(exe)
			if tc.errPart == "" {
				if err != nil || !out.Changed || out.Version != "2.0.0" || out.PreviousVersion != "1.0.0" {
					t.Fatalf("update = %+v, %v", out, err)
				}
				if !bytes.Equal(now, good) {
					t.Fatalf("binary not replaced: %q", now)
				}
				if st, _ := os.Stat(exe); st.Mode().Perm() != 0o755 {
					t.Fatalf("new binary mode %v", st.Mode())
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tc.errPart) || out.Changed {
					t.Fatalf("update = %+v, %v; want an error containing %q", out, err, tc.errPart)
				}
				if string(now) != oldBinary {
					t.Fatalf("a refused release replaced the binary: %q", now)
				}
			}
			left, _ := os.ReadDir(dir)
			if len(left) != 1 {
				t.Fatalf("files left beside the binary: %v", left)
			}
		})
	}
}

func TestSameVersionIsNoChange(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	cloud := edgetest.New(t)
	cloud.SetRelease(signed(priv, "1.0.0", []byte(oldBinary)), []byte(oldBinary))
	exe := filepath.Join(t.TempDir(), "edgezu")
	if err := os.WriteFile(exe, []byte(oldBinary), 0o755); err != nil {
		t.Fatal(err)
	}
	u := &update.Updater{Releases: cloudapi.New(cloud.URL(), cloud.URL(), edgetest.DeviceKey, "test"), Channel: "stable", PublicKey: pub, Executable: exe, CurrentVersion: "1.0.0"}
	out, err := u.Update(context.Background(), "1.0.0")
	if err != nil || out.Changed {
		t.Fatalf("update to the running version = %+v, %v; want no change", out, err)
	}
}

func TestParsePublicKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	for _, enc := range []string{base64.StdEncoding.EncodeToString(pub), base64.RawURLEncoding.EncodeToString(pub), hex.EncodeToString(pub)} {
		got, err := update.ParsePublicKey(enc)
		if err != nil || !bytes.Equal(got, pub) {
			t.Fatalf("ParsePublicKey(%q) = %v", enc, err)
		}
	}
	if _, err := update.ParsePublicKey("c2hvcnQ="); err == nil {
		t.Fatal("a short key parsed")
	}
}
