// Package commands runs the Cloud's commands: one handler per type, a
// persisted ledger so each command id runs at most once, and the ack.
package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/monozu/monozu/internal/edgeagent/cloudapi"
)

// Ack statuses of the contract.
const (
	StatusCompleted = "completed"
	StatusFailed    = "failed"
	StatusRejected  = "rejected"
)

// maxRun bounds a command without an expiry.
const maxRun = 10 * time.Minute

// Result is what a handler produced: data for the ack's result and,
// optionally, something to do once the ack is sent (a restart).
type Result struct {
	Data     any
	AfterAck func()
}

// Handler runs one command type.
type Handler func(ctx context.Context, payload json.RawMessage) (Result, error)

// rejection marks errors that refuse a command rather than fail running it.
type rejection struct{ error }

// Reject wraps err so the command is acked "rejected" (bad payload, not
// allowed) instead of "failed".
func Reject(format string, args ...any) error { return rejection{fmt.Errorf(format, args...)} }

// Acker sends acks.
type Acker interface {
	AckCommand(ctx context.Context, id string, ack cloudapi.Ack) error
}

// Dispatcher routes commands to handlers.
type Dispatcher struct {
	handlers map[string]Handler
	ledger   *Ledger
	acker    Acker
	log      *slog.Logger
	inflight sync.Map // command ids running now: a redelivery while running is ignored
}

// NewDispatcher returns a dispatcher with the given handlers.
func NewDispatcher(ledger *Ledger, acker Acker, log *slog.Logger, handlers map[string]Handler) *Dispatcher {
	return &Dispatcher{handlers: handlers, ledger: ledger, acker: acker, log: log}
}

// Handle runs cmd once (per id, across restarts) and acks it. It returns
// the ack error, if any; the Cloud will redeliver and the ledger answers.
func (d *Dispatcher) Handle(ctx context.Context, cmd cloudapi.Command) error {
	if _, running := d.inflight.LoadOrStore(cmd.ID, true); running {
		return nil
	}
	defer d.inflight.Delete(cmd.ID)
	prev, seen := d.ledger.get(cmd.ID)
	switch {
	case seen && prev.Acked:
		return d.ack(ctx, cmd.ID, prev, nil)
	case seen && prev.Finished:
		return d.ack(ctx, cmd.ID, prev, nil)
	case seen:
		// It started and the agent stopped before it finished: running it
		// again could repeat a side effect, so report it instead.
		prev.Finished = true
		prev.Ack = &cloudapi.Ack{Status: StatusFailed, Error: "the agent stopped while running this command; not repeated"}
		if err := d.ledger.put(cmd.ID, prev); err != nil {
			return err
		}
		return d.ack(ctx, cmd.ID, prev, nil)
	}
	e := entry{Type: cmd.Type, Started: time.Now().UTC()}
	if err := d.ledger.put(cmd.ID, e); err != nil {
		return fmt.Errorf("record command %s: %w", cmd.ID, err)
	}
	ack, after := d.run(ctx, cmd)
	e.Finished, e.Ack = true, &ack
	if err := d.ledger.put(cmd.ID, e); err != nil {
		return fmt.Errorf("record command %s: %w", cmd.ID, err)
	}
	d.log.Info("command done", "command_id", cmd.ID, "type", cmd.Type, "status", ack.Status)
	return d.ack(ctx, cmd.ID, e, after)
}

func (d *Dispatcher) run(ctx context.Context, cmd cloudapi.Command) (cloudapi.Ack, func()) {
	h, ok := d.handlers[cmd.Type]
	if !ok {
		return cloudapi.Ack{Status: StatusRejected, Error: fmt.Sprintf("unknown command type %q", cmd.Type)}, nil
	}
	if !cmd.ExpiresAt.IsZero() && time.Now().After(cmd.ExpiresAt) {
		return cloudapi.Ack{Status: StatusFailed, Error: "expired before it ran"}, nil
	}
	deadline := time.Now().Add(maxRun)
	if !cmd.ExpiresAt.IsZero() && cmd.ExpiresAt.Before(deadline) {
		// A command whose expiry is near still gets a minute to run.
		deadline = cmd.ExpiresAt
		if soon := time.Now().Add(time.Minute); deadline.Before(soon) {
			deadline = soon
		}
	}
	runCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	res, err := safeRun(runCtx, h, cmd.Payload)
	if err != nil {
		status := StatusFailed
		var r rejection
		if errors.As(err, &r) {
			status = StatusRejected
		}
		return cloudapi.Ack{Status: status, Error: err.Error()}, nil
	}
	raw, err := json.Marshal(res.Data)
	if err != nil {
		return cloudapi.Ack{Status: StatusFailed, Error: "encode result: " + err.Error()}, nil
	}
	return cloudapi.Ack{Status: StatusCompleted, Result: raw}, res.AfterAck
}

// safeRun turns a handler panic into a failure: one bad command must not
// take the agent down.
func safeRun(ctx context.Context, h Handler, payload json.RawMessage) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("command handler panicked: %v", p)
		}
	}()
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	return h(ctx, payload)
}

func (d *Dispatcher) ack(ctx context.Context, id string, e entry, after func()) error {
	if e.Ack == nil {
		return nil
	}
	if after != nil {
		// A restart follows even when the ack is lost: the ledger answers
		// the redelivery after the restart.
		defer after()
	}
	if err := d.acker.AckCommand(ctx, id, *e.Ack); err != nil {
		d.log.Warn("command ack failed; will answer again on redelivery", "command_id", id, "error", err.Error())
		return err
	}
	if !e.Acked {
		e.Acked = true
		if err := d.ledger.put(id, e); err != nil {
			return err
		}
	}
	return nil
}

// decode reads a payload strictly into v; a bad payload is a rejection.
func decode(payload json.RawMessage, v any) error {
	if err := json.Unmarshal(payload, v); err != nil {
		return Reject("bad payload: %v", err)
	}
	return nil
}
