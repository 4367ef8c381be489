package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/monozu/monozu/internal/apicontract"
)

// setupOpenAPI writes the OpenAPI documents the web apps are typed from
// (web/api/openapi/*.json); `make openapi` runs it and then regenerates the
// TypeScript types from them.
func setupOpenAPI(fs *flag.FlagSet) func(context.Context) error {
	dir := fs.String("dir", apicontract.Dir, "folder to write <service>.json into (run from the repository root)")
	return func(context.Context) error {
		if err := apicontract.Write(*dir); err != nil {
			return err
		}
		fmt.Printf("wrote %v into %s\n", apicontract.Services, *dir)
		return nil
	}
}
