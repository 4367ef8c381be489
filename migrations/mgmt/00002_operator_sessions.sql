-- Operator sign-in state: sessions with rotating refresh tokens and the
-- single-use second step after the password. Like every management table
-- these are global; rows are ended (revoked, rotated, used), never deleted,
-- so the app role gets no DELETE.

-- +goose Up
CREATE TABLE operator_sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    operator_id     uuid NOT NULL REFERENCES operators (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,   -- absolute lifetime
    idle_expires_at timestamptz NOT NULL,   -- moves with every refresh
    revoked_at      timestamptz,
    revoked_reason  text CHECK (length(revoked_reason) <= 100),
    ip              inet,
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512)
);
-- Disabling an operator revokes their live sessions.
CREATE INDEX operator_sessions_live ON operator_sessions (operator_id) WHERE revoked_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON operator_sessions TO monozu_mgmt_app;

-- Every refresh token a session was given; a rotated one presented again
-- revokes the session.
CREATE TABLE operator_refresh_tokens (
    token_hash text PRIMARY KEY CHECK (length(token_hash) = 64),
    session_id uuid NOT NULL REFERENCES operator_sessions (id),
    issued_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz
);
CREATE INDEX operator_refresh_tokens_session ON operator_refresh_tokens (session_id);
GRANT SELECT, INSERT, UPDATE ON operator_refresh_tokens TO monozu_mgmt_app;

-- The second login step: TOTP is mandatory for operators.
CREATE TABLE operator_mfa_challenges (
    token_hash  text PRIMARY KEY CHECK (length(token_hash) = 64),
    operator_id uuid NOT NULL REFERENCES operators (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL CHECK (expires_at <= created_at + interval '5 minutes'),
    used_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);
GRANT SELECT, INSERT, UPDATE ON operator_mfa_challenges TO monozu_mgmt_app;

-- +goose Down
DROP TABLE operator_mfa_challenges;
DROP TABLE operator_refresh_tokens;
DROP TABLE operator_sessions;
