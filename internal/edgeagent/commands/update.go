package commands

import (
	"context"
	"encoding/json"

	"github.com/monozu/monozu/internal/edgeagent/update"
)

// Updater installs a release (internal/edgeagent/update).
type Updater interface {
	Update(ctx context.Context, version string) (update.Outcome, error)
}

// UpdateAgent answers update_agent {version}: verify and swap the binary,
// then restart after the ack when the version changed.
func UpdateAgent(u Updater, restart func()) Handler {
	return func(ctx context.Context, payload json.RawMessage) (Result, error) {
		var p struct {
			Version string `json:"version"`
		}
		if err := decode(payload, &p); err != nil {
			return Result{}, err
		}
		if len(p.Version) > 64 {
			return Result{}, Reject("version is longer than 64 characters")
		}
		out, err := u.Update(ctx, p.Version)
		if err != nil {
			return Result{}, err
		}
		res := Result{Data: out}
		if out.Changed {
			res.AfterAck = restart
		}
		return res, nil
	}
}
