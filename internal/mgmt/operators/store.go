package operators

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/monozu/monozu/internal/platform/auth"
	"github.com/monozu/monozu/internal/platform/database"
	"github.com/monozu/monozu/internal/platform/errs"
	"github.com/monozu/monozu/internal/platform/requestmeta"
)

const operatorColumns = `id, email, name, role, status, last_login_at, created_at, updated_at, version`

func insertOperator(ctx context.Context, tx *database.Tx, id uuid.UUID, n NewOperator, passwordHash, sealedSecret string) (Operator, error) {
	var o Operator
	err := tx.Get(ctx, &o, `INSERT INTO operators (id, email, name, role, password_hash, totp_secret)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+operatorColumns, id, n.Email, n.Name, n.Role, passwordHash, sealedSecret)
	if errs.Is(err, errs.KindConflict) {
		return Operator{}, errEmailTaken
	}
	return o, err
}

func operatorByID(ctx context.Context, tx *database.Tx, id uuid.UUID, forUpdate bool) (Operator, error) {
	q := `SELECT ` + operatorColumns + ` FROM operators WHERE id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	var o Operator
	err := tx.Get(ctx, &o, q, id)
	if errs.Is(err, errs.KindNotFound) {
		return Operator{}, errs.NotFound("operator")
	}
	return o, err
}

// loginState is what a sign-in needs beyond the public operator.
type loginState struct {
	Operator
	PasswordHash string     `db:"password_hash"`
	TOTPSecret   string     `db:"totp_secret"`
	TOTPLastStep int64      `db:"totp_last_step"`
	FailedLogins int        `db:"failed_logins"`
	FailedSince  *time.Time `db:"failed_since"`
	LockedUntil  *time.Time `db:"locked_until"`
}

// lockLoginState loads an operator for sign-in and locks the row, so
// concurrent attempts count failures one after another.
func lockLoginState(ctx context.Context, tx *database.Tx, where string, arg any) (loginState, error) {
	var s loginState
	err := tx.Get(ctx, &s, `SELECT `+operatorColumns+`, password_hash, totp_secret, totp_last_step,
		failed_logins, failed_since, locked_until FROM operators WHERE `+where+` = $1 FOR UPDATE`, arg)
	return s, err
}

// recordFailure counts a failed attempt under the shared lockout policy and
// returns when the account is now locked until, if it is.
func recordFailure(ctx context.Context, tx *database.Tx, s loginState, now time.Time) (lockedUntil *time.Time, err error) {
	f := auth.NextFailure(s.FailedLogins, s.FailedSince, now)
	_, err = tx.Exec(ctx, `UPDATE operators SET failed_logins = $2, failed_since = $3, locked_until = coalesce($4, locked_until)
		WHERE id = $1`, s.ID, f.Count, f.Since, f.LockedUntil)
	return f.LockedUntil, err
}

func insertChallenge(ctx context.Context, tx *database.Tx, hash string, operatorID uuid.UUID, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO operator_mfa_challenges (token_hash, operator_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, hash, operatorID, now, now.Add(MFAChallengeLifetime))
	return err
}

type challengeRow struct {
	OperatorID uuid.UUID `db:"operator_id"`
	Usable     bool      `db:"usable"`
	Attempts   int       `db:"attempts"`
}

func lockChallenge(ctx context.Context, tx *database.Tx, hash string, now time.Time) (challengeRow, error) {
	var ch challengeRow
	err := tx.Get(ctx, &ch, `SELECT operator_id, (used_at IS NULL AND expires_at > $2) AS usable, attempts
		FROM operator_mfa_challenges WHERE token_hash = $1 FOR UPDATE`, hash, now)
	return ch, err
}

func insertSession(ctx context.Context, tx *database.Tx, operatorID uuid.UUID, now time.Time, idle time.Duration, meta requestmeta.Meta) (uuid.UUID, error) {
	var id uuid.UUID
	err := tx.Get(ctx, &id, `INSERT INTO operator_sessions (operator_id, created_at, last_used_at, expires_at, idle_expires_at, ip, user_agent)
		VALUES ($1, $2, $2, $3, $4, $5::inet, $6) RETURNING id`,
		operatorID, now, now.Add(SessionAbsoluteLifetime), now.Add(min(idle, SessionAbsoluteLifetime)), nullable(meta.IP), clip(meta.UserAgent, 512))
	return id, err
}

func insertRefreshToken(ctx context.Context, tx *database.Tx, sessionID uuid.UUID, hash string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO operator_refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, hash, sessionID, now)
	return err
}

type sessionRow struct {
	ID            uuid.UUID  `db:"id"`
	OperatorID    uuid.UUID  `db:"operator_id"`
	ExpiresAt     time.Time  `db:"expires_at"`
	IdleExpiresAt time.Time  `db:"idle_expires_at"`
	RevokedAt     *time.Time `db:"revoked_at"`
}

func (s sessionRow) usable(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && now.Before(s.IdleExpiresAt)
}

type refreshRow struct {
	RotatedAt *time.Time `db:"rotated_at"`
	sessionRow
}

func lockRefreshToken(ctx context.Context, tx *database.Tx, hash string) (refreshRow, error) {
	var r refreshRow
	err := tx.Get(ctx, &r, `
		SELECT r.rotated_at, s.id, s.operator_id, s.expires_at, s.idle_expires_at, s.revoked_at
		FROM operator_refresh_tokens r JOIN operator_sessions s ON s.id = r.session_id
		WHERE r.token_hash = $1
		FOR UPDATE OF r, s`, hash)
	return r, err
}

