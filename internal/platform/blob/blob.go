// Package blob stores opaque byte streams under keys: agent releases today,
// backups and device uploads later. A Store writes a stream whole or not at
// all, so a reader never sees part of one.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Store keeps byte streams under keys (see ValidKey).
type Store interface {
	// Put stores exactly size bytes read from r under key, replacing what
	// was there. The blob becomes visible only once all of it is stored; a
	// reader with more or fewer bytes than size stores nothing
	// (ErrSizeMismatch), as does any other failure. Of concurrent puts to
	// one key some may fail; the blob is then one that succeeded, whole.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open reads the blob under key; the caller closes it. ErrNotFound
	// when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the blob under key; ErrNotFound when there is none.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the blob under key; a missing blob is no error.
	Delete(ctx context.Context, key string) error
}

// Info describes a stored blob.
type Info struct {
	Size int64
}

// Errors every Store returns (wrapped; test with errors.Is).
var (
	ErrNotFound     = errors.New("blob: not found")
	ErrSizeMismatch = errors.New("blob: the stream's length differs from the declared size")
	ErrInvalidKey   = errors.New("blob: invalid key")
)

// Key limits: the agent_releases.blob_key column allows 500 bytes; a
// segment is a file or folder name of the local store (255 at most).
const (
	MaxKeyLength     = 256
	MaxSegmentLength = 128
)

// ValidKey checks a key: 1 to MaxKeyLength bytes of segments (1 to
// MaxSegmentLength bytes) separated by single slashes, each of lower-case letters, digits, '-', '_' and '.',
// never starting with a dot (so no "." or ".." and no hidden files, which
// the local store keeps for its temporary files). Lower case only, so keys
// mean the same on case-insensitive file systems.
func ValidKey(key string) error {
	if key == "" || len(key) > MaxKeyLength {
		return fmt.Errorf("%w: %d bytes, want 1 to %d", ErrInvalidKey, len(key), MaxKeyLength)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg[0] == '.' || len(seg) > MaxSegmentLength {
			return fmt.Errorf("%w: %q has an empty or overlong segment, or one starting with a dot", ErrInvalidKey, key)
		}
		for _, c := range []byte(seg) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return fmt.Errorf("%w: %q has a character other than a-z, 0-9, dash, underscore and dot", ErrInvalidKey, key)
			}
		}
	}
	return nil
}

// exactly reads exactly size bytes from r: reading past size or ending
// before it fails with ErrSizeMismatch, so a store never commits a blob of
// the wrong length. It also stops when ctx ends.
type exactly struct {
	ctx  context.Context
	r    io.Reader
	left int64
}

func (e *exactly) Read(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	if e.left == 0 {
		// One more byte would be too many; EOF is the only right answer.
		var one [1]byte
		n, err := io.ReadFull(e.r, one[:])
		if n > 0 {
			return 0, ErrSizeMismatch
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, io.EOF
		}
		return 0, err
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, ErrSizeMismatch
	}
	if err == io.EOF {
		err = nil // the next call checks nothing follows
	}
	return n, err
}

func checkPut(key string, size int64) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("%w: negative size %d", ErrSizeMismatch, size)
	}
	return nil
}
