package releases_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/cloud"
	"github.com/monozu/monozu/internal/cloud/cloudtest"
	"github.com/monozu/monozu/internal/cloud/releases"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
	"github.com/monozu/monozu/internal/platform/release"
)

func decode[T any](t *testing.T, r *apitest.Response) T {
	t.Helper()
	var out T
	r.JSON(t, &out)
	return out
}

func fieldErrors(want ...string) func(*testing.T, *apitest.Response) {
	return func(t *testing.T, r *apitest.Response) {
		t.Helper()
		var got []string
		for _, f := range r.Problem(t).Errors {
			got = append(got, f.Field+":"+f.Code)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("field errors %v, want %v", got, want)
		}
	}
}

func TestReleasesSuccess(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, _ := e.ActiveTenant(t, "acme")
	dev := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64")
	h := dev.headers()
	old := binary(t, 1000)
	build := binary(t, 3<<20+5)
	var pub release.Manifest
	var published releases.Release

	apitest.Run(t, e.Server.App(), "publish", []apitest.Case{
		publishCase(t, "an older build", cloudtest.SnapPublishToken, releaseForm("1.1.0", "stable", "linux", "amd64", old), 201, ""),
		func() apitest.Case {
			c := publishCase(t, "the new build", cloudtest.SnapPublishToken, releaseForm("1.2.0+b7", "stable", "linux", "amd64", build), 201, "")
			c.Check = func(t *testing.T, r *apitest.Response) {
				published = decode[releases.Release](t, r)
				sum := sha256.Sum256(build)
				if published.SHA256 != hex.EncodeToString(sum[:]) || published.Size != int64(len(build)) || published.Version != "1.2.0+b7" ||
					published.Channel != "stable" || published.OS != "linux" || published.Arch != "amd64" || published.Signature == "" {
					t.Fatalf("release: %+v", published)
				}
				want := "/api/v1/snaps/1.2.0+b7/download?arch=amd64&channel=stable&os=linux"
				if published.DownloadURL != want || r.Header.Get("Location") != want {
					t.Fatalf("download URL %q, Location %q, want %q", published.DownloadURL, r.Header.Get("Location"), want)
				}
				pub = published.Manifest()
			}
			return c
		}(),
		publishCase(t, "channel defaults to stable, another platform", cloudtest.SnapPublishToken, form{
			fields: [][2]string{{"version", "1.3.0"}, {"os", "linux"}, {"arch", "arm64"}}, files: [][2]string{{"file", "arm"}}}, 201, ""),
		publishCase(t, "another channel", cloudtest.SnapPublishToken, releaseForm("1.4.0-beta.1", "beta", "linux", "amd64", []byte("beta")), 201, ""),
	})

	var key releases.PublicKey
	apitest.Run(t, e.Server.App(), "device", []apitest.Case{
		{Name: "public key", Method: "GET", Path: publicKeyURL, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
			key = decode[releases.PublicKey](t, r)
			if key.Algorithm != "ed25519" {
				t.Fatalf("key: %+v", key)
			}
		}},
		{Name: "latest of stable", Method: "GET", Path: latestURL + "?os=linux&arch=amd64", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := decode[releases.Release](t, r); got.Version != "1.2.0+b7" || got.SHA256 != published.SHA256 ||
					got.Signature != published.Signature || got.Size != published.Size || got.DownloadURL != published.DownloadURL {
					t.Fatalf("latest: %+v", got)
				}
			}},
		{Name: "latest of beta", Method: "GET", Path: latestURL + "?channel=beta&os=linux&arch=amd64", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := decode[releases.Release](t, r); got.Version != "1.4.0-beta.1" {
					t.Fatalf("latest beta: %+v", got)
				}
			}},
		{Name: "latest of arm64", Method: "GET", Path: latestURL + "?channel=stable&os=linux&arch=arm64", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if got := decode[releases.Release](t, r); got.Version != "1.3.0" {
					t.Fatalf("latest arm64: %+v", got)
				}
			}},
		{Name: "download", Method: "GET", Path: "/api/v1/snaps/1.2.0+b7/download?os=linux&arch=amd64", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if !bytes.Equal(r.Body, build) {
					t.Fatalf("downloaded %d bytes that differ from the %d published", len(r.Body), len(build))
				}
				sum := sha256.Sum256(r.Body)
				if r.Header.Get(releases.HeaderSHA256) != hex.EncodeToString(sum[:]) || r.Header.Get("Content-Length") != "3145733" ||
					r.Header.Get(releases.HeaderSignature) != published.Signature || r.Header.Get("Content-Type") != "application/octet-stream" {
					t.Fatalf("headers: %v", r.Header)
				}
				pubKey, err := release.ParsePublicKey(key.PublicKey)
				if err != nil {
					t.Fatal(err)
				}
				if err := release.VerifyContent(pubKey, pub, r.Header.Get(releases.HeaderSignature), bytes.NewReader(r.Body)); err != nil {
					t.Fatalf("the download does not verify: %v", err)
				}
				signer, _ := release.ParseSigningKey(cloudtest.SnapSigningKey)
				if !pubKey.Equal(signer.PublicKey()) {
					t.Fatal("the public key is not the release key's")
				}
			}},
		{Name: "download with an escaped version", Method: "GET", Path: "/api/v1/snaps/1.2.0%2Bb7/download?os=linux&arch=amd64&channel=stable",
			Headers: h, Status: 200, Check: func(t *testing.T, r *apitest.Response) {
				if !bytes.Equal(r.Body, build) {
					t.Fatal("wrong bytes")
				}
			}},
		{Name: "download an older version", Method: "GET", Path: "/api/v1/snaps/1.1.0/download?os=linux&arch=amd64", Headers: h, Status: 200,
			Check: func(t *testing.T, r *apitest.Response) {
				if !bytes.Equal(r.Body, old) {
					t.Fatal("wrong bytes")
				}
			}},
	})
}