func rotateRefreshToken(ctx context.Context, tx *database.Tx, oldHash, newHash string, sessionID uuid.UUID, now time.Time, idle time.Duration) error {
	if _, err := tx.Exec(ctx, `UPDATE operator_refresh_tokens SET rotated_at = $2 WHERE token_hash = $1`, oldHash, now); err != nil {
		return err
	}
	if err := insertRefreshToken(ctx, tx, sessionID, newHash, now); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE operator_sessions SET last_used_at = $2, idle_expires_at = LEAST(expires_at, $3) WHERE id = $1`,
		sessionID, now, now.Add(idle))
	return err
}

func revokeSession(ctx context.Context, tx *database.Tx, sessionID uuid.UUID, reason string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE operator_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL`,
		sessionID, now, reason)
	return err
}

func revokeOperatorSessions(ctx context.Context, tx *database.Tx, operatorID uuid.UUID, reason string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE operator_sessions SET revoked_at = $2, revoked_reason = $3 WHERE operator_id = $1 AND revoked_at IS NULL`,
		operatorID, now, reason)
	return err
}

func sessionByID(ctx context.Context, tx *database.Tx, id uuid.UUID) (sessionRow, error) {
	var s sessionRow
	err := tx.Get(ctx, &s, `SELECT id, operator_id, expires_at, idle_expires_at, revoked_at FROM operator_sessions WHERE id = $1`, id)
	return s, err
}

// activeAdmins locks and counts the active admins, so two concurrent
// demotions cannot both see another admin left.
func activeAdmins(ctx context.Context, tx *database.Tx) (int, error) {
	var ids []uuid.UUID
	err := tx.Select(ctx, &ids, `SELECT id FROM operators WHERE role = 'admin' AND status = 'active' FOR UPDATE`)
	return len(ids), err
}

// AuditRecord is one operator_audit row to write.
type AuditRecord struct {
	Action       string
	ResourceType string
	ResourceID   string
	Summary      string
	Changes      map[string]Change
	// Actor overrides the operator on the context, for events before
	// authentication (a failed sign-in is attributed to its target).
	Actor *Actor
	// Without is who acted when no operator did ("cloud" for the Cloud's
	// machine calls); "command line" when empty.
	Without string
}

// Change is a before/after pair in the audit log.
type Change struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// WriteAudit records an operator action in the transaction of the change,
// with the client details of the request; every management context uses it.
func WriteAudit(ctx context.Context, tx *database.Tx, r AuditRecord) error {
	actor, ok := ActorFrom(ctx)
	if r.Actor != nil {
		actor, ok = *r.Actor, true
	}
	var actorID *uuid.UUID
	label := "command line"
	if r.Without != "" {
		label = r.Without
	}
	if ok {
		actorID, label = &actor.ID, actor.Email
	}
	changes := []byte("{}")
	if r.Changes != nil {
		var err error
		if changes, err = json.Marshal(r.Changes); err != nil {
			return err
		}
	}
	meta := requestmeta.From(ctx)
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO operator_audit (id, operator_id, actor_label, action, resource_type, resource_id,
		summary, changes, ip, user_agent, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10, $11)`,
		id, actorID, clip(label, 320), r.Action, r.ResourceType, r.ResourceID, clip(r.Summary, 1000), changes,
		nullable(meta.IP), clip(meta.UserAgent, 512), clip(meta.RequestID, 128))
	return err
}

// AuditEntry is one record of the operator audit log.
type AuditEntry struct {
	ID           uuid.UUID         `db:"id" json:"id"`
	At           time.Time         `db:"at" json:"at"`
	OperatorID   *uuid.UUID        `db:"operator_id" json:"operator_id"`
	ActorLabel   string            `db:"actor_label" json:"actor_label"`
	Action       string            `db:"action" json:"action"`
	ResourceType string            `db:"resource_type" json:"resource_type"`
	ResourceID   string            `db:"resource_id" json:"resource_id"`
	Summary      string            `db:"summary" json:"summary"`
	Changes      map[string]Change `db:"-" json:"changes"`
	IP           *string           `db:"ip" json:"ip"`
	UserAgent    string            `db:"user_agent" json:"user_agent"`
	RequestID    string            `db:"request_id" json:"request_id"`
}

// auditPage reads the log newest first, after the cursor's (at, id).
func auditPage(ctx context.Context, tx *database.Tx, after *auditKey, limit int) ([]AuditEntry, error) {
	var rows []struct {
		AuditEntry
		Changes database.JSON[map[string]Change] `db:"changes"`
	}
	q := `SELECT id, at, operator_id, actor_label, action, resource_type, resource_id, summary, changes,
		host(ip) AS ip, user_agent, request_id FROM operator_audit`
	args := []any{limit + 1}
	if after != nil {
		q += ` WHERE (at, id) < ($2, $3)`
		args = append(args, after.At, after.ID)
	}
	if err := tx.Select(ctx, &rows, q+` ORDER BY at DESC, id DESC LIMIT $1`, args...); err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.AuditEntry
		out[i].Changes = r.Changes.V
		if out[i].Changes == nil {
			out[i].Changes = map[string]Change{}
		}
	}
	return out, nil
}

type auditKey struct {
	At time.Time
	ID uuid.UUID
}

// operatorPage lists operators by e-mail address (unique, so a stable key).
func operatorPage(ctx context.Context, tx *database.Tx, afterEmail string, limit int) ([]Operator, error) {
	var rows []Operator
	err := tx.Select(ctx, &rows, `SELECT `+operatorColumns+` FROM operators WHERE email > $1 ORDER BY email LIMIT $2`,
		afterEmail, limit+1)
	return rows, err
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
