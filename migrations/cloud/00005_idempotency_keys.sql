-- Idempotency keys of POST requests that create things (DESIGN.md §4): a
-- client retrying with the same Idempotency-Key gets the first answer
-- again instead of a second record. Kept for 24 hours.

-- +goose Up
CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash text NOT NULL CHECK (length(request_hash) = 64),
    status       integer,
    content_type text NOT NULL DEFAULT '',
    response     bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (tenant_id, created_at);
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO monozu_cloud_app;
GRANT SELECT, DELETE ON idempotency_keys TO monozu_cloud_platform;

-- +goose Down
DROP TABLE idempotency_keys;
