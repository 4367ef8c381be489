-- The tenant registry of the management plane, licences with their
-- history, and the outbox of licence pushes to the Cloud with every
-- delivery attempt. This database is the provider's alone (no row-level
-- security); references to a managed tenant are named managed_tenant_id so
-- they are never mistaken for the Cloud's tenant_id under RLS.

-- +goose Up
CREATE TABLE tenants (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cloud_tenant_id       uuid NOT NULL UNIQUE,
    account_name          text NOT NULL UNIQUE CHECK (account_name ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
    organization_name     text NOT NULL CHECK (length(organization_name) BETWEEN 1 AND 200),
    contact_name          text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_email         text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'suspended', 'deleted')),
    source                text NOT NULL CHECK (source IN ('self_registered', 'operator')),
    -- Self-registrations wait for an operator: approved with a licence, or rejected.
    registration          text CHECK (registration IN ('pending', 'approved', 'rejected')),
    deletion_scheduled_at timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               integer NOT NULL DEFAULT 1
);
CREATE INDEX tenants_status ON tenants (status, created_at);
GRANT SELECT, INSERT, UPDATE ON tenants TO monozu_mgmt_app;

CREATE TABLE licenses (
    managed_tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    plan       text NOT NULL CHECK (length(plan) BETWEEN 1 AND 64),
    features   text[] NOT NULL DEFAULT '{}' CHECK (features <@ ARRAY['security', 'vpn', 'backup']),
    limits     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(limits) = 'object'),
    starts_at  timestamptz NOT NULL,
    expires_at timestamptz,
    grace_days integer NOT NULL DEFAULT 14 CHECK (grace_days BETWEEN 0 AND 365),
    notes      text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    issued_at  timestamptz NOT NULL,
    version    integer NOT NULL DEFAULT 1
);
GRANT SELECT, INSERT, UPDATE ON licenses TO monozu_mgmt_app;

-- Append-only: every licence or status change as it was pushed.
CREATE TABLE license_history (
    id          uuid PRIMARY KEY,
    managed_tenant_id uuid NOT NULL REFERENCES tenants (id),
    at          timestamptz NOT NULL DEFAULT now(),
    operator_id uuid REFERENCES operators (id),
    status      text NOT NULL,
    license     jsonb NOT NULL
);
CREATE INDEX license_history_tenant ON license_history (managed_tenant_id, at DESC);
GRANT SELECT, INSERT ON license_history TO monozu_mgmt_app;

-- The outbox: one row per push, written with the change that causes it.
CREATE TABLE webhook_deliveries (
    id           uuid PRIMARY KEY,
    event_id     text NOT NULL UNIQUE,
    managed_tenant_id uuid NOT NULL REFERENCES tenants (id),
    payload      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    give_up_at   timestamptz NOT NULL,
    delivered_at timestamptz
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (created_at DESC, id DESC);
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO monozu_mgmt_app;

CREATE TABLE webhook_attempts (
    id          uuid PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
    at          timestamptz NOT NULL DEFAULT now(),
    status_code integer,
    latency_ms  integer NOT NULL,
    error       text NOT NULL DEFAULT '' CHECK (length(error) <= 1000),
    response    text NOT NULL DEFAULT '' CHECK (length(response) <= 1000)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, at);
GRANT SELECT, INSERT ON webhook_attempts TO monozu_mgmt_app;

-- +goose Down
DROP TABLE webhook_attempts, webhook_deliveries, license_history, licenses, tenants;
