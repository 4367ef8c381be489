-- Licence pushes from the management plane. Each delivered event is
-- remembered per tenant, so a redelivery or a replay is answered 200 without
-- being applied twice; issued_at orders events, so an older push arriving
-- late never overwrites a newer licence.

-- +goose Up
CREATE TABLE license_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    event_id    text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
    issued_at   timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'stale')),
    PRIMARY KEY (tenant_id, event_id)
);
ALTER TABLE license_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE license_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON license_events
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT ON license_events TO monozu_cloud_app;

ALTER TABLE tenant_licenses ADD COLUMN issued_at timestamptz;

-- +goose Down
ALTER TABLE tenant_licenses DROP COLUMN issued_at;
DROP TABLE license_events;