func TestReleasesNotFound(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, _ := e.ActiveTenant(t, "acme")
	h := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64").headers()
	publish(t, e, releaseForm("2.0.0", "stable", "linux", "amd64", []byte("bin")))
	apitest.Run(t, e.Server.App(), "not found", []apitest.Case{
		{Name: "no release for the platform", Method: "GET", Path: latestURL + "?os=windows&arch=amd64", Headers: h, Status: 404, Code: "not_found"},
		{Name: "no release on the channel", Method: "GET", Path: latestURL + "?channel=beta&os=linux&arch=amd64", Headers: h, Status: 404, Code: "not_found"},
		{Name: "unknown version", Method: "GET", Path: "/api/v1/snaps/2.0.1/download?os=linux&arch=amd64", Headers: h, Status: 404, Code: "not_found"},
		{Name: "version of another platform", Method: "GET", Path: "/api/v1/snaps/2.0.0/download?os=linux&arch=arm64", Headers: h, Status: 404, Code: "not_found"},
		{Name: "version of another channel", Method: "GET", Path: "/api/v1/snaps/2.0.0/download?channel=beta&os=linux&arch=amd64", Headers: h, Status: 404, Code: "not_found"},
	})
}

func TestReleasesValidation(t *testing.T) {
	e := cloudtest.New(t)
	tenantID, _ := e.ActiveTenant(t, "acme")
	h := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64").headers()
	tok := cloudtest.SnapPublishToken
	bin := []byte("binary")
	invalid := func(name string, f form, want ...string) apitest.Case {
		c := publishCase(t, name, tok, f, 422, "validation_failed")
		c.Check = fieldErrors(want...)
		return c
	}
	apitest.Run(t, e.Server.App(), "publish", []apitest.Case{
		invalid("every field missing", form{}, "version:required", "os:required", "arch:required", "file:required"),
		invalid("bad version", releaseForm("1.0 beta", "stable", "linux", "amd64", bin), "version:invalid"),
		invalid("version starting with v dot", releaseForm(".1", "stable", "linux", "amd64", bin), "version:invalid"),
		invalid("version too long", releaseForm(strings.Repeat("1", 65), "stable", "linux", "amd64", bin), "version:invalid"),
		invalid("upper-case channel", releaseForm("1.0.0", "Stable", "linux", "amd64", bin), "channel:invalid"),
		invalid("empty channel", releaseForm("1.0.0", "", "linux", "amd64", bin), "channel:required"),
		invalid("bad os", releaseForm("1.0.0", "stable", "Linux", "amd64", bin), "os:invalid"),
		invalid("bad arch", releaseForm("1.0.0", "stable", "linux", "x86-64", bin), "arch:invalid"),
		invalid("empty file", releaseForm("1.0.0", "stable", "linux", "amd64", nil), "file:empty"),
		invalid("two files", form{fields: releaseForm("1.0.0", "stable", "linux", "amd64", nil).fields,
			files: [][2]string{{"file", "a"}, {"file", "b"}}}, "file:repeated"),
		invalid("repeated field", form{fields: append(releaseForm("1.0.0", "stable", "linux", "amd64", nil).fields, [2]string{"os", "darwin"}),
			files: [][2]string{{"file", "a"}}}, "os:repeated"),
		invalid("unknown fields", form{fields: append(releaseForm("1.0.0", "stable", "linux", "amd64", nil).fields, [2]string{"sha256", "x"}),
			files: [][2]string{{"file", "a"}, {"signature", "b"}}}, "sha256:unknown_field", "signature:unknown_field"),
		{Name: "not multipart", Method: "POST", Path: publishURL, Body: map[string]string{"version": "1.0.0"},
			Headers: map[string]string{releases.HeaderPublishToken: tok}, Status: 415, Code: "unsupported_media_type"},
		func() apitest.Case {
			c := publishCase(t, "query parameters", tok, releaseForm("1.0.0", "stable", "linux", "amd64", bin), 422, "validation_failed")
			c.Path += "?dry_run=true"
			c.Check = fieldErrors("dry_run:unknown_parameter")
			return c
		}(),
	})
	apitest.Run(t, e.Server.App(), "device", []apitest.Case{
		{Name: "latest without os and arch", Method: "GET", Path: latestURL, Headers: h, Status: 422, Code: "validation_failed",
			Check: fieldErrors("os:required", "arch:required")},
		{Name: "latest with a bad channel", Method: "GET", Path: latestURL + "?channel=NOPE&os=linux&arch=amd64", Headers: h, Status: 422,
			Code: "validation_failed", Check: fieldErrors("channel:invalid")},
		{Name: "latest with an unknown parameter", Method: "GET", Path: latestURL + "?os=linux&arch=amd64&version=1", Headers: h, Status: 422,
			Code: "validation_failed", Check: fieldErrors("version:unknown_parameter")},
		{Name: "download of a bad version", Method: "GET", Path: "/api/v1/snaps/1.0%20beta/download?os=linux&arch=amd64", Headers: h,
			Status: 422, Code: "validation_failed", Check: fieldErrors("version:invalid")},
	})
}

