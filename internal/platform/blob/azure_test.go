package blob_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/blob/blobtest"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

// azuriteVersion is the emulator the Azure store is tested against.
const azuriteVersion = "3.37.0"

// azuriteAccountKey is Azurite's well-known development account key
// (public, the same in every installation).
const azuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

func TestAzureContract(t *testing.T) {
	conn := startAzurite(t)
	ctx := context.Background()
	s, err := blob.Azure(ctx, conn, "contract")
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Contract(t, s)

	t.Run("an existing container is used as it is", func(t *testing.T) {
		again, err := blob.Azure(ctx, conn, "contract")
		if err != nil {
			t.Fatal(err)
		}
		if info, err := again.Stat(ctx, "contract/replaced"); err != nil || info.Size != int64(len("second")) {
			t.Fatalf("stat through a second client: %+v %v", info, err)
		}
	})
	t.Run("bad settings", func(t *testing.T) {
		for _, name := range []string{"", "ab", "Upper", "has_underscore", "double--hyphen", "-leading", strings.Repeat("a", 64)} {
			if _, err := blob.Azure(ctx, conn, name); err == nil {
				t.Errorf("container name %q was accepted", name)
			}
		}
		if _, err := blob.Azure(ctx, "AccountKey=secret-value;not a connection string", "snaps"); err == nil ||
			strings.Contains(err.Error(), "secret-value") {
			t.Errorf("bad connection string: %v", err)
		}
	})
}

// startAzurite runs Azurite's blob service on a free loopback port with
// in-memory storage until the test ends, installing it with npm into a
// cache folder when it is not there yet, and returns its connection string.
func startAzurite(t *testing.T) string {
	t.Helper()
	bin := installAzurite(t)
	addr := apitest.FreeAddr(t)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--blobHost", host, "--blobPort", port, "--skipApiVersionCheck", "--inMemoryPersistence", "--silent")
	cmd.Dir = t.TempDir() // anything it writes stays out of the source tree
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Azurite: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	endpoint := "http://" + addr + "/devstoreaccount1"
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("Azurite exited: %v\n%s", waitErr, out.String())
		default:
		}
		// Any HTTP answer means it listens (the account root answers 400).
		if resp, err := http.Get(endpoint + "?comp=list"); err == nil {
			_ = resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Azurite did not answer on %s within a minute:\n%s", addr, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=%s;",
		azuriteAccountKey, endpoint)
}

// installAzurite returns the azurite-blob command, installing the pinned
// version into a cache folder under the temporary directory when missing.
// It installs into a fresh folder and renames that into place, so
// concurrent test processes never see a half-installed package.
func installAzurite(t *testing.T) string {
	t.Helper()
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("monozu-azurite-%d", os.Getuid()))
	dir := filepath.Join(cache, azuriteVersion)
	bin := filepath.Join(dir, "node_modules", ".bin", "azurite-blob")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is needed to install Azurite (the Azure Storage emulator the Azure blob store is tested against): %v; "+
			"install Node.js and npm", err)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	staging, err := os.MkdirTemp(cache, "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(staging) }()
	t.Logf("installing azurite@%s into %s", azuriteVersion, dir)
	cmd := exec.Command(npm, "install", "--prefix", staging, "--no-audit", "--no-fund", "--loglevel=error", "azurite@"+azuriteVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install azurite@%s: %v\n%s", azuriteVersion, err, out)
	}
	if err := os.Rename(staging, dir); err != nil {
		if _, statErr := os.Stat(bin); statErr != nil { // another process won the race
			t.Fatalf("installing Azurite: %v", err)
		}
	}
	return bin
}
