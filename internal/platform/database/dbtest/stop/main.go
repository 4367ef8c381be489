// Command stop stops the throwaway PostgreSQL cluster that tests share
// (make test-db-stop). Tests start it again when they need it.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/monozu/monozu/internal/platform/database/dbtest"
	"github.com/monozu/monozu/internal/platform/database/localpg"
)

func main() {
	if err := localpg.Stop(context.Background(), dbtest.ClusterDir()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
