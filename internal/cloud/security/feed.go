package security

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/events"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/rbac"
	"github.com/monozu/monozu/internal/platform/realtime"
)

// FeedPath is the live feed of new alerts.
const FeedPath = "/api/ws/security"

// FeedMessage is what the feed sends: {"type": "alert", "data": {alert}}.
type FeedMessage struct {
	Type string `json:"type" enum:"alert"`
	Data Alert  `json:"data"`
}

// Feed pushes every raised alert to the WebSocket clients of its tenant
// that may read alerts.
type Feed struct {
	hub *realtime.Hub
	log zerolog.Logger
}

// NewFeed subscribes the feed to raised alerts on listener.
func NewFeed(hub *realtime.Hub, listener *events.Listener, log zerolog.Logger) *Feed {
	f := &Feed{hub: hub, log: log}
	listener.Subscribe(EventAlertRaised, f.push)
	return f
}

// push re-encodes the stored payload through Alert, so the feed sends
// exactly what the API answers whatever jsonb did to key order.
func (f *Feed) push(_ context.Context, tenant uuid.UUID, e events.Stored) {
	var msg FeedMessage
	if err := json.Unmarshal(e.Payload, &msg.Data); err != nil || msg.Data.ID == uuid.Nil {
		f.log.Warn().Int64("seq", e.Seq).Msg("security feed: an alert event without an alert payload")
		return
	}
	msg.Type = "alert"
	data, err := json.Marshal(msg)
	if err != nil {
		return
	}
	f.hub.Broadcast(tenant, realtime.Message{Permission: PermissionRead, Data: data})
}

// FeedQuery documents the credentials of the upgrade.
type FeedQuery struct {
	Ticket string `query:"ticket" doc:"a ticket from POST /api/v1/ws/ticket (browsers)"`
	Token  string `query:"token" doc:"an access token, as an alternative to the ticket or the Authorization header"`
}

// Routes registers the feed; authenticate are the handlers that read the
// upgrade's credentials (an origin check first).
func (f *Feed) Routes(s *httpapi.Server, authenticate []fiber.Handler) {
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: FeedPath, Permission: PermissionRead, Feature: string(rbac.FeatureSecurity),
		Tags: []string{"security", "realtime"}, Authenticate: authenticate,
		Summary: "Live feed of new security alerts (WebSocket)",
		Description: "A GET that upgrades to a WebSocket (101). Credentials: ?ticket= (single use, from POST " +
			"/api/v1/ws/ticket), ?token= with an access token, or the Authorization header. A browser's Origin " +
			"must be an allowed origin. The server sends one text message per new alert of the tenant, " +
			"{\"type\": \"alert\", \"data\": <the alert as GET /security/alerts/{id} answers it>}, and pings " +
			"every 30 seconds; clients send nothing but pongs. A client that falls behind is closed with 1008, " +
			"and when the access token ends with 4001 (reconnect with a new ticket). Alerts raised while a client " +
			"is not connected are not replayed: list them.",
		Query: FeedQuery{}, Status: http.StatusSwitchingProtocols, Handler: f.connect})
}

func (f *Feed) connect(c fiber.Ctx) error {
	p, _ := auth.PrincipalFrom(c.Context())
	return f.hub.Upgrade(c, realtime.Subscriber{TenantID: p.TenantID, Allows: httpapi.GrantCheck(c), Until: httpapi.CredentialsExpiry(c)})
}
