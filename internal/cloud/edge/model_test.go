package edge

import (
	"testing"
	"time"

	"github.com/monozu/monozu/internal/platform/errs"
)

func TestCommandStatusAt(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Second), now.Add(time.Second)
	for _, tc := range []struct {
		name    string
		status  string
		expires time.Time
		lease   *time.Time
		want    string
	}{
		{"pending before expiry", CommandPending, after, nil, CommandPending},
		{"pending at expiry", CommandPending, now, nil, CommandExpired},
		{"delivered, lease over, past expiry", CommandDelivered, before, &before, CommandExpired},
		{"delivered, still leased, past expiry", CommandDelivered, before, &after, CommandDelivered},
		{"completed past expiry stays completed", CommandCompleted, before, nil, CommandCompleted},
		{"cancelled stays cancelled", CommandCancelled, before, nil, CommandCancelled},
	} {
		if got := commandStatusAt(tc.status, tc.expires, tc.lease, now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCheckAck(t *testing.T) {
	for _, tc := range []struct {
		current, want string
		apply         bool
		code          string
	}{
		{CommandDelivered, CommandCompleted, true, ""},
		{CommandDelivered, CommandRejected, true, ""},
		{CommandCompleted, CommandCompleted, false, ""},
		{CommandFailed, CommandFailed, false, ""},
		{CommandCompleted, CommandFailed, false, "command_finished"},
		{CommandPending, CommandCompleted, false, "command_not_delivered"},
		{CommandExpired, CommandCompleted, false, "command_finished"},
		{CommandCancelled, CommandCompleted, false, "command_finished"},
	} {
		apply, err := checkAck(tc.current, tc.want)
		var code string
		if e, ok := err.(*errs.Error); ok {
			code = e.Code
		}
		if apply != tc.apply || code != tc.code {
			t.Errorf("ack %s of %s: apply %v, code %q; want %v, %q", tc.want, tc.current, apply, code, tc.apply, tc.code)
		}
	}
}

func TestCheckCancel(t *testing.T) {
	for status, allowed := range map[string]bool{
		CommandPending: true, CommandDelivered: true, CommandCompleted: false, CommandFailed: false,
		CommandRejected: false, CommandExpired: false, CommandCancelled: false,
	} {
		if err := checkCancel(status); (err == nil) != allowed || err != nil && !errs.Is(err, errs.KindConflict) {
			t.Errorf("cancel %s: %v", status, err)
		}
	}
}
