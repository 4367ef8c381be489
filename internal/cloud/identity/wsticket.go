package identity

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
)

// DefaultTicketTTL is how long a WebSocket ticket may wait for its
// connection (spec 40).
const DefaultTicketTTL = 30 * time.Second

// TicketSealerPurpose derives the key that seals WebSocket tickets from
// SECRET_KEY (auth.NewSealer).
const TicketSealerPurpose = "ws-tickets"

// ticketAAD binds a sealed ticket to its use, so nothing else sealed
// under the key opens as one.
var ticketAAD = []byte("monozu ws ticket v1")

// WSTicket is a credential for one WebSocket connection.
type WSTicket struct {
	Ticket    string    `json:"ticket" doc:"pass as ?ticket= on the WebSocket URL; used once"`
	ExpiresAt time.Time `json:"expires_at"`
}

// wsTicket is what a ticket seals: who, which session, until when it may
// be redeemed, until when the connection it opens may last (the expiry of
// the access token it was issued for), and its id, spent on redemption.
type wsTicket struct {
	ID              uuid.UUID `json:"i"`
	TenantID        uuid.UUID `json:"t"`
	UserID          uuid.UUID `json:"u"`
	SessionID       uuid.UUID `json:"s"`
	ExpiresAt       time.Time `json:"e"`
	ConnectionUntil time.Time `json:"c"`
}

var errInvalidTicket = errs.New(errs.KindUnauthenticated, "The WebSocket ticket is not valid, has expired or was used already.").WithCode("invalid_ticket")

// The sealer's base64 alphabet has + and /, which a query string mangles;
// tickets travel in the URL alphabet.
var (
	toURLAlphabet   = strings.NewReplacer("+", "-", "/", "_")
	fromURLAlphabet = strings.NewReplacer("-", "+", "_", "/")
)

// IssueWSTicket issues a ticket for the signed-in caller's session, good
// for one connection within the ticket TTL.
func (s *Service) IssueWSTicket(ctx context.Context, sessionID uuid.UUID, connectionUntil time.Time) (WSTicket, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.Kind != auth.KindUser || sessionID == uuid.Nil {
		return WSTicket{}, errUnauthenticated
	}
	ttl := s.cfg.TicketTTL
	if ttl <= 0 {
		ttl = DefaultTicketTTL
	}
	t := wsTicket{ID: uuid.New(), TenantID: p.TenantID, UserID: p.ActorID, SessionID: sessionID,
		ExpiresAt: s.now().Add(ttl).UTC(), ConnectionUntil: connectionUntil.UTC()}
	plain, err := json.Marshal(t)
	if err != nil {
		return WSTicket{}, err
	}
	return WSTicket{Ticket: toURLAlphabet.Replace(s.cfg.Tickets.Seal(plain, ticketAAD)), ExpiresAt: t.ExpiresAt}, nil
}

// redeemWSTicket opens a ticket and spends it: its id goes into
// ws_ticket_redemptions in the ticket's tenant, so a second use conflicts
// on any replica. Every failure is the same 401.
func (s *Service) redeemWSTicket(ctx context.Context, raw string) (wsTicket, error) {
	plain, err := s.cfg.Tickets.Open(fromURLAlphabet.Replace(raw), ticketAAD)
	if err != nil {
		return wsTicket{}, errInvalidTicket
	}
	var t wsTicket
	if json.Unmarshal(plain, &t) != nil || t.ID == uuid.Nil || t.TenantID == uuid.Nil || !s.now().Before(t.ExpiresAt) {
		return wsTicket{}, errInvalidTicket
	}
	ctx = auth.WithPrincipal(ctx, auth.Principal{Kind: auth.KindUser, TenantID: t.TenantID, ActorID: t.UserID})
	err = s.db.InTenant(ctx, func(tx *database.Tx) error {
		n, err := tx.Exec(ctx, `INSERT INTO ws_ticket_redemptions (tenant_id, id, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id, id) DO NOTHING`, tx.TenantID(), t.ID, t.ExpiresAt)
		if err == nil && n == 0 {
			return errInvalidTicket
		}
		return err
	})
	return t, err
}
