package edge_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/cloud/edge"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/httpapi/apitest"
)

const pollURL = "/api/v1/commands"

func commandsURL(d edge.Registered) string {
	return devicesURL + "/" + d.DeviceID.String() + "/commands"
}

func (f *fleet) issue(t *testing.T, h map[string]string, d edge.Registered, body map[string]any) edge.Command {
	t.Helper()
	return decode[edge.Command](t, ok(t, f.Do(t, "POST", commandsURL(d), body, h), 201))
}

func (f *fleet) poll(t *testing.T, d edge.Registered) []edge.PendingCommand {
	t.Helper()
	return decode[[]edge.PendingCommand](t, ok(t, f.Do(t, "GET", pollURL, nil, deviceKey(d)), 200))
}

func polledIDs(cmds []edge.PendingCommand) string {
	var ids []string
	for _, c := range cmds {
		ids = append(ids, c.ID.String())
	}
	return strings.Join(ids, ",")
}

func ackURL(id uuid.UUID) string { return pollURL + "/" + id.String() + "/ack" }

var ping = map[string]any{"type": "ping", "payload": map[string]any{"target": "10.0.10.1"}}

func TestCommandLifecycle(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	gw := f.device(t, admin, "acme", "gw")
	discovery := f.issue(t, h, gw, map[string]any{"type": "run_discovery", "payload": map[string]any{"subnet": "10.0.10.0/24", "ports": []int{502, 102}, "rate_pps": 200}})
	pinged := f.issue(t, h, gw, ping)
	if discovery.Status != edge.CommandPending || !discovery.ExpiresAt.Equal(discovery.IssuedAt.Add(time.Hour)) || discovery.IssuedBy == nil {
		t.Fatalf("issued: %+v", discovery)
	}

	t.Run("delivered once, oldest first, under a lease", func(t *testing.T) {
		got := f.poll(t, gw)
		if polledIDs(got) != discovery.ID.String()+","+pinged.ID.String() || got[0].Type != "run_discovery" ||
			!strings.Contains(string(got[0].Payload), `"subnet":"10.0.10.0/24"`) {
			t.Fatalf("first poll: %+v", got)
		}
		if again := f.poll(t, gw); len(again) != 0 {
			t.Fatalf("leased commands delivered again within the lease: %+v", again)
		}
		c := decode[edge.Command](t, ok(t, f.Do(t, "GET", commandsURL(gw)+"/"+discovery.ID.String(), nil, h), 200))
		if c.Status != edge.CommandDelivered || c.DeliveryCount != 1 || c.LeaseUntil == nil {
			t.Fatalf("after delivery: %+v", c)
		}
	})
	t.Run("acknowledged: the result shows in the history", func(t *testing.T) {
		result := map[string]any{"hosts": 3, "new_devices": []string{"10.0.10.7"}}
		ack := map[string]any{"status": "completed", "result": result}
		apitest.Run(t, f.Server.App(), "ack", []apitest.Case{
			{Name: "completed", Method: "POST", Path: ackURL(discovery.ID), Body: ack, Headers: deviceKey(gw), Status: 200},
			{Name: "the same again is a no-op", Method: "POST", Path: ackURL(discovery.ID), Body: ack, Headers: deviceKey(gw), Status: 200},
			{Name: "another outcome conflicts", Method: "POST", Path: ackURL(discovery.ID), Body: map[string]any{"status": "failed"},
				Headers: deviceKey(gw), Status: 409, Code: "command_finished"},
			{Name: "cancel a finished command", Method: "POST", Path: commandsURL(gw) + "/" + discovery.ID.String() + "/cancel",
				Headers: h, Status: 409, Code: "command_finished"},
		})
		page := decode[httpapi.Page[edge.Command]](t, ok(t, f.Do(t, "GET", commandsURL(gw), nil, h), 200))
		if len(page.Items) != 2 || page.Items[1].ID != discovery.ID || page.Items[1].Status != edge.CommandCompleted ||
			string(page.Items[1].Result) != `{"hosts":3,"new_devices":["10.0.10.7"]}` || page.Items[1].FinishedAt == nil {
			t.Fatalf("history: %s", ok(t, f.Do(t, "GET", commandsURL(gw), nil, h), 200).Body)
		}
	})
	t.Run("an unacknowledged command is delivered again after its lease", func(t *testing.T) {
		f.clock.advance(edge.CommandLease + time.Second)
		got := f.poll(t, gw)
		if polledIDs(got) != pinged.ID.String() {
			t.Fatalf("after the lease: %+v", got)
		}
		c := decode[edge.Command](t, ok(t, f.Do(t, "GET", commandsURL(gw)+"/"+pinged.ID.String(), nil, h), 200))
		if c.DeliveryCount != 2 || c.Status != edge.CommandDelivered {
			t.Fatalf("redelivered: %+v", c)
		}
		ok(t, f.Do(t, "POST", ackURL(pinged.ID), map[string]any{"status": "failed", "error": "host unreachable"}, deviceKey(gw)), 200)
	})
	t.Run("an expired command is never delivered", func(t *testing.T) {
		short := f.issue(t, h, gw, map[string]any{"type": "ping", "payload": map[string]any{"target": "plc-1.plant.local"}, "expires_in_s": 30})
		f.clock.advance(31 * time.Second)
		c := decode[edge.Command](t, ok(t, f.Do(t, "GET", commandsURL(gw)+"/"+short.ID.String(), nil, h), 200))
		if c.Status != edge.CommandExpired {
			t.Fatalf("past its expiry the command reads %s", c.Status)
		}
		if got := f.poll(t, gw); len(got) != 0 {
			t.Fatalf("expired command delivered: %+v", got)
		}
		var stored string
		if err := f.admin.QueryRow(`SELECT status FROM edge_commands WHERE id = $1`, short.ID).Scan(&stored); err != nil || stored != "expired" {
			t.Fatalf("the poll left it %q (%v)", stored, err)
		}
		apitest.Run(t, f.Server.App(), "expired", []apitest.Case{
			{Name: "ack", Method: "POST", Path: ackURL(short.ID), Body: map[string]any{"status": "completed"}, Headers: deviceKey(gw),
				Status: 409, Code: "command_finished"},
			{Name: "cancel", Method: "POST", Path: commandsURL(gw) + "/" + short.ID.String() + "/cancel", Headers: h, Status: 409, Code: "command_finished"},
		})
	})
	t.Run("cancelled commands are not delivered", func(t *testing.T) {
		c := f.issue(t, h, gw, map[string]any{"type": "restart_service", "payload": map[string]any{"service": "edgezu-collector"}})
		got := decode[edge.Command](t, ok(t, f.Do(t, "POST", commandsURL(gw)+"/"+c.ID.String()+"/cancel", nil, h), 200))
		if got.Status != edge.CommandCancelled {
			t.Fatalf("cancel: %+v", got)
		}
		if polled := f.poll(t, gw); len(polled) != 0 {
			t.Fatalf("cancelled command delivered: %+v", polled)
		}
		apitest.Run(t, f.Server.App(), "cancelled", []apitest.Case{
			{Name: "pending ack", Method: "POST", Path: ackURL(c.ID), Body: map[string]any{"status": "completed"}, Headers: deviceKey(gw),
				Status: 409, Code: "command_finished"},
		})
	})
	t.Run("a pending command cannot be acknowledged", func(t *testing.T) {
		c := f.issue(t, h, gw, ping)
		apitest.Run(t, f.Server.App(), "pending", []apitest.Case{
			{Name: "ack", Method: "POST", Path: ackURL(c.ID), Body: map[string]any{"status": "completed"}, Headers: deviceKey(gw),
				Status: 409, Code: "command_not_delivered"},
		})
	})
	if a := f.audit(t, tenantID, "devices.command"); len(a) != 5 {
		t.Fatalf("issue audit: %d entries", len(a))
	}
	if a := f.audit(t, tenantID, "devices.command_cancel"); len(a) != 1 {
		t.Fatalf("cancel audit: %+v", a)
	}
}

