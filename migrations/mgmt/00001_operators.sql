-- Operators of the platform provider and their sessions. The management
-- database has one owner (the provider), so these tables are global; access
-- is by role (admin, support) checked in the service.

-- +goose Up
CREATE TABLE operators (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role           text NOT NULL CHECK (role IN ('admin', 'support')),
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash  text NOT NULL,
    totp_secret    text NOT NULL,  -- sealed (AES-GCM); TOTP is mandatory for operators
    totp_last_step bigint NOT NULL DEFAULT 0,
    failed_logins  integer NOT NULL DEFAULT 0,
    failed_since   timestamptz,
    locked_until   timestamptz,
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1
);
GRANT SELECT, INSERT, UPDATE ON operators TO monozu_mgmt_app;

-- Append-only record of every operator action.
CREATE TABLE operator_audit (
    id            uuid PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    operator_id   uuid REFERENCES operators (id),
    actor_label   text NOT NULL DEFAULT '' CHECK (length(actor_label) <= 320),
    action        text NOT NULL CHECK (length(action) BETWEEN 3 AND 100),
    resource_type text NOT NULL DEFAULT '' CHECK (length(resource_type) <= 100),
    resource_id   text NOT NULL DEFAULT '' CHECK (length(resource_id) <= 200),
    summary       text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    changes       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(changes) = 'object'),
    ip            inet,
    user_agent    text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    request_id    text NOT NULL DEFAULT '' CHECK (length(request_id) <= 128)
);
CREATE INDEX operator_audit_time ON operator_audit (at DESC, id DESC);
GRANT SELECT, INSERT ON operator_audit TO monozu_mgmt_app;

-- +goose Down
DROP TABLE operator_audit;
DROP TABLE operators;
