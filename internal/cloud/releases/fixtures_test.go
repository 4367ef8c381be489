package releases_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"mime/multipart"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection of fixtures

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/releases"
	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const (
	publishURL   = "/api/v1/admin/publish"
	latestURL    = "/api/v1/snaps/latest"
	publicKeyURL = "/api/v1/snaps/public-key"
)

// form is a multipart body: fields (a name may repeat) and files.
type form struct {
	fields [][2]string
	files  [][2]string // field name, content
}

func releaseForm(version, channel, os, arch string, file []byte) form {
	return form{fields: [][2]string{{"version", version}, {"channel", channel}, {"os", os}, {"arch", arch}},
		files: [][2]string{{"file", string(file)}}}
}

func (f form) encode(t *testing.T) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, kv := range f.fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range f.files {
		w, err := mw.CreateFormFile(kv[0], "edgezu")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(kv[1]))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), mw.FormDataContentType()
}

// publishCase is a publish request with the given token ("" sends none).
func publishCase(t *testing.T, name, token string, f form, status int, code string) apitest.Case {
	t.Helper()
	body, contentType := f.encode(t)
	h := map[string]string{"Content-Type": contentType}
	if token != "" {
		h[releases.HeaderPublishToken] = token
	}
	return apitest.Case{Name: name, Method: "POST", Path: publishURL, Body: body, Headers: h, Status: status, Code: code}
}

func publish(t *testing.T, e *cloudtest.Env, f form) releases.Release {
	t.Helper()
	c := publishCase(t, "publish", cloudtest.SnapPublishToken, f, 201, "")
	r := e.Do(t, c.Method, c.Path, c.Body, c.Headers)
	if r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var out releases.Release
	r.JSON(t, &out)
	return out
}

// binary is n random bytes standing in for an agent build.
func binary(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// device is an edge device of a tenant with its key, written as the
// superuser so these tests depend only on the schema.
type device struct {
	id  uuid.UUID
	key string
}

func (d device) headers() map[string]string { return map[string]string{"X-Device-Key": d.key} }

func newDevice(t *testing.T, e *cloudtest.Env, tenantID uuid.UUID, agentVersion, os, arch string) device {
	t.Helper()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	d := device{id: uuid.New(), key: "dvc_" + base64.RawURLEncoding.EncodeToString(raw)}
	hash := sha256.Sum256([]byte(d.key))
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(`INSERT INTO edge_devices (tenant_id, id, name, key_hash, agent_version, os, arch)
		VALUES ($1, $2, 'gateway', $3, $4, $5, $6)`, tenantID, d.id, hash[:], agentVersion, os, arch); err != nil {
		t.Fatal(err)
	}
	return d
}

// newEnv is the Cloud API with its release store in a folder the test can
// look into.
func newEnv(t *testing.T, adjust ...func(*cloud.Deps)) (*cloudtest.Env, string) {
	t.Helper()
	dir := t.TempDir()
	store, err := blob.Local(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cloudtest.New(t, append([]func(*cloud.Deps){func(d *cloud.Deps) { d.Releases.Store = store }}, adjust...)...), dir
}

// assertBlobs checks the store holds exactly n files: a release that was
// refused leaves nothing behind, not even a temporary file.
func assertBlobs(t *testing.T, dir string, n int) {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != n {
		t.Fatalf("the store holds %d files, want %d: %v", len(files), n, files)
	}
}

func execAdmin(t *testing.T, e *cloudtest.Env, query string, args ...any) {
	t.Helper()
	admin, err := sql.Open("pgx", e.DB.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}
