-- The platform role's audit trail: one row per cross-tenant operation,
-- written in the same transaction as the operation (database.InPlatform).
-- A global table: it has no tenant_id and the app role cannot see it.

-- +goose Up
CREATE TABLE platform_audit (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    operation text NOT NULL CHECK (length(operation) BETWEEN 1 AND 200),
    actor     text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    detail    text NOT NULL DEFAULT '' CHECK (length(detail) <= 2000),
    db_user   text NOT NULL DEFAULT session_user
);
CREATE INDEX platform_audit_at ON platform_audit (at);

-- Append-only: no UPDATE or DELETE for anyone but the owner.
GRANT SELECT, INSERT ON platform_audit TO monozu_cloud_platform;

-- +goose Down
DROP TABLE platform_audit;