func TestCommandExpiryJob(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	gw := f.device(t, admin, "acme", "gw")
	c := f.issue(t, admin.Bearer(), gw, map[string]any{"type": "update_agent", "payload": map[string]any{"version": "1.3.0"}, "expires_in_s": 60})
	job := edge.NewExpiry(f.DB.Platform)
	if n, err := job.Run(context.Background(), c.ExpiresAt.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("before expiry: %d %v", n, err)
	}
	if n, err := job.Run(context.Background(), c.ExpiresAt); err != nil || n != 1 {
		t.Fatalf("at expiry: %d %v", n, err)
	}
	var status string
	if err := f.admin.QueryRow(`SELECT status FROM edge_commands WHERE id = $1`, c.ID).Scan(&status); err != nil || status != "expired" {
		t.Fatalf("status %q (%v)", status, err)
	}
}

func TestCommandValidation(t *testing.T) {
	f := newFleet(t)
	_, admin := f.ActiveTenant(t, "acme")
	h := admin.Bearer()
	gw := f.device(t, admin, "acme", "gw")
	post := func(name string, body map[string]any, field, code string) apitest.Case {
		return apitest.Case{Name: name, Method: "POST", Path: commandsURL(gw), Body: body, Headers: h, Status: 422,
			Code: "validation_failed", Check: fieldError(field, code)}
	}
	cmd := func(typ string, payload any) map[string]any { return map[string]any{"type": typ, "payload": payload} }
	apitest.Run(t, f.Server.App(), "issue", []apitest.Case{
		post("unknown type", cmd("reboot", map[string]any{}), "type", "invalid"),
		post("expiry too long", map[string]any{"type": "ping", "payload": map[string]any{"target": "a"}, "expires_in_s": 604801}, "expires_in_s", "out_of_range"),
		post("negative expiry", map[string]any{"type": "ping", "payload": map[string]any{"target": "a"}, "expires_in_s": -1}, "expires_in_s", "out_of_range"),
		post("discovery without subnet", cmd("run_discovery", map[string]any{}), "payload.subnet", "invalid"),
		post("discovery host bits", cmd("run_discovery", map[string]any{"subnet": "10.0.10.1/24"}), "payload.subnet", "invalid"),
		post("discovery too wide", cmd("run_discovery", map[string]any{"subnet": "10.0.0.0/8"}), "payload.subnet", "too_large"),
		post("discovery port", cmd("run_discovery", map[string]any{"subnet": "10.0.10.0/24", "ports": []int{0}}), "payload.ports[0]", "out_of_range"),
		post("discovery rate", cmd("run_discovery", map[string]any{"subnet": "10.0.10.0/24", "rate_pps": 0}), "payload.rate_pps", "out_of_range"),
		post("discovery unknown field", cmd("run_discovery", map[string]any{"subnet": "10.0.10.0/24", "deep": true}), "payload", "invalid"),
		post("restart without service", cmd("restart_service", map[string]any{}), "payload.service", "invalid"),
		post("restart odd service", cmd("restart_service", map[string]any{"service": "a;rm -rf /"}), "payload.service", "invalid"),
		post("config without settings", cmd("config_update", map[string]any{"settings": map[string]any{}}), "payload.settings", "required"),
		post("update without version", cmd("update_agent", map[string]any{"version": ""}), "payload.version", "invalid"),
		post("ping odd target", cmd("ping", map[string]any{"target": "-x"}), "payload.target", "invalid"),
		post("port check without ports", cmd("port_check", map[string]any{"target": "10.0.0.1"}), "payload.ports", "required"),
		post("payload not an object", cmd("ping", []int{1}), "payload", "invalid"),
		post("payload wrong type", cmd("ping", map[string]any{"target": 1}), "payload", "invalid"),
		post("NUL in a setting", cmd("config_update", map[string]any{"settings": map[string]any{"a": "x\u0000y"}}), "payload", "invalid"),
	})
	f.issue(t, h, gw, ping)
	f.poll(t, gw)
	id := decode[httpapi.Page[edge.Command]](t, ok(t, f.Do(t, "GET", commandsURL(gw), nil, h), 200)).Items[0].ID
	apitest.Run(t, f.Server.App(), "ack", []apitest.Case{
		{Name: "unknown status", Method: "POST", Path: ackURL(id), Body: map[string]any{"status": "done"}, Headers: deviceKey(gw),
			Status: 422, Check: fieldError("status", "invalid")},
		{Name: "result too large", Method: "POST", Path: ackURL(id), Headers: deviceKey(gw), Status: 422, Check: fieldError("result", "too_large"),
			Body: map[string]any{"status": "completed", "result": strings.Repeat("x", 256<<10)}},
		{Name: "body over the route's cap", Method: "POST", Path: ackURL(id), Headers: deviceKey(gw), Status: 413,
			Body: map[string]any{"status": "completed", "result": strings.Repeat("x", 300<<10)}},
		{Name: "NUL in the result", Method: "POST", Path: ackURL(id), Headers: deviceKey(gw), Status: 422, Check: fieldError("result", "invalid"),
			Body: `{"status": "completed", "result": {"out": "a\u0000b"}}`},
		{Name: "invalid UTF-8 in the result", Method: "POST", Path: ackURL(id), Headers: deviceKey(gw), Status: 422, Check: fieldError("result", "invalid"),
			Body: "{\"status\": \"completed\", \"result\": \"\xff\"}"},
		{Name: "error too long", Method: "POST", Path: ackURL(id), Body: map[string]any{"status": "failed", "error": strings.Repeat("x", 4001)},
			Headers: deviceKey(gw), Status: 422, Check: fieldError("error", "too_long")},
		{Name: "no device key", Method: "POST", Path: ackURL(id), Body: map[string]any{"status": "completed"}, Status: 401, Code: "invalid_device_key"},
		{Name: "a user token is not a device key", Method: "GET", Path: pollURL, Headers: h, Status: 401, Code: "invalid_device_key"},
	})
	ok(t, f.Do(t, "DELETE", devicesURL+"/"+gw.DeviceID.String(), nil, h), 204)
	apitest.Run(t, f.Server.App(), "deregistered", []apitest.Case{
		{Name: "no new commands", Method: "POST", Path: commandsURL(gw), Body: ping, Headers: h, Status: 409, Code: "device_deregistered"},
		{Name: "the device is refused", Method: "POST", Path: ackURL(id), Body: map[string]any{"status": "completed"}, Headers: deviceKey(gw),
			Status: 401, Code: "invalid_device_key"},
	})
}