func TestReleasesConflict(t *testing.T) {
	e, dir := newEnv(t)
	f := releaseForm("1.0.0", "stable", "linux", "amd64", []byte("first"))
	publish(t, e, f)
	apitest.Run(t, e.Server.App(), "conflict", []apitest.Case{
		publishCase(t, "same version, channel and platform", cloudtest.SnapPublishToken,
			releaseForm("1.0.0", "stable", "linux", "amd64", []byte("other bytes")), 409, "release_exists"),
		publishCase(t, "same version on another platform", cloudtest.SnapPublishToken,
			releaseForm("1.0.0", "stable", "linux", "arm64", []byte("arm")), 201, ""),
	})

	// Racing publishes of one version: exactly one wins, and the losers'
	// binaries do not stay in the store.
	racer := releaseForm("2.0.0", "stable", "linux", "amd64", binary(t, 64<<10))
	body, contentType := racer.encode(t)
	statuses := make(chan int, 6)
	var wg sync.WaitGroup
	for range cap(statuses) {
		wg.Go(func() {
			r := e.Do(t, "POST", publishURL, body, map[string]string{"Content-Type": contentType, releases.HeaderPublishToken: cloudtest.SnapPublishToken})
			statuses <- r.Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != cap(statuses)-1 {
		t.Fatalf("racing publishes answered %v, want one 201 and the rest 409", count)
	}
	assertBlobs(t, dir, 3)
}

func TestReleasesAuthentication(t *testing.T) {
	e, dir := newEnv(t)
	tenantID, _ := e.ActiveTenant(t, "acme")
	dev := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64")
	publish(t, e, releaseForm("1.0.0", "stable", "linux", "amd64", []byte("bin")))
	f := releaseForm("1.1.0", "stable", "linux", "amd64", []byte("bin"))
	deregistered := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64")
	execAdmin(t, e, `UPDATE edge_devices SET key_hash = NULL, deregistered_at = now() WHERE id = $1`, deregistered.id)
	apitest.Run(t, e.Server.App(), "publish token", []apitest.Case{
		publishCase(t, "missing token", "", f, 401, "invalid_publish_token"),
		publishCase(t, "wrong token", "cloudtest-snap-publish-token-0123456780", f, 401, "invalid_publish_token"),
		publishCase(t, "a prefix of the token", cloudtest.SnapPublishToken[:20], f, 401, "invalid_publish_token"),
		publishCase(t, "a device key", dev.key, f, 401, "invalid_publish_token"),
		{Name: "a wrong token before a bad body", Method: "POST", Path: publishURL, Body: "{}",
			Headers: map[string]string{releases.HeaderPublishToken: "nope"}, Status: 401, Code: "invalid_publish_token"},
	})
	assertBlobs(t, dir, 1)
	download := "/api/v1/snaps/1.0.0/download?os=linux&arch=amd64"
	apitest.Run(t, e.Server.App(), "device key", []apitest.Case{
		{Name: "latest without a key", Method: "GET", Path: latestURL + "?os=linux&arch=amd64", Status: 401, Code: "invalid_device_key"},
		{Name: "download without a key", Method: "GET", Path: download, Status: 401, Code: "invalid_device_key"},
		{Name: "unknown key", Method: "GET", Path: download, Headers: map[string]string{"X-Device-Key": "dvc_unknown"}, Status: 401, Code: "invalid_device_key"},
		{Name: "deregistered device", Method: "GET", Path: download, Headers: deregistered.headers(), Status: 401, Code: "invalid_device_key"},
		{Name: "the publish token", Method: "GET", Path: download, Headers: map[string]string{"X-Device-Key": cloudtest.SnapPublishToken},
			Status: 401, Code: "invalid_device_key"},
		{Name: "public key needs none", Method: "GET", Path: publicKeyURL, Status: 200},
	})
}

func TestReleasesRateLimit(t *testing.T) {
	e := cloudtest.New(t, func(d *cloud.Deps) { d.Auth.CredentialRateLimit = 3; d.DeviceRateLimit = 2 })
	tenantID, _ := e.ActiveTenant(t, "acme")
	h := newDevice(t, e, tenantID, "1.0.0", "linux", "amd64").headers()
	f := releaseForm("1.0.0", "stable", "linux", "amd64", []byte("bin"))
	apitest.Run(t, e.Server.App(), "publish attempts per IP", []apitest.Case{
		publishCase(t, "wrong token 1", "wrong", f, 401, "invalid_publish_token"),
		publishCase(t, "wrong token 2", "wrong", f, 401, "invalid_publish_token"),
		publishCase(t, "right token", cloudtest.SnapPublishToken, f, 201, ""),
		func() apitest.Case {
			c := publishCase(t, "over the limit, even with the right token", cloudtest.SnapPublishToken,
				releaseForm("1.0.1", "stable", "linux", "amd64", []byte("bin")), 429, "rate_limited")
			c.Check = func(t *testing.T, r *apitest.Response) {
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("no Retry-After")
				}
			}
			return c
		}(),
	})
	apitest.Run(t, e.Server.App(), "device requests per device", []apitest.Case{
		{Name: "first", Method: "GET", Path: latestURL + "?os=linux&arch=amd64", Headers: h, Status: 200},
		{Name: "second", Method: "GET", Path: latestURL + "?os=linux&arch=amd64", Headers: h, Status: 200},
		{Name: "third", Method: "GET", Path: latestURL + "?os=linux&arch=amd64", Headers: h, Status: 429, Code: "rate_limited"},
	})
}

// TestReleasesOverTheWire sends what the server refuses while reading a
// request, before any route runs, over a real connection (app.Test cannot
// show those answers): a body over the cap and a broken multipart form.
func TestReleasesOverTheWire(t *testing.T) {
	const upload = 2 << 20
	e, dir := newEnv(t, func(d *cloud.Deps) { d.HTTP.UploadLimit = upload })
	base := e.Listen(t)
	t.Run("over the upload limit", func(t *testing.T) {
		// The server refuses on the declared length, before reading any
		// of the body. The client sends none: a server closing a socket
		// with unread bytes in it resets the connection, and the reset can
		// overtake the answer, so writing the body would make the test
		// race the kernel rather than check the server.
		status, raw := declareOnly(t, base, upload+1)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(raw, "application/problem+json") {
			t.Fatalf("status %d, want 413 problem: %s", status, raw)
		}
	})
	for _, tc := range []struct {
		name        string
		body        []byte
		contentType string
		status      int
	}{
		{"within it", nil, "", http.StatusCreated},
		{"broken multipart", []byte("--x\r\nbroken"), "multipart/form-data; boundary=x", http.StatusBadRequest},
		{"a part without its end", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nbin"),
			"multipart/form-data; boundary=x", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, contentType := tc.body, tc.contentType
			if body == nil {
				body, contentType = releaseForm("1.0.0", "stable", "linux", "amd64", binary(t, upload-4096)).encode(t)
			}
			req, err := http.NewRequest("POST", base+publishURL, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", contentType)
			req.Header.Set(releases.HeaderPublishToken, cloudtest.SnapPublishToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, raw)
			}
			if resp.StatusCode != http.StatusCreated && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("%d %s: not a problem: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
			}
		})
	}
	assertBlobs(t, dir, 1)
}

// declareOnly sends a publish request whose headers declare a body of
// length bytes, sends no body, and returns the answer's status and its
// whole text (headers included).
func declareOnly(t *testing.T, base string, length int) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		publishURL, strings.TrimPrefix(base, "http://"), releases.HeaderPublishToken, cloudtest.SnapPublishToken, length)
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type") + " " + string(raw)
}

func TestPublishingDisabled(t *testing.T) {
	for name, adjust := range map[string]func(*cloud.Deps){
		"without a token":       func(d *cloud.Deps) { d.Releases.PublishToken = "" },
		"without a signing key": func(d *cloud.Deps) { d.Releases.Signer = nil },
	} {
		t.Run(name, func(t *testing.T) {
			e := cloudtest.New(t, adjust)
			cases := []apitest.Case{
				publishCase(t, "publish is not served", cloudtest.SnapPublishToken, releaseForm("1.0.0", "stable", "linux", "amd64", []byte("b")), 404, "not_found"),
				publishCase(t, "not even with an empty token", "", releaseForm("1.0.0", "stable", "linux", "amd64", []byte("b")), 404, "not_found"),
			}
			if name == "without a signing key" {
				cases = append(cases, apitest.Case{Name: "no public key", Method: "GET", Path: publicKeyURL, Status: 404, Code: "not_found"})
			}
			apitest.Run(t, e.Server.App(), "disabled", cases)
		})
	}
}
