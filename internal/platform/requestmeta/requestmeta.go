// Package requestmeta carries facts about the calling client (IP, user
// agent, request id) on the context, so services can record them in the
// audit log without knowing about HTTP.
package requestmeta

import "context"

// Meta describes the client of the current request.
type Meta struct {
	IP        string
	UserAgent string
	RequestID string
}

type key struct{}

// With returns ctx carrying m.
func With(ctx context.Context, m Meta) context.Context { return context.WithValue(ctx, key{}, m) }

// From returns the meta on ctx (zero outside requests: jobs, CLI).
func From(ctx context.Context) Meta {
	m, _ := ctx.Value(key{}).(Meta)
	return m
}
