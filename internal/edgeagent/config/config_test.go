package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadLayersFileThenEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	raw, _ := json.Marshal(Config{CloudURL: "https://file.example", Account: "from-file", SpoolMaxBytes: 5 << 20})
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CLOUD_API_URL": "https://env.example", "EDGEZU_SPOOL_MAX_BYTES": "7340032"}
	c, err := Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.applyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.CloudURL != "https://env.example" || c.Account != "from-file" || c.SpoolMaxBytes != 7<<20 {
		t.Fatalf("config = %+v", c)
	}
	if err := c.applyEnv(func(k string) string { return map[string]string{"EDGEZU_SPOOL_MAX_BYTES": "lots"}[k] }); err == nil {
		t.Fatal("a bad EDGEZU_SPOOL_MAX_BYTES was accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json"), true); err != nil {
		t.Fatalf("optional missing file: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json"), false); err == nil {
		t.Fatal("a named missing file was accepted")
	}
}

func TestIdentityIsPrivateAndAtomic(t *testing.T) {
	dir := t.TempDir()
	id := Identity{DeviceID: "d", DeviceKey: "dvc_x", CloudURL: "https://c.example", RegisteredAt: time.Now().UTC().Truncate(time.Second)}
	if err := SaveIdentity(dir, id); err != nil {
		t.Fatal(err)
	}
	if err := SaveIdentity(dir, id); err != nil { // replacing keeps the mode and leaves no temp file
		t.Fatal(err)
	}
	st, err := os.Stat(IdentityPath(dir))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("identity mode = %v, %v", st.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data folder holds %d files, want only identity.json", len(entries))
	}
	got, err := LoadIdentity(dir)
	if err != nil || got != id {
		t.Fatalf("identity = %+v, %v", got, err)
	}
	if err := WriteJSON(IdentityPath(dir), Identity{DeviceID: "d"}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadIdentity(dir); err == nil {
		t.Fatal("an identity without a key loaded")
	}
}

func TestResolveLayersIntervals(t *testing.T) {
	five, two := 5, 2
	in := Resolve(Config{TelemetryEveryS: 60}, Identity{PollIntervalS: 20, UploadIntervalS: 7}, Settings{PollIntervalS: &five, UploadIntervalS: &two})
	if in.Poll != 5*time.Second || in.Upload != 2*time.Second || in.Telemetry != time.Minute {
		t.Fatalf("intervals = %+v", in)
	}
	if d := Resolve(Config{}, Identity{}, Settings{}); d != DefaultIntervals {
		t.Fatalf("defaults = %+v", d)
	}
}
