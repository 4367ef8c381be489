package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// LocalStore keeps blobs as files under a folder: a key's segments are
// folders and its last one the file. Writes go to a hidden temporary file
// beside the target, are synced, and renamed into place, so a blob is
// either absent or whole, even across a crash. A key cannot be the folder
// of another key here (Put refuses it).
type LocalStore struct {
	root string
}

var _ Store = (*LocalStore)(nil)

// Local opens (creating when missing) the store in folder root.
func Local(root string) (*LocalStore, error) {
	if root == "" {
		return nil, errors.New("blob: the local store needs a folder")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blob: creating %s: %w", abs, err)
	}
	return &LocalStore{root: abs}, nil
}

func (s *LocalStore) path(key string) string { return filepath.Join(s.root, filepath.FromSlash(key)) }

// Put writes through a temporary file, fsyncs it, renames it over the
// target and fsyncs the folder, so the rename itself survives a crash.
func (s *LocalStore) Put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	if err := checkPut(key, size); err != nil {
		return err
	}
	target := s.path(key)
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return fmt.Errorf("%w: %q is a folder of other keys", ErrInvalidKey, key)
	}
	tmp, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, &exactly{ctx: ctx, r: r, left: size}); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

// Open opens the file; a rename replacing it later leaves this reader on
// the old, whole file.
func (s *LocalStore) Open(_ context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, Info{}, localErr(key, err)
	}
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		_ = f.Close()
		if err == nil {
			err = ErrNotFound
		}
		return nil, Info{}, localErr(key, err)
	}
	return f, Info{Size: fi.Size()}, nil
}

// Stat describes the file.
func (s *LocalStore) Stat(_ context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(s.path(key))
	if err == nil && fi.IsDir() {
		err = ErrNotFound
	}
	if err != nil {
		return Info{}, localErr(key, err)
	}
	return Info{Size: fi.Size()}, nil
}

// Delete removes the file; a folder is no blob and stays.
func (s *LocalStore) Delete(_ context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	path := s.path(key)
	fi, err := os.Lstat(path)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		err = os.Remove(path)
	}
	if err != nil && !errors.Is(localErr(key, err), ErrNotFound) {
		return localErr(key, err)
	}
	return nil
}

// localErr names the key, never the folder, and maps a missing file (or a
// file standing where a folder of the key should be) to ErrNotFound.
func localErr(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrNotFound) || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("blob: %s: %w", key, err)
}
