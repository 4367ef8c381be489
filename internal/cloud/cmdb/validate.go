package cmdb

import "github.com/monozu/monozu/internal/platform/errs"

// checker is the platform's field-error collector, with the CMDB's own
// checks added as methods in the files of their records.
type checker struct{ errs.Checker }
