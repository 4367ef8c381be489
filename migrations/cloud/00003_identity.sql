-- Identity and access: licences, users, groups, sessions, MFA, invitations,
-- password resets and the audit log. Every table is a tenant table under
-- forced RLS. Pre-tenant lookups (login by e-mail, a token to its tenant)
-- go through the two SECURITY DEFINER functions at the end, owned by the
-- NOLOGIN role monozu_cloud_definer, which alone may read across tenants and
-- only the columns those functions return.

-- +goose Up

-- Licences (applied by the licensing service; the management plane pushes them).
CREATE TABLE tenant_licenses (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    plan       text NOT NULL CHECK (length(plan) BETWEEN 1 AND 64),
    limits     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(limits) = 'object'),
    starts_at  timestamptz NOT NULL,
    expires_at timestamptz,
    grace_days integer NOT NULL DEFAULT 0 CHECK (grace_days BETWEEN 0 AND 365),
    source     text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    applied_at timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at IS NULL OR expires_at > starts_at)
);

CREATE TABLE tenant_features (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    feature   text NOT NULL CHECK (feature IN ('security', 'vpn', 'backup')),
    PRIMARY KEY (tenant_id, feature)
);

CREATE TABLE users (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    email               text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status              text NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
    password_hash       text,
    mfa_enabled         boolean NOT NULL DEFAULT false,
    totp_secret         text,    -- sealed (AES-GCM), set once confirmed
    totp_pending_secret text,    -- sealed, between setup and confirm
    totp_last_step      bigint NOT NULL DEFAULT 0,
    failed_logins       integer NOT NULL DEFAULT 0,
    failed_since        timestamptz,
    locked_until        timestamptz,
    last_login_at       timestamptz,
    locale              text NOT NULL DEFAULT 'en' CHECK (length(locale) BETWEEN 2 AND 16),
    appearance          text NOT NULL DEFAULT 'system' CHECK (appearance IN ('system', 'light', 'dark')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
-- E-mail is unique across all tenants (spec): login finds the tenant by it.
CREATE UNIQUE INDEX users_email_global ON users (email);

CREATE TABLE groups (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    permissions text[] NOT NULL DEFAULT '{}' CHECK (cardinality(permissions) <= 200),
    built_in    text CHECK (built_in IN ('admin', 'read_only')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX groups_name ON groups (tenant_id, lower(name));
CREATE UNIQUE INDEX groups_built_in ON groups (tenant_id, built_in) WHERE built_in IS NOT NULL;

CREATE TABLE group_members (
    tenant_id  uuid NOT NULL,
    group_id   uuid NOT NULL,
    user_id    uuid NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members (tenant_id, user_id);

-- A session is one login on one device; its refresh tokens rotate on every
-- use and a rotated token presented again revokes the whole session.
CREATE TABLE sessions (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,   -- absolute lifetime
    idle_expires_at timestamptz NOT NULL,   -- moves with every refresh
    revoked_at      timestamptz,
    revoked_reason  text CHECK (length(revoked_reason) <= 100),
    ip              inet,
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE refresh_tokens (
    tenant_id  uuid NOT NULL,
    token_hash text NOT NULL CHECK (length(token_hash) = 64),
    session_id uuid NOT NULL,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_session ON refresh_tokens (tenant_id, session_id);

-- The second login step: a short-lived, single-use token after the password.
CREATE TABLE mfa_challenges (
    tenant_id  uuid NOT NULL,
    token_hash text NOT NULL CHECK (length(token_hash) = 64),
    user_id    uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    attempts   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX mfa_challenges_hash ON mfa_challenges (token_hash);

CREATE TABLE recovery_codes (
    tenant_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    code_hash text NOT NULL CHECK (length(code_hash) = 64),
    used_at   timestamptz,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE invitations (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL,
    token_hash  text NOT NULL CHECK (length(token_hash) = 64),
    group_ids   uuid[] NOT NULL DEFAULT '{}',
    invited_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX invitations_hash ON invitations (token_hash);

CREATE TABLE password_resets (
    tenant_id  uuid NOT NULL,
    token_hash text NOT NULL CHECK (length(token_hash) = 64),
    user_id    uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX password_resets_hash ON password_resets (token_hash);

-- Append-only record of every mutation and security event. Ids are UUIDv7
-- (time-ordered), so (at, id) pages are stable.
CREATE TABLE audit_log (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_type    text NOT NULL CHECK (actor_type IN ('user', 'device', 'operator', 'system', 'anonymous')),
    actor_id      uuid,
    actor_label   text NOT NULL DEFAULT '' CHECK (length(actor_label) <= 320),
    action        text NOT NULL CHECK (length(action) BETWEEN 3 AND 100),
    resource_type text NOT NULL DEFAULT '' CHECK (length(resource_type) <= 100),
    resource_id   text NOT NULL DEFAULT '' CHECK (length(resource_id) <= 200),
    summary       text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    changes       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(changes) = 'object'),
    ip            inet,
    user_agent    text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    request_id    text NOT NULL DEFAULT '' CHECK (length(request_id) <= 128),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_time ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, at DESC);
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource_type, resource_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, at DESC);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_licenses', 'tenant_features', 'users', 'groups', 'group_members',
        'sessions', 'refresh_tokens', 'mfa_challenges', 'recovery_codes', 'invitations', 'password_resets', 'audit_log']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
            WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))$p$, t);
    END LOOP;
END
$$;
-- +goose StatementEnd

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_licenses, tenant_features, users, groups, group_members,
    sessions, refresh_tokens, mfa_challenges, recovery_codes, invitations, password_resets TO monozu_cloud_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_licenses, tenant_features TO monozu_cloud_platform;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, groups, group_members TO monozu_cloud_platform;
GRANT SELECT, INSERT ON audit_log TO monozu_cloud_app, monozu_cloud_platform;
GRANT DELETE ON audit_log TO monozu_cloud_platform; -- retention job only

-- Pre-tenant lookups. They return the least that lets the caller open a
-- tenant transaction; everything else is then read under RLS.
-- +goose StatementBegin
CREATE FUNCTION auth_login_lookup(p_email text)
RETURNS TABLE (tenant_id uuid, user_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT u.tenant_id, u.id FROM public.users u WHERE u.email = lower(trim(p_email)) LIMIT 1
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION auth_token_tenant(p_kind text, p_token_hash text)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT CASE p_kind
        WHEN 'refresh' THEN (SELECT r.tenant_id FROM public.refresh_tokens r WHERE r.token_hash = p_token_hash)
        WHEN 'mfa' THEN (SELECT m.tenant_id FROM public.mfa_challenges m WHERE m.token_hash = p_token_hash)
        WHEN 'invitation' THEN (SELECT i.tenant_id FROM public.invitations i WHERE i.token_hash = p_token_hash)
        WHEN 'password_reset' THEN (SELECT p.tenant_id FROM public.password_resets p WHERE p.token_hash = p_token_hash)
    END
$$;
-- +goose StatementEnd

GRANT SELECT (tenant_id, id, email) ON users TO monozu_cloud_definer;
GRANT SELECT (tenant_id, token_hash) ON refresh_tokens, mfa_challenges, invitations, password_resets TO monozu_cloud_definer;
ALTER FUNCTION auth_login_lookup(text) OWNER TO monozu_cloud_definer;
ALTER FUNCTION auth_token_tenant(text, text) OWNER TO monozu_cloud_definer;
REVOKE ALL ON FUNCTION auth_login_lookup(text), auth_token_tenant(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_login_lookup(text), auth_token_tenant(text, text) TO monozu_cloud_app;

-- +goose Down
DROP FUNCTION auth_token_tenant(text, text);
DROP FUNCTION auth_login_lookup(text);
DROP TABLE audit_log, password_resets, invitations, recovery_codes, mfa_challenges, refresh_tokens,
    sessions, group_members, groups, users, tenant_features, tenant_licenses;
