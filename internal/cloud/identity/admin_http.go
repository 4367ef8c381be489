package identity

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/httpapi"
)

const (
	groupsPath = "/api/v1/settings/groups"
	usersPath  = "/api/v1/settings/users"
)

// UserQuery documents the filters of the user list.
type UserQuery struct {
	httpapi.PageQuery
	Status string `query:"status" enum:"invited active disabled" doc:"only users in this state"`
	Q      string `query:"q" doc:"part of the e-mail or display name, any case"`
}

// EndSessionsResponse says how many sessions were live.
type EndSessionsResponse struct {
	Ended int `json:"ended"`
}

// AdminRoutes registers user and group management and the permission catalogue under /settings.
func (h *Handler) AdminRoutes(s *httpapi.Server) {
	h.groupRoutes(s)
	h.permissionRoutes(s)
	h.userRoutes(s)
}

func (h *Handler) groupRoutes(s *httpapi.Server) {
	tags := []string{"settings"}
	const read, manage, members = "settings.groups.read", "settings.groups.manage", "settings.groups.members"
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: groupsPath, Permission: read, Tags: tags,
		Summary: "List groups in name order, with their member counts", Query: httpapi.PageQuery{},
		Response: httpapi.Page[Group]{}, Handler: h.listGroups})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: groupsPath, Permission: manage, Tags: tags, Idempotent: true,
		Summary:     "Create a group",
		Description: "The permissions may cover only keys you hold yourself (403 grant_exceeds_own), so managing groups never raises anyone above your own access.",
		Request:     NewGroup{}, Response: Group{}, Status: http.StatusCreated, Handler: h.createGroup})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: groupsPath + "/:id", Permission: read, Tags: tags,
		Summary: "A group with its members", Response: GroupDetail{}, Handler: h.getGroup})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: groupsPath + "/:id", Permission: manage, Tags: tags,
		Summary:     "Change a group's name, description or permissions",
		Description: "Built-in groups keep their name and permissions (409 built_in_group). New permissions may cover only keys you hold yourself (403 grant_exceeds_own).",
		Request:     GroupPatch{}, Response: Group{}, Handler: h.updateGroup})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: groupsPath + "/:id", Permission: manage, Tags: tags,
		Summary: "Delete a custom group", Status: http.StatusNoContent, Handler: h.deleteGroup})
	s.Handle(httpapi.Route{Method: http.MethodPut, Path: groupsPath + "/:id/members/:user_id", Permission: members, Tags: tags,
		Summary:     "Add a user to a group",
		Description: "Only to a group whose permissions you hold yourself (403 grant_exceeds_own): a member gets every permission of the group, so you cannot add anyone, yourself included, to a group that grants more than you have.",
		Status:      http.StatusNoContent, Handler: h.addGroupMember})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: groupsPath + "/:id/members/:user_id", Permission: members, Tags: tags,
		Summary:     "Remove a user from a group",
		Description: "The Admin group keeps at least one active member (409 last_admin).",
		Status:      http.StatusNoContent, Handler: h.removeGroupMember})
}

func (h *Handler) userRoutes(s *httpapi.Server) {
	tags := []string{"settings"}
	const read, manage = "settings.users.read", "settings.users.manage"
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: usersPath, Permission: read, Tags: tags,
		Summary: "List users in e-mail order", Query: UserQuery{}, Response: httpapi.Page[ManagedUser]{}, Handler: h.listUsers})
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: usersPath + "/:id", Permission: read, Tags: tags,
		Summary: "A user with their groups", Response: UserDetail{}, Handler: h.getUser})
	s.Handle(httpapi.Route{Method: http.MethodPatch, Path: usersPath + "/:id", Permission: manage, Tags: tags,
		Summary: "Change a user's display name", Request: UserPatch{}, Response: ManagedUser{}, Handler: h.updateUser})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: usersPath + "/:id/disable", Permission: manage, Tags: tags,
		Summary:     "Disable a user and end their sessions",
		Description: "Refused for your own account (409 own_account) and for the last active Admin (409 last_admin).",
		Response:    ManagedUser{}, Handler: h.disableUser})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: usersPath + "/:id/enable", Permission: manage, Tags: tags,
		Summary: "Let a disabled user sign in again", Response: ManagedUser{}, Handler: h.enableUser})
	s.Handle(httpapi.Route{Method: http.MethodPost, Path: usersPath + "/:id/sessions/end", Permission: manage, Tags: tags,
		Summary: "End every session of a user", Response: EndSessionsResponse{}, Handler: h.endUserSessions})
	s.Handle(httpapi.Route{Method: http.MethodDelete, Path: usersPath + "/:id", Permission: manage, Tags: tags,
		Summary:     "Remove a user",
		Description: "Refused for your own account (409 own_account) and for the last active Admin (409 last_admin).",
		Status:      http.StatusNoContent, Handler: h.removeUser})
}

