package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

const sample = `{
 "0080f4": "TELEMECANIQUE ELECTRIQUE\n33 BIS AVENUE,\nFrance",
 "0000BC": "Rockwell  Automation \n1201 South Second Street\nUnited States",
 "001BC5001": "OpenRB.com, Direct SIA\nRiga\nLatvia",
 "0055DA1": "KoolPOS Inc.\nUnited States",
 "0055DA2": ""
}`

func TestRenderFromATarball(t *testing.T) {
	dir := t.TempDir()
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	_ = tw.WriteHeader(&tar.Header{Name: "package/index.json", Mode: 0o644, Size: int64(len(sample))})
	_, _ = tw.Write([]byte(sample))
	_ = tw.Close()
	_ = zw.Close()
	src := filepath.Join(dir, "oui-data-9.9.9.tgz")
	if err := os.WriteFile(src, tgz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "oui.tsv.gz")
	if err := run("", src, out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(zr)
	want := "# source: file oui-data-9.9.9.tgz (IEEE MA-L, MA-M, MA-S)\n" +
		"0000BC\tRockwell Automation\n" +
		"001BC5001\tOpenRB.com, Direct SIA\n" +
		"0055DA1\tKoolPOS Inc.\n" +
		"0080F4\tTELEMECANIQUE ELECTRIQUE\n"
	if got.String() != want {
		t.Fatalf("table:\n%s\nwant:\n%s", got.String(), want)
	}
}

func TestRenderRejectsUnknownPrefixLengths(t *testing.T) {
	if _, err := render("x", map[string]string{"00AB": "Short"}); err == nil {
		t.Fatal("a 16-bit prefix was accepted")
	}
}
