package commands

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/monozu/monozu/internal/edgeagent/config"
)

// Settings is where config_update reads and persists the overrides, and
// how the running loops pick them up.
type Settings interface {
	Current() config.Settings
	// Apply persists the merged overrides and applies them live.
	Apply(config.Settings) error
}

// ConfigUpdate answers config_update {settings}: strictly validated, merged
// over the persisted overrides, saved, applied to the running loops.
func ConfigUpdate(store Settings) Handler {
	return func(ctx context.Context, payload json.RawMessage) (Result, error) {
		var p struct {
			Settings json.RawMessage `json:"settings"`
		}
		if err := decode(payload, &p); err != nil {
			return Result{}, err
		}
		if len(p.Settings) == 0 {
			return Result{}, Reject("settings is required")
		}
		change, err := config.ParseSettings(p.Settings)
		if err != nil {
			return Result{}, Reject("settings: %v", err)
		}
		merged := store.Current().Merge(change)
		if err := store.Apply(merged); err != nil {
			return Result{}, err
		}
		return Result{Data: map[string]any{"settings": merged}}, nil
	}
}

// RestartService answers restart_service {service} for the agent's own
// services only: each allowlisted name maps to a restart function run after
// the ack. Anything else is rejected; there is no shell.
func RestartService(allowed map[string]func()) Handler {
	return func(ctx context.Context, payload json.RawMessage) (Result, error) {
		var p struct {
			Service string `json:"service"`
		}
		if err := decode(payload, &p); err != nil {
			return Result{}, err
		}
		restart, ok := allowed[p.Service]
		if !ok {
			names := make([]string, 0, len(allowed))
			for n := range allowed {
				names = append(names, n)
			}
			sort.Strings(names)
			return Result{}, Reject("service %q is not one the agent may restart (allowed: %v)", p.Service, names)
		}
		return Result{Data: map[string]any{"service": p.Service, "restarting": true}, AfterAck: restart}, nil
	}
}
