// Package blobtest is the contract every blob.Store implementation passes:
// one suite, run against the local folder and against Azure Storage
// (Azurite), so the two cannot drift apart.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/monozu/monozu/internal/platform/blob"
)

// Contract runs the suite against s, which must be empty of keys under
// "contract/".
func Contract(t *testing.T, s blob.Store) {
	t.Helper()
	ctx := context.Background()

	t.Run("put then read", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			key  string
			size int
		}{
			{"small", "contract/small", 13},
			{"empty", "contract/empty.bin", 0},
			// Larger than a block of the Azure store: staged in several.
			{"several blocks", "contract/nested/deeper/large_1.0.0-rc.1", 9<<20 + 17},
		} {
			t.Run(tc.name, func(t *testing.T) {
				data := payload(tc.size, 1)
				if err := s.Put(ctx, tc.key, bytes.NewReader(data), int64(len(data))); err != nil {
					t.Fatal(err)
				}
				assertContent(t, s, tc.key, data)
			})
		}
	})

	t.Run("put replaces", func(t *testing.T) {
		key := "contract/replaced"
		put(t, s, key, []byte("first version"))
		put(t, s, key, []byte("second"))
		assertContent(t, s, key, []byte("second"))
	})

	t.Run("a failed put stores nothing and keeps what was there", func(t *testing.T) {
		old := []byte("the old, whole blob")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		for _, tc := range []struct {
			name string
			ctx  context.Context
			r    func() io.Reader
			size int64
			want error
		}{
			{"stream shorter than the size", ctx, func() io.Reader { return bytes.NewReader(payload(1000, 2)) }, 1001, blob.ErrSizeMismatch},
			{"stream longer than the size", ctx, func() io.Reader { return bytes.NewReader(payload(1001, 2)) }, 1000, blob.ErrSizeMismatch},
			{"longer by a block", ctx, func() io.Reader { return bytes.NewReader(payload(5<<20, 2)) }, 1 << 20, blob.ErrSizeMismatch},
			{"stream failing midway", ctx, func() io.Reader {
				return io.MultiReader(bytes.NewReader(payload(5<<20, 3)), failing{})
			}, 6 << 20, errBroken},
			{"cancelled context", cancelled, func() io.Reader { return bytes.NewReader(payload(100, 4)) }, 100, nil},
			{"negative size", ctx, func() io.Reader { return strings.NewReader("") }, -1, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				fresh := "contract/failed/" + slug(tc.name)
				err := s.Put(tc.ctx, fresh, tc.r(), tc.size)
				if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
					t.Fatalf("put: %v, want %v", err, tc.want)
				}
				if _, err := s.Stat(ctx, fresh); !errors.Is(err, blob.ErrNotFound) {
					t.Fatalf("stat after a failed put: %v, want not found", err)
				}
				kept := "contract/kept/" + slug(tc.name)
				put(t, s, kept, old)
				if err := s.Put(tc.ctx, kept, tc.r(), tc.size); err == nil {
					t.Fatal("the second failing put succeeded")
				}
				assertContent(t, s, kept, old)
			})
		}
	})

	// Azure may fail the put that commits second (its blocks are dropped
	// by the first commit); never may the blob mix the two.
	t.Run("concurrent puts leave one of them whole", func(t *testing.T) {
		key := "contract/raced"
		streams := [][]byte{payload(6<<20, 5), payload(6<<20, 6)}
		errs := make([]error, len(streams))
		var wg sync.WaitGroup
		for i, data := range streams {
			wg.Go(func() { errs[i] = s.Put(ctx, key, bytes.NewReader(data), int64(len(data))) })
		}
		wg.Wait()
		got := read(t, s, key)
		for i, data := range streams {
			if errs[i] == nil && bytes.Equal(got, data) {
				return
			}
		}
		t.Fatalf("after two concurrent puts (errors %v) the blob (%d bytes) is neither that succeeded", errs, len(got))
	})

	t.Run("missing keys", func(t *testing.T) {
		key := "contract/never-stored"
		if _, _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open: %v, want not found", err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("stat: %v, want not found", err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("delete of a missing blob: %v", err)
		}
		// A prefix of stored keys is no blob.
		put(t, s, "contract/prefix/child", []byte("x"))
		if _, err := s.Stat(ctx, "contract/prefix"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("stat of a prefix: %v, want not found", err)
		}
		if _, _, err := s.Open(ctx, "contract/prefix"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open of a prefix: %v, want not found", err)
		}
		if err := s.Delete(ctx, "contract/prefix"); err != nil {
			t.Fatalf("delete of a prefix: %v", err)
		}
		// Below a stored blob, as if it were a folder.
		if _, err := s.Stat(ctx, "contract/prefix/child/below"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("stat below a blob: %v, want not found", err)
		}
		assertContent(t, s, "contract/prefix/child", []byte("x"))
	})

	t.Run("delete", func(t *testing.T) {
		key := "contract/deleted"
		put(t, s, key, []byte("soon gone"))
		if err := s.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open after delete: %v, want not found", err)
		}
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("invalid keys are refused by every method", func(t *testing.T) {
		for _, key := range []string{
			"", "../escape", "contract/../escape", "/absolute", "contract/", "contract//double", ".hidden",
			"contract/.put-123", "Upper", "with space", `back\slash`, "contract/ünïcode", "nul\x00byte", "question?",
			"percent%2e", strings.Repeat("k", blob.MaxSegmentLength+1),
			strings.Repeat("k/", blob.MaxKeyLength/2) + "k",
		} {
			t.Run(slug(key), func(t *testing.T) {
				if err := s.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, blob.ErrInvalidKey) {
					t.Fatalf("put: %v", err)
				}
				if _, _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
					t.Fatalf("open: %v", err)
				}
				if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
					t.Fatalf("stat: %v", err)
				}
				if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
					t.Fatalf("delete: %v", err)
				}
			})
		}
		longest := strings.Repeat("k", blob.MaxSegmentLength) + "/" + strings.Repeat("k", blob.MaxKeyLength-blob.MaxSegmentLength-1)
		put(t, s, longest, []byte("fits"))
		assertContent(t, s, longest, []byte("fits"))
	})
}

var errBroken = errors.New("the source broke")

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errBroken }

// payload is n reproducible pseudo-random bytes.
func payload(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed*7919))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func slug(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			out[i] = '-'
		}
	}
	if len(out) > 40 {
		out = out[:40]
	}
	if len(out) == 0 {
		return "empty"
	}
	return string(out)
}

func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func read(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	r, info, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer func() { _ = r.Close() }()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if info.Size != int64(len(got)) {
		t.Fatalf("open %s: size %d, read %d bytes", key, info.Size, len(got))
	}
	return got
}

func assertContent(t *testing.T, s blob.Store, key string, want []byte) {
	t.Helper()
	if got := read(t, s, key); !bytes.Equal(got, want) {
		t.Fatalf("%s: read %d bytes that differ from the %d stored", key, len(got), len(want))
	}
	info, err := s.Stat(context.Background(), key)
	if err != nil || info.Size != int64(len(want)) {
		t.Fatalf("stat %s: %+v %v, want size %d", key, info, err, len(want))
	}
}
