// Command gen builds the embedded OUI table (oui.tsv.gz) from the npm package oui-data, which
// carries the IEEE registries MA-L, MA-M and MA-S as one JSON object: hex prefix → organisation
// name and address, one per line. Only the organisation's name is kept.
//
//	go run ./gen -package oui-data@2.1.9 -out oui.tsv.gz   (runs `npm pack`)
//	go run ./gen -src index.json -out oui.tsv.gz           (a local copy of the JSON)
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	pkg := flag.String("package", "oui-data@2.1.9", "npm package spec to fetch with `npm pack`")
	src := flag.String("src", "", "a local index.json or package .tgz instead of fetching -package")
	out := flag.String("out", "oui.tsv.gz", "output file")
	flag.Parse()
	if err := run(*pkg, *src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pkg, src, out string) error {
	label := "npm " + pkg
	if src == "" {
		dir, err := os.MkdirTemp("", "oui-gen")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, pkg)
		cmd.Stderr = os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", pkg, err)
		}
		src = filepath.Join(dir, strings.TrimSpace(string(name)))
	} else {
		label = "file " + filepath.Base(src)
	}
	raw, err := readSource(src)
	if err != nil {
		return err
	}
	var registry map[string]string
	if err := json.Unmarshal(raw, &registry); err != nil {
		return fmt.Errorf("parse %s: %w", src, err)
	}
	table, err := render(label, registry)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(table); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// readSource returns index.json from a package tarball, or the file itself.
func readSource(path string) ([]byte, error) {
	if !strings.HasSuffix(path, ".tgz") {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s has no package/index.json", path)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/index.json" {
			return io.ReadAll(tr)
		}
	}
}

// render writes a header line and then "PREFIX<TAB>Organisation" lines sorted by prefix, so the
// gzip stream compresses well and diffs of regenerated tables stay readable.
func render(label string, registry map[string]string) ([]byte, error) {
	entries := make(map[string]string, len(registry))
	prefixes := make([]string, 0, len(registry))
	for p, entry := range registry {
		switch len(p) {
		case 6, 7, 9:
		default:
			return nil, fmt.Errorf("unexpected prefix %q", p)
		}
		p = strings.ToUpper(p)
		entries[p] = entry
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	var b strings.Builder
	fmt.Fprintf(&b, "# source: %s (IEEE MA-L, MA-M, MA-S)\n", label)
	for _, p := range prefixes {
		name := organisation(entries[p])
		if name == "" {
			continue
		}
		b.WriteString(p)
		b.WriteByte('\t')
		b.WriteString(name)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// organisation is the first line of an entry with its whitespace collapsed.
func organisation(entry string) string {
	first, _, _ := strings.Cut(entry, "\n")
	return strings.Join(strings.Fields(first), " ")
}
