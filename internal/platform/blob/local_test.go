package blob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monozu/monozu/internal/platform/blob"
	"github.com/monozu/monozu/internal/platform/blob/blobtest"
)

func TestLocalContract(t *testing.T) {
	root := t.TempDir()
	s, err := blob.Local(filepath.Join(root, "store"))
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Contract(t, s)
	// Failed puts remove their temporary files.
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".put-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalKeepsBlobsAcrossReopen(t *testing.T) {
	root := t.TempDir()
	first, err := blob.Local(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := first.Put(ctx, "releases/a", strings.NewReader("kept"), 4); err != nil {
		t.Fatal(err)
	}
	second, err := blob.Local(root)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := second.Stat(ctx, "releases/a"); err != nil || info.Size != 4 {
		t.Fatalf("stat after reopen: %+v %v", info, err)
	}
	if raw, err := os.ReadFile(filepath.Join(root, "releases", "a")); err != nil || string(raw) != "kept" {
		t.Fatalf("the file on disk: %q %v", raw, err)
	}
}

func TestLocalRefusesAKeyThatIsAFolder(t *testing.T) {
	s, err := blob.Local(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Put(ctx, "a/b", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "a", strings.NewReader("x"), 1); !errors.Is(err, blob.ErrInvalidKey) {
		t.Fatalf("put over a folder: %v", err)
	}
	if err := s.Put(ctx, "a/b/c", strings.NewReader("x"), 1); err == nil {
		t.Fatal("put below a blob succeeded")
	}
}

func TestLocalNeedsAFolder(t *testing.T) {
	if _, err := blob.Local(""); err == nil {
		t.Fatal("an empty root was accepted")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := blob.Local(file); err == nil {
		t.Fatal("a file as root was accepted")
	}
}