// callerGrants are the grants the guard found for this request. The service
// takes them as data, so it can refuse handing out more than the caller
// holds without knowing about HTTP.
func callerGrants(c fiber.Ctx) []string {
	a, _ := c.Locals(accessKey{}).(access)
	return a.grants
}

func (h *Handler) listGroups(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var after groupKey
	if page.HasCursor() {
		if err := page.After(&after.Name, &after.ID); err != nil {
			return err
		}
	}
	groups, err := h.svc.Groups(c.Context(), after, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(groups, page.Limit, func(g Group) []any { return []any{g.Name, g.ID} }))
}

func (h *Handler) createGroup(c fiber.Ctx) error {
	var n NewGroup
	if err := httpapi.DecodeJSON(c, &n); err != nil {
		return err
	}
	g, err := h.svc.CreateGroup(c.Context(), callerGrants(c), n)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(g)
}

func (h *Handler) getGroup(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "group")
	if err != nil {
		return err
	}
	d, err := h.svc.GroupWithMembers(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handler) updateGroup(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "group")
	if err != nil {
		return err
	}
	var p GroupPatch
	if err := httpapi.DecodeJSON(c, &p); err != nil {
		return err
	}
	g, err := h.svc.UpdateGroup(c.Context(), callerGrants(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (h *Handler) deleteGroup(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "group")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteGroup(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h *Handler) addGroupMember(c fiber.Ctx) error {
	grants := callerGrants(c)
	return h.membership(c, func(ctx context.Context, groupID, userID uuid.UUID) error {
		return h.svc.AddGroupMember(ctx, grants, groupID, userID)
	})
}

func (h *Handler) removeGroupMember(c fiber.Ctx) error {
	return h.membership(c, h.svc.RemoveGroupMember)
}

// membership runs a change naming a group and a user.
func (h *Handler) membership(c fiber.Ctx, change func(ctx context.Context, groupID, userID uuid.UUID) error) error {
	groupID, err := httpapi.PathID(c, "id", "group")
	if err != nil {
		return err
	}
	userID, err := httpapi.PathID(c, "user_id", "user")
	if err != nil {
		return err
	}
	if err := change(c.Context(), groupID, userID); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h *Handler) listUsers(c fiber.Ctx) error {
	page, err := httpapi.ParsePage(c)
	if err != nil {
		return err
	}
	var afterEmail string
	if page.HasCursor() {
		if err := page.After(&afterEmail); err != nil {
			return err
		}
	}
	filter := UserFilter{Status: UserStatus(c.Query("status")), Query: c.Query("q")}
	users, err := h.svc.Users(c.Context(), filter, afterEmail, page.Limit)
	if err != nil {
		return err
	}
	return c.JSON(httpapi.NewPage(users, page.Limit, func(u ManagedUser) []any { return []any{u.Email} }))
}

func (h *Handler) getUser(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "user")
	if err != nil {
		return err
	}
	d, err := h.svc.UserWithGroups(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handler) updateUser(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "user")
	if err != nil {
		return err
	}
	var p UserPatch
	if err := httpapi.DecodeJSON(c, &p); err != nil {
		return err
	}
	u, err := h.svc.UpdateUser(c.Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) disableUser(c fiber.Ctx) error {
	return h.userStatus(c, h.svc.DisableUser)
}

func (h *Handler) enableUser(c fiber.Ctx) error {
	return h.userStatus(c, h.svc.EnableUser)
}

// userStatus runs a status change of the user in the path.
func (h *Handler) userStatus(c fiber.Ctx, change func(ctx context.Context, id uuid.UUID) (ManagedUser, error)) error {
	id, err := httpapi.PathID(c, "id", "user")
	if err != nil {
		return err
	}
	u, err := change(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h *Handler) endUserSessions(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "user")
	if err != nil {
		return err
	}
	n, err := h.svc.EndUserSessions(c.Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(EndSessionsResponse{Ended: n})
}

func (h *Handler) removeUser(c fiber.Ctx) error {
	id, err := httpapi.PathID(c, "id", "user")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveUser(c.Context(), id); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
