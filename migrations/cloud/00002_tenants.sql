-- The tenant registry and per-tenant settings.
--
-- tenants is the one tenant table keyed by id instead of tenant_id: its row
-- IS the tenant. Its policy admits only the row of the current tenant
-- context, so a tenant cannot even learn that other tenants exist. A new
-- tenant is inserted inside its own, brand-new tenant context (registration),
-- which the policy's WITH CHECK enforces.

-- +goose Up
CREATE TABLE tenants (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_name text NOT NULL UNIQUE
                 CHECK (account_name ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'active', 'suspended', 'deleted')),
    auth_policy  text NOT NULL DEFAULT 'standard' CHECK (auth_policy IN ('standard', 'restricted')),
    mfa_policy   text NOT NULL DEFAULT 'optional' CHECK (mfa_policy IN ('optional', 'required')),
    timezone     text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON tenants TO monozu_cloud_app;
GRANT SELECT, INSERT, UPDATE ON tenants TO monozu_cloud_platform;

CREATE TABLE tenant_settings (
    tenant_id                    uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    ingest_events_retention_days integer NOT NULL DEFAULT 30 CHECK (ingest_events_retention_days BETWEEN 1 AND 3650),
    audit_retention_days         integer NOT NULL DEFAULT 365 CHECK (audit_retention_days BETWEEN 30 AND 3650),
    notification_defaults        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(notification_defaults) = 'object'),
    version                      integer NOT NULL DEFAULT 1,
    updated_at                   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_settings
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO monozu_cloud_app;
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO monozu_cloud_platform;

-- +goose Down
DROP TABLE tenant_settings;
DROP TABLE tenants;
