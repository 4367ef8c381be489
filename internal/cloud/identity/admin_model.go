package identity

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/rbac"
)

// builtInAdmin marks the Admin group in groups.built_in; the tenant must
// always keep an active member there, or nobody could manage it any more.
const builtInAdmin = "admin"

// Limits of group fields, as the groups table checks them.
const (
	maxGroupName        = 100
	maxGroupDescription = 1000
	maxGroupGrants      = 200
	maxUserQuery        = 200
)

// Group is a named set of grants; its members hold the union of their
// groups' grants.
type Group struct {
	ID          uuid.UUID `db:"id" json:"id"`
	Name        string    `db:"name" json:"name"`
	Description string    `db:"description" json:"description"`
	Permissions []string  `db:"-" json:"permissions" doc:"catalogue keys, \"*\" or \"resource.*\""`
	BuiltIn     string    `db:"built_in" json:"built_in,omitempty" enum:"admin read_only" doc:"set on the groups every tenant starts with: they cannot be deleted, renamed or given other permissions"`
	MemberCount int       `db:"member_count" json:"member_count"`
	Version     int       `db:"version" json:"version"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time `db:"updated_at" json:"updated_at"`
}

// GroupMember is a user as a group's member list shows them.
type GroupMember struct {
	ID          uuid.UUID `db:"id" json:"id"`
	Email       string    `db:"email" json:"email"`
	DisplayName string    `db:"display_name" json:"display_name"`
}

// GroupDetail is a group with its members, in e-mail order.
type GroupDetail struct {
	Group
	Members []GroupMember `json:"members"`
}

// GroupRef names a group a user belongs to.
type GroupRef struct {
	ID   uuid.UUID `db:"id" json:"id"`
	Name string    `db:"name" json:"name"`
}

// NewGroup is a group to create.
type NewGroup struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// normalized trims the text, drops repeated grants and reports every
// invalid field at once.
func (n NewGroup) normalized() (NewGroup, error) {
	var fields []errs.FieldError
	name, fe := requireText("name", n.Name, maxGroupName)
	if fe != nil {
		fields = append(fields, *fe)
	}
	description, fe := optionalText("description", n.Description, maxGroupDescription)
	if fe != nil {
		fields = append(fields, *fe)
	}
	grants, grantErrs := normalizeGrants(n.Permissions)
	fields = append(fields, grantErrs...)
	if len(fields) > 0 {
		return NewGroup{}, errs.Invalid(fields...)
	}
	return NewGroup{Name: name, Description: description, Permissions: grants}, nil
}

// GroupPatch changes the fields it carries; version is the one the client
// read, so a change made since then is not silently overwritten.
type GroupPatch struct {
	Name        *string   `json:"name,omitempty"`
	Description *string   `json:"description,omitempty"`
	Permissions *[]string `json:"permissions,omitempty"`
	Version     int       `json:"version" doc:"the version read; if the group changed since, the answer is 409 version_conflict"`
}

func (p GroupPatch) normalized() (GroupPatch, error) {
	var fields []errs.FieldError
	if p.Name != nil {
		name, fe := requireText("name", *p.Name, maxGroupName)
		if fe != nil {
			fields = append(fields, *fe)
		}
		p.Name = &name
	}
	if p.Description != nil {
		description, fe := optionalText("description", *p.Description, maxGroupDescription)
		if fe != nil {
			fields = append(fields, *fe)
		}
		p.Description = &description
	}
	if p.Permissions != nil {
		grants, grantErrs := normalizeGrants(*p.Permissions)
		fields = append(fields, grantErrs...)
		p.Permissions = &grants
	}
	if fe := requireVersion(p.Version); fe != nil {
		fields = append(fields, *fe)
	}
	if len(fields) > 0 {
		return GroupPatch{}, errs.Invalid(fields...)
	}
	return p, nil
}

// applyTo returns g with the patch's fields. Permissions that name the same
// set in another order are no change.
func (p GroupPatch) applyTo(g Group) Group {
	if p.Name != nil {
		g.Name = *p.Name
	}
	if p.Description != nil {
		g.Description = *p.Description
	}
	if p.Permissions != nil && !sameGrants(g.Permissions, *p.Permissions) {
		g.Permissions = *p.Permissions
	}
	return g
}

// normalizeGrants checks every grant against the catalogue, naming the bad
// ones by their position, and drops repeats.
func normalizeGrants(grants []string) ([]string, []errs.FieldError) {
	if len(grants) > maxGroupGrants {
		return nil, []errs.FieldError{errs.Field("permissions", "too_many", "may hold at most "+strconv.Itoa(maxGroupGrants)+" entries")}
	}
	var fields []errs.FieldError
	out := []string{}
	for i, g := range grants {
		if !rbac.ValidGrant(g) {
			fields = append(fields, errs.Field("permissions["+strconv.Itoa(i)+"]", "unknown_permission",
				"is not a permission of the catalogue, \"*\" or \"resource.*\""))
			continue
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, fields
}

// requireHeld refuses grants covering a catalogue key that held does not:
// otherwise anyone who manages groups could raise their own access (or an
// accomplice's) to "*". Keys are compared after expansion, so "assets.*"
// passes for a caller holding every assets key one by one.
func requireHeld(held, grants []string) error {
	for _, key := range rbac.Expand(grants) {
		if !rbac.Allows(held, key) {
			return errGrantExceedsOwn
		}
	}
	return nil
}

func sameGrants(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// ManagedUser is a user as the settings pages show and edit them.
type ManagedUser struct {
	User
	Version int `db:"version" json:"version"`
}

// UserDetail is a user with the groups they belong to, in name order.
type UserDetail struct {
	ManagedUser
	Groups []GroupRef `json:"groups"`
}

// UserPatch changes the fields it carries, at the version the client read.
type UserPatch struct {
	DisplayName *string `json:"display_name,omitempty"`
	Version     int     `json:"version" doc:"the version read; if the user changed since, the answer is 409 version_conflict"`
}

func (p UserPatch) normalized() (UserPatch, error) {
	var fields []errs.FieldError
	if p.DisplayName != nil {
		name, fe := requireText("display_name", *p.DisplayName, 200)
		if fe != nil {
			fields = append(fields, *fe)
		}
		p.DisplayName = &name
	}
	if fe := requireVersion(p.Version); fe != nil {
		fields = append(fields, *fe)
	}
	if len(fields) > 0 {
		return UserPatch{}, errs.Invalid(fields...)
	}
	return p, nil
}

// UserFilter narrows the user list; empty fields match everyone.
type UserFilter struct {
	Status UserStatus
	// Query matches a part of the e-mail or display name, ignoring case.
	Query string
}

func (f UserFilter) normalized() (UserFilter, error) {
	var fields []errs.FieldError
	switch f.Status {
	case "", UserInvited, UserActive, UserDisabled:
	default:
		fields = append(fields, errs.Field("status", "invalid", "must be invited, active or disabled"))
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > maxUserQuery {
		fields = append(fields, errs.Field("q", "invalid", "must be at most "+strconv.Itoa(maxUserQuery)+" characters"))
	}
	if len(fields) > 0 {
		return UserFilter{}, errs.Invalid(fields...)
	}
	return f, nil
}

// optionalText trims s and checks it is not longer than maxLen.
func optionalText(field, s string, maxLen int) (string, *errs.FieldError) {
	s = strings.TrimSpace(s)
	if len(s) > maxLen {
		fe := errs.Field(field, "invalid", "must be at most "+strconv.Itoa(maxLen)+" characters")
		return s, &fe
	}
	return s, nil
}

// requireVersion insists on the version a PATCH was based on: versions
// start at 1, so 0 means the client did not send one.
func requireVersion(v int) *errs.FieldError {
	if v < 1 {
		fe := errs.Field("version", "required", "must be the version of the record as read")
		return &fe
	}
	return nil
}

// The answers of the settings endpoints that are not about a single field.
var (
	errVersionConflict = errs.New(errs.KindConflict, "Someone else changed this record since you read it; reload it and try again.").WithCode("version_conflict")
	errBuiltInGroup    = errs.New(errs.KindConflict, "Built-in groups cannot be deleted, renamed or given other permissions.").WithCode("built_in_group")
	errLastAdmin       = errs.New(errs.KindConflict, "The Admin group must keep at least one active member.").WithCode("last_admin")
	errOwnAccount      = errs.New(errs.KindConflict, "You cannot disable or remove your own account.").WithCode("own_account")
	errUserInvited     = errs.New(errs.KindConflict, "The user has not accepted the invitation yet; there is nothing to enable.").WithCode("user_invited")
	errGroupNameTaken  = errs.Invalid(errs.Field("name", "taken", "another group already has this name"))
	errGrantExceedsOwn = errs.New(errs.KindPermissionDenied, "You can only hand out permissions you hold yourself.").WithCode("grant_exceeds_own")
)
