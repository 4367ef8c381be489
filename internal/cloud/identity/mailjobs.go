package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/jobs"
	"github.com/monozu/monozu/internal/platform/mail"
)

// Mail that carries a secret link is sent by a job that mints the token
// itself, right before sending: the token exists only in the e-mail and, as
// a hash, in the database — never in the job queue.

// InvitationMailArgs asks for an invitation e-mail.
type InvitationMailArgs struct {
	TenantID     uuid.UUID `json:"tenant_id"`
	InvitationID uuid.UUID `json:"invitation_id"`
}

// Kind names the job.
func (InvitationMailArgs) Kind() string { return "identity_invitation_mail" }

// PasswordResetMailArgs asks for a password-reset e-mail.
type PasswordResetMailArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	UserID   uuid.UUID `json:"user_id"`
}

// Kind names the job.
func (PasswordResetMailArgs) Kind() string { return "identity_password_reset_mail" }

// Mailing is what the mail jobs need.
type Mailing struct {
	Mailer     mail.Mailer
	AppBaseURL string // links point here: <base>/invite/<token>, <base>/reset-password/<token>
	Queue      *jobs.Queue
}

// AddWorkers registers identity's mail jobs.
func (s *Service) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, river.WorkFunc(s.sendInvitation))
	river.AddWorker(workers, river.WorkFunc(s.sendPasswordReset))
}

func (s *Service) sendInvitation(ctx context.Context, job *river.Job[InvitationMailArgs]) error {
	ctx = auth.WithPrincipal(ctx, auth.System(job.Args.TenantID))
	var msg *mail.Message
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		var inv struct {
			Email   string `db:"email"`
			Usable  bool   `db:"usable"`
			Org     string `db:"org"`
			Inviter string `db:"inviter"`
		}
		err := tx.Get(ctx, &inv, `
			SELECT u.email, (i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()) AS usable,
			       t.display_name AS org, coalesce(b.display_name, '') AS inviter
			FROM invitations i
			JOIN users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id
			JOIN tenants t ON t.id = i.tenant_id
			LEFT JOIN users b ON b.tenant_id = i.tenant_id AND b.id = i.invited_by
			WHERE i.tenant_id = $1 AND i.id = $2 FOR UPDATE OF i`, tx.TenantID(), job.Args.InvitationID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && !inv.Usable) {
			return nil // revoked, accepted or expired meanwhile: nothing to send
		}
		if err != nil {
			return err
		}
		token, hash := auth.NewOpaqueToken()
		if _, err := tx.Exec(ctx, `UPDATE invitations SET token_hash = $3 WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID(), job.Args.InvitationID, hash); err != nil {
			return err
		}
		link := s.mailing.AppBaseURL + "/invite/" + token
		who := "You have"
		if inv.Inviter != "" {
			who = inv.Inviter + " has"
		}
		msg = &mail.Message{To: []string{inv.Email}, Tag: "invitation",
			Subject: "You are invited to " + inv.Org + " on Monozu",
			Text: fmt.Sprintf("%s invited you to join %s on Monozu.\n\nAccept the invitation and choose your password:\n%s\n\n"+
				"The link works once and expires in 7 days. If you did not expect this, ignore this e-mail.\n", who, inv.Org, link),
		}
		return nil
	})
	return s.deliver(ctx, msg, err)
}

func (s *Service) sendPasswordReset(ctx context.Context, job *river.Job[PasswordResetMailArgs]) error {
	ctx = auth.WithPrincipal(ctx, auth.System(job.Args.TenantID))
	var msg *mail.Message
	err := s.db.InTenant(ctx, func(tx *database.Tx) error {
		u, err := userByID(ctx, tx, job.Args.UserID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && u.Status != UserActive) {
			return nil
		}
		if err != nil {
			return err
		}
		token, hash := auth.NewOpaqueToken()
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (tenant_id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
			tx.TenantID(), hash, u.ID, s.now().Add(PasswordResetLifetime)); err != nil {
			return err
		}
		link := s.mailing.AppBaseURL + "/reset-password/" + token
		msg = &mail.Message{To: []string{u.Email}, Tag: "password_reset", Subject: "Reset your Monozu password",
			Text: "Someone asked to reset the password of your Monozu account.\n\nChoose a new password here:\n" + link +
				"\n\nThe link works once and expires in one hour. If it was not you, ignore this e-mail: your password stays as it is.\n",
		}
		return nil
	})
	return s.deliver(ctx, msg, err)
}

// deliver sends msg; permanent mail failures cancel the job instead of
// retrying it for hours.
func (s *Service) deliver(ctx context.Context, msg *mail.Message, prepErr error) error {
	if prepErr != nil || msg == nil {
		return prepErr
	}
	if err := s.mailing.Mailer.Send(ctx, *msg); err != nil {
		if mail.IsTemporary(err) {
			return err
		}
		return river.JobCancel(errors.Join(errors.New("mail refused for good"), err))
	}
	return nil
}

// PasswordResetLifetime and InvitationLifetime (spec 10-platform).
const (
	PasswordResetLifetime = time.Hour
	InvitationLifetime    = 7 * 24 * time.Hour
)