func TestCommandPermissions(t *testing.T) {
	f := newFleet(t)
	tenantID, admin := f.ActiveTenant(t, "acme")
	gw := f.device(t, admin, "acme", "gw")
	c := f.issue(t, admin.Bearer(), gw, ping)
	h := f.UserInGroup(t, tenantID, "ro@acme.example.com", "read_only").Bearer()
	apitest.Run(t, f.Server.App(), "reads are allowed", []apitest.Case{
		{Name: "history", Method: "GET", Path: commandsURL(gw), Headers: h, Status: 200},
		{Name: "one", Method: "GET", Path: commandsURL(gw) + "/" + c.ID.String(), Headers: h, Status: 200},
	})
	apitest.Run(t, f.Server.App(), "commanding is denied", []apitest.Case{
		{Name: "issue", Method: "POST", Path: commandsURL(gw), Body: ping, Headers: h, Status: 403, Code: "permission_denied"},
		{Name: "cancel", Method: "POST", Path: commandsURL(gw) + "/" + c.ID.String() + "/cancel", Headers: h, Status: 403, Code: "permission_denied"},
	})
}

func TestCommandCrossTenant(t *testing.T) {
	f := newFleet(t)
	_, a := f.ActiveTenant(t, "tenant-a")
	_, b := f.ActiveTenant(t, "tenant-b")
	mine := f.device(t, a, "tenant-a", "mine")
	sibling := f.device(t, a, "tenant-a", "sibling")
	theirs := f.device(t, b, "tenant-b", "theirs")
	cmdB := f.issue(t, b.Bearer(), theirs, ping)
	cmdSibling := f.issue(t, a.Bearer(), sibling, ping)
	f.poll(t, theirs)
	f.poll(t, sibling)
	h := a.Bearer()
	var cases []apitest.Case
	for _, path := range []string{commandsURL(theirs), devicesURL + "/not-a-uuid/commands"} {
		cases = append(cases,
			apitest.Case{Name: "history " + path, Method: "GET", Path: path},
			apitest.Case{Name: "issue " + path, Method: "POST", Path: path, Body: ping})
	}
	for _, path := range []string{commandsURL(theirs) + "/" + cmdB.ID.String(), commandsURL(mine) + "/" + cmdB.ID.String(),
		commandsURL(mine) + "/" + cmdSibling.ID.String(), commandsURL(mine) + "/not-a-uuid"} {
		cases = append(cases,
			apitest.Case{Name: "get " + path, Method: "GET", Path: path},
			apitest.Case{Name: "cancel " + path, Method: "POST", Path: path + "/cancel"})
	}
	for i := range cases {
		cases[i].Headers, cases[i].Status, cases[i].Code = h, 404, "not_found"
	}
	ack := map[string]any{"status": "completed"}
	cases = append(cases,
		apitest.Case{Name: "ack another tenant's command", Method: "POST", Path: ackURL(cmdB.ID), Body: ack, Headers: deviceKey(mine), Status: 404, Code: "not_found"},
		apitest.Case{Name: "ack another device's command", Method: "POST", Path: ackURL(cmdSibling.ID), Body: ack, Headers: deviceKey(mine), Status: 404, Code: "not_found"},
		apitest.Case{Name: "ack a malformed id", Method: "POST", Path: pollURL + "/x/ack", Body: ack, Headers: deviceKey(mine), Status: 404, Code: "not_found"},
	)
	apitest.Run(t, f.Server.App(), "cross-tenant", cases)
	got := decode[edge.Command](t, ok(t, f.Do(t, "GET", commandsURL(theirs)+"/"+cmdB.ID.String(), nil, b.Bearer()), 200))
	if got.Status != edge.CommandDelivered {
		t.Fatalf("B's command changed: %+v", got)
	}
	if raw, _ := json.Marshal(f.poll(t, mine)); string(raw) != "[]" {
		t.Fatalf("A's device received %s", raw)
	}
}
