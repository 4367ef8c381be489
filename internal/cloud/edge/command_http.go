package edge

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const commandsPath = "/api/v1/commands"

func (h *Handler) commandRoutes(s *httpapi.Server) {
	tags := []string{"edge"}
	device := devicesPath + "/:id/commands"
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: device, Permission: "devices.command", Tags: tags, Idempotent: true,
		Summary: "Queue a command for a device",
		Description: "Each type has its payload (see the payload field). The command expires undelivered after " +
			"expires_in_s (1 hour by default, at most 7 days). 409 device_deregistered for a deregistered device.",
		Request: NewCommand{}, Response: Command{}, Status: http.StatusCreated, Handler: h.issueCommand})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: device, Permission: "devices.read", Tags: tags,
		Summary: "A device's commands with their results, newest first",
		Query:   httpapi.PageQuery{}, Response: httpapi.Page[Command]{}, Handler: h.listCommands})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: device + "/:command_id", Permission: "devices.read", Tags: tags,
		Summary: "A command of a device with its result", Response: Command{},
		Handler: byCommand(h.svc.Command)})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: device + "/:command_id/cancel", Permission: "devices.command", Tags: tags,
		Summary:     "Cancel a pending or delivered command",
		Description: "409 command_finished once it completed, failed, was rejected, expired or was cancelled.",
		Response:    Command{}, Handler: byCommand(h.svc.CancelCommand)})

	deviceTags := []string{"device"}
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: commandsPath, Public: true, Tags: deviceTags,
		Summary: "Device: take the commands due (X-Device-Key)",
		Description: "Answers the device's pending commands, oldest first, and leases each for 60 seconds: " +
			"one not acknowledged within its lease is delivered again (de-duplicate by id). Expired commands are never " +
			"delivered. The call also counts as the device's heartbeat. 401 invalid_device_key; rate limited per device.",
		Response: []PendingCommand{}, Middleware: h.deviceAPI(), Handler: h.poll})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: commandsPath + "/:id/ack", Public: true, Tags: deviceTags,
		Summary: "Device: report a command's outcome (X-Device-Key)",
		Description: "Finishes a delivered command as completed, failed or rejected. The same outcome again answers " +
			"200 unchanged; another outcome of a finished command is 409 command_finished; another device's command is 404.",
		Request: Ack{}, Response: Command{}, BodyLimit: maxResultBytes + 8<<10,
		Middleware: h.deviceAPI(), Handler: httpapi.ByIDWithBody("command", h.svc.Acknowledge)})
}

// byCommand is the handler of /devices/:id/commands/:command_id routes.
func byCommand(fn func(ctx context.Context, deviceID, id uuid.UUID) (Command, error)) fiber.Handler {
	return func(c fiber.Ctx) error {
		deviceID, err := httpapi.PathID(c, "id", "device")
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(c, "command_id", "command")
		if err != nil {
			return err
		}
		out, err := fn(c.Context(), deviceID, id)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (h *Handler) issueCommand(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "device")
	if err != nil {
		return err
	}
	var n NewCommand
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return err
	}
	out, err := h.svc.IssueCommand(c.Context(), id, n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(out)
}

func (h *Handler) listCommands(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "device")
	if err != nil {
		return err
	}
	return httpapi.KeysetList(c, nil,
		func(k *commandCursor) []any { return []any{&k.IssuedAt, &k.ID} },
		func(after *commandCursor, limit int) ([]Command, error) {
			return h.svc.Commands(c.Context(), id, after, limit)
		},
		func(c Command) []any { return []any{c.IssuedAt, c.ID} })
}

func (h *Handler) poll(c fiber.Ctx) error {
	cmds, err := h.svc.Poll(c.Context())
	if err != nil {
		return err
	}
	return c.JSON(cmds)
}
