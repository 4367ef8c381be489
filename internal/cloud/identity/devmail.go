package identity

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/httpapi"
	"github.com/monozu/monozu/internal/platform/mail"
)

// OutboxMessage is a development e-mail as the outbox page shows it.
type OutboxMessage struct {
	ID      string    `json:"id"`
	SentAt  time.Time `json:"sent_at"`
	To      []string  `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	Tag     string    `json:"tag"`
}

// OutboxList is the newest development e-mails of the caller's tenant.
type OutboxList struct {
	Items []OutboxMessage `json:"items"`
}

// DevMailRoutes serves the development outbox: with MAIL_DRIVER=log nothing
// is delivered, so invitation and reset links are followed from here. Each
// tenant sees only mail addressed to its own users.
func (h *Handler) DevMailRoutes(s *httpapi.Server, outbox *mail.Outbox) {
	s.Handle(httpapi.Route{Method: http.MethodGet, Path: "/api/v1/dev/outbox", Permission: "settings.users.read", Tags: []string{"development"},
		Summary:     "Development mail outbox (only with MAIL_DRIVER=log)",
		Description: "Mail that would have been sent to this tenant's users, newest first; it lives in memory and is lost on restart.",
		Response:    OutboxList{},
		Handler: func(c fiber.Ctx) error {
			emails, err := h.svc.tenantEmails(c.Context())
			if err != nil {
				return err
			}
			out := OutboxList{Items: []OutboxMessage{}}
			for _, m := range outbox.List() {
				if !slices.ContainsFunc(m.Message.To, func(to string) bool { return slices.Contains(emails, to) }) {
					continue
				}
				out.Items = append(out.Items, OutboxMessage{ID: m.ID, SentAt: m.SentAt, To: m.Message.To,
					Subject: m.Message.Subject, Text: m.Message.Text, Tag: m.Message.Tag})
			}
			return c.JSON(out)
		}})
}

// tenantEmails lists the addresses of the tenant's users.
func (s *Service) tenantEmails(ctx context.Context) ([]string, error) {
	var emails []string
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		return tx.Select(ctx, &emails, `SELECT email FROM users WHERE tenant_id = $1`, tx.TenantID())
	})
	return emails, err
}
