-- Edge fleet and ingest (spec 40): registration keys, edge devices, their
-- commands, the ingestor's raw event store and the typed stores it feeds
-- (telemetry, device logs, security alerts), single-use WebSocket tickets,
-- and the global catalogue of agent releases.
--
-- Credentials (registration keys, device keys) are kept as SHA-256 hashes
-- of long random values; the plain value is shown once. Two SECURITY DEFINER
-- functions are the pre-tenant doors (DESIGN.md §2.5): a registration key
-- with its account name, and a device key, to their tenant.

-- +goose Up
CREATE TABLE edge_registration_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    key_prefix   text NOT NULL CHECK (length(key_prefix) BETWEEN 4 AND 32),
    key_hash     bytea NOT NULL CHECK (length(key_hash) = 32),
    site_id      uuid,
    expires_at   timestamptz,
    max_uses     integer CHECK (max_uses > 0),
    uses         integer NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   uuid,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE SET NULL (site_id)
);
CREATE UNIQUE INDEX edge_registration_keys_hash ON edge_registration_keys (tenant_id, key_hash);
CREATE INDEX edge_registration_keys_created ON edge_registration_keys (tenant_id, created_at DESC, id);
ALTER TABLE edge_registration_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE edge_registration_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON edge_registration_keys
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON edge_registration_keys TO monozu_cloud_app;

CREATE TABLE edge_devices (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id             uuid,
    registration_key_id uuid,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    location            text NOT NULL DEFAULT '' CHECK (length(location) <= 500),
    type                text NOT NULL DEFAULT 'edgezu' CHECK (length(type) BETWEEN 1 AND 64),
    hostname            text NOT NULL DEFAULT '' CHECK (length(hostname) <= 253),
    agent_version       text NOT NULL DEFAULT '' CHECK (length(agent_version) <= 64),
    os                  text NOT NULL DEFAULT '' CHECK (length(os) <= 64),
    arch                text NOT NULL DEFAULT '' CHECK (length(arch) <= 32),
    capabilities        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(capabilities) <= 64),
    roles               text[] NOT NULL DEFAULT '{}'
                        CHECK (roles <@ ARRAY['sensor', 'vpn_gateway', 'backup_collector']::text[]),
    ip_addresses        inet[] NOT NULL DEFAULT '{}' CHECK (cardinality(ip_addresses) <= 64),
    -- The device key: SHA-256 of a long random value, looked up pre-tenant
    -- by edge_device_by_key; NULL once the device is deregistered.
    key_hash            bytea CHECK (length(key_hash) = 32),
    key_prefix          text NOT NULL DEFAULT '' CHECK (length(key_prefix) <= 32),
    poll_interval_s     integer NOT NULL DEFAULT 10 CHECK (poll_interval_s BETWEEN 1 AND 3600),
    upload_interval_s   integer NOT NULL DEFAULT 5 CHECK (upload_interval_s BETWEEN 1 AND 3600),
    last_seen_at        timestamptz,
    last_seen_ip        inet,
    -- The newest telemetry sample, kept on the device for lists and detail.
    latest_telemetry    jsonb CHECK (latest_telemetry IS NULL OR jsonb_typeof(latest_telemetry) = 'object'),
    latest_telemetry_at timestamptz,
    registered_at       timestamptz NOT NULL DEFAULT now(),
    deregistered_at     timestamptz,
    deregistered_by     uuid,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE SET NULL (site_id),
    FOREIGN KEY (tenant_id, registration_key_id) REFERENCES edge_registration_keys (tenant_id, id) ON DELETE SET NULL (registration_key_id),
    CHECK ((deregistered_at IS NULL) = (key_hash IS NOT NULL))
);
-- Device keys are random and unique across tenants; the pre-tenant lookup
-- finds the tenant by them (allowlisted in migrations/guards_test.go).
CREATE UNIQUE INDEX edge_devices_key_global ON edge_devices (key_hash) WHERE key_hash IS NOT NULL;
CREATE INDEX edge_devices_name ON edge_devices (tenant_id, lower(name), id);
CREATE INDEX edge_devices_site ON edge_devices (tenant_id, site_id);
ALTER TABLE edge_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE edge_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON edge_devices
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON edge_devices TO monozu_cloud_app;

CREATE TABLE edge_commands (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    device_id      uuid NOT NULL,
    type           text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,63}$'),
    payload        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(payload) = 'object'),
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'delivered', 'completed', 'failed', 'rejected', 'expired', 'cancelled')),
    issued_by      uuid,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    delivered_at   timestamptz,
    lease_until    timestamptz,
    delivery_count integer NOT NULL DEFAULT 0 CHECK (delivery_count >= 0),
    finished_at    timestamptz,
    cancelled_by   uuid,
    result         jsonb CHECK (result IS NULL OR pg_column_size(result) <= 262144),
    error          text NOT NULL DEFAULT '' CHECK (length(error) <= 4000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, device_id) REFERENCES edge_devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX edge_commands_device ON edge_commands (tenant_id, device_id, issued_at DESC, id);
CREATE INDEX edge_commands_open ON edge_commands (tenant_id, device_id, issued_at)
    WHERE status IN ('pending', 'delivered');
ALTER TABLE edge_commands ENABLE ROW LEVEL SECURITY;
ALTER TABLE edge_commands FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON edge_commands
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON edge_commands TO monozu_cloud_app;

-- Every accepted ingest event, raw, partitioned by the event's own timestamp
-- (daily partitions made ahead by a job, a default partition for the rest).
-- The agent reuses an event's id and timestamp on every retry, so the key
-- (tenant, device, ts, id) is what makes a replay store nothing twice; the
-- partition key has to be part of it, and with the time before the id the
-- index grows at each device's end instead of at random places (ids are
-- random), and serves a device's events in time order. data is json, not
-- jsonb: it keeps the document exactly as the device sent it, and it is not
-- parsed into a tree on the hottest insert of the product (only what the
-- ingestor validated arrives here). No foreign key to the device: the
-- ingestor takes device_id from the authenticated key, never from input;
-- devices are never deleted (deregistration keeps their history), and a
-- per-row check would cost more than the row.
CREATE TABLE ingest_events (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    device_id   uuid NOT NULL,
    ts          timestamptz NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('telemetry', 'log', 'security_alert', 'discovery', 'backup_event')),
    received_at timestamptz NOT NULL DEFAULT now(),
    data        json NOT NULL CHECK (json_typeof(data) = 'object'),
    PRIMARY KEY (tenant_id, device_id, ts, id)
) PARTITION BY RANGE (ts);
ALTER TABLE ingest_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_events
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT ON ingest_events TO monozu_cloud_app;
GRANT SELECT, DELETE ON ingest_events TO monozu_cloud_platform;
-- Partitions carry the parent's rules too, should anyone query one directly
-- (privileges are checked on the parent only).
CREATE TABLE ingest_events_default PARTITION OF ingest_events DEFAULT;
ALTER TABLE ingest_events_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_events_default FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_events_default
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));

-- Partition maintenance (a River job on the platform role calls it daily
-- and the ingestor at start): makes the daily partitions of the next
-- p_days_ahead days and drops those wholly older than p_keep_days (the
-- longest retention any tenant has; shorter ones are row deletes). DDL needs
-- the table's owner, so this one definer is owned by the owner role and
-- executable by the platform role only (allowlisted in guards_test.go). A
-- day whose rows already sit in the default partition is skipped and
-- counted; those rows stay correct and go with the tenants' row retention.
-- +goose StatementBegin
CREATE FUNCTION ingest_events_maintain(p_days_ahead integer, p_keep_days integer)
RETURNS TABLE (created integer, dropped integer, skipped integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    day date;
    part text;
    c integer := 0;
    d integer := 0;
    s integer := 0;
BEGIN
    IF p_days_ahead NOT BETWEEN 0 AND 31 OR p_keep_days NOT BETWEEN 1 AND 3660 THEN
        RAISE EXCEPTION 'ingest_events_maintain: days ahead must be 0..31 and keep days 1..3660';
    END IF;
    FOR i IN 0..p_days_ahead LOOP
        day := today + i;
        part := 'ingest_events_' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass('public.' || part) IS NOT NULL;
        BEGIN
            EXECUTE format('CREATE TABLE public.%I PARTITION OF public.ingest_events FOR VALUES FROM (%L) TO (%L)',
                part, to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
            EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', part);
            EXECUTE format('CREATE POLICY tenant_isolation ON public.%I'
                ' USING (tenant_id = (SELECT NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid))'
                ' WITH CHECK (tenant_id = (SELECT NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid))', part);
            c := c + 1;
        EXCEPTION WHEN check_violation THEN
            s := s + 1;
        END;
    END LOOP;
    FOR part IN
        SELECT k.relname FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid
        WHERE i.inhparent = 'public.ingest_events'::regclass AND k.relname ~ '^ingest_events_[0-9]{8}$'
    LOOP
        IF to_date(substr(part, 15), 'YYYYMMDD') + 1 <= today - p_keep_days THEN
            EXECUTE format('DROP TABLE public.%I', part);
            d := d + 1;
        END IF;
    END LOOP;
    RETURN QUERY SELECT c, d, s;
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION ingest_events_maintain(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ingest_events_maintain(integer, integer) TO monozu_cloud_platform;
SELECT ingest_events_maintain(7, 3660);

-- Telemetry samples and device log lines are typed views over the raw
-- events, not tables of their own: a second copy of every sample and line
-- doubled the write cost of the ingest path (its speed target is in spec 40;
-- measured in docs/benchmarks.md), and the raw table already holds them,
-- keyed by device and time, with their retention. The ingestor validated
-- every field before storing it, so the casts below cannot fail; each row's
-- document is parsed once (json_to_record). The ingestor's own lines about a
-- device (e.g. why its discovery was not applied) are log events too, with
-- source 'ingest'.
CREATE VIEW edge_telemetry WITH (security_invoker = true) AS
    SELECT e.tenant_id, e.id, e.device_id, e.ts, t.cpu_percent, t.memory_percent, t.disk_percent, t.uptime_s,
           COALESCE(t.interfaces, '[]'::json) AS interfaces
    FROM ingest_events e,
         json_to_record(e.data) AS t(cpu_percent real, memory_percent real, disk_percent real, uptime_s bigint, interfaces json)
    WHERE e.kind = 'telemetry';
GRANT SELECT ON edge_telemetry TO monozu_cloud_app;

CREATE VIEW edge_device_logs WITH (security_invoker = true) AS
    SELECT e.tenant_id, e.id, e.device_id, e.ts, l.level, l.message, COALESCE(l.source, '') AS source
    FROM ingest_events e, json_to_record(e.data) AS l(level text, message text, source text)
    WHERE e.kind = 'log';
GRANT SELECT ON edge_device_logs TO monozu_cloud_app;

-- Security alerts (spec 40's minimal API; the security module extends it).
-- event_id links an alert to the ingest event that raised it.
CREATE TABLE security_alerts (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    device_id        uuid,
    event_id         uuid,
    site_id          uuid,
    asset_id         uuid,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    severity         text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    category         text NOT NULL DEFAULT '' CHECK (length(category) <= 100),
    source_ip        inet,
    destination_ip   inet,
    source_port      integer CHECK (source_port BETWEEN 0 AND 65535),
    destination_port integer CHECK (destination_port BETWEEN 0 AND 65535),
    protocol         text NOT NULL DEFAULT '' CHECK (length(protocol) <= 32),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 8000),
    signature_id     text NOT NULL DEFAULT '' CHECK (length(signature_id) <= 200),
    status           text NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'acknowledged', 'investigating', 'resolved', 'false_positive', 'escalated')),
    observed_at      timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_at  timestamptz,
    acknowledged_by  uuid,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, device_id) REFERENCES edge_devices (tenant_id, id) ON DELETE SET NULL (device_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE SET NULL (site_id),
    FOREIGN KEY (tenant_id, asset_id) REFERENCES assets (tenant_id, id) ON DELETE SET NULL (asset_id)
);
CREATE UNIQUE INDEX security_alerts_event ON security_alerts (tenant_id, device_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX security_alerts_observed ON security_alerts (tenant_id, observed_at DESC, id);
CREATE INDEX security_alerts_status ON security_alerts (tenant_id, status, observed_at DESC);
ALTER TABLE security_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON security_alerts
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT, UPDATE ON security_alerts TO monozu_cloud_app;

-- Single-use WebSocket tickets: the ticket itself is signed (it names its
-- tenant, user and session), and redeeming it inserts its id here, so a
-- second use conflicts on any replica.
CREATE TABLE ws_ticket_redemptions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    expires_at  timestamptz NOT NULL,
    redeemed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE ws_ticket_redemptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ws_ticket_redemptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ws_ticket_redemptions
    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
GRANT SELECT, INSERT ON ws_ticket_redemptions TO monozu_cloud_app;
GRANT SELECT, DELETE ON ws_ticket_redemptions TO monozu_cloud_platform;

-- Agent releases: global, published with SNAP_PUBLISH_TOKEN through the API
-- (so the app role inserts them; allowlisted in migrations/guards_test.go).
CREATE TABLE agent_releases (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version      text NOT NULL CHECK (version ~ '^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$'),
    channel      text NOT NULL CHECK (channel ~ '^[a-z][a-z0-9-]{0,31}$'),
    os           text NOT NULL CHECK (os ~ '^[a-z0-9]{1,16}$'),
    arch         text NOT NULL CHECK (arch ~ '^[a-z0-9_]{1,16}$'),
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    signature    text NOT NULL CHECK (length(signature) BETWEEN 1 AND 200),
    blob_key     text NOT NULL CHECK (length(blob_key) BETWEEN 1 AND 500),
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (version, channel, os, arch)
);
CREATE INDEX agent_releases_latest ON agent_releases (channel, os, arch, published_at DESC);
GRANT SELECT, INSERT ON agent_releases TO monozu_cloud_app;

-- Pre-tenant doors (DESIGN.md §2.5). A registration key answers only with
-- its account name, and only while it can still be used; the caller then
-- counts the use atomically inside the tenant transaction.
-- +goose StatementBegin
CREATE FUNCTION edge_registration_lookup(p_account_name text, p_key_hash bytea)
RETURNS TABLE (tenant_id uuid, key_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT k.tenant_id, k.id
    FROM public.tenants t
    JOIN public.edge_registration_keys k ON k.tenant_id = t.id
    WHERE t.account_name = p_account_name AND k.key_hash = p_key_hash
      AND k.revoked_at IS NULL
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION edge_device_by_key(p_key_hash bytea)
RETURNS TABLE (tenant_id uuid, device_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT d.tenant_id, d.id FROM public.edge_devices d WHERE d.key_hash = p_key_hash
$$;
-- +goose StatementEnd

GRANT SELECT (id, account_name) ON tenants TO monozu_cloud_definer;
GRANT SELECT (tenant_id, id, key_hash, revoked_at) ON edge_registration_keys TO monozu_cloud_definer;
GRANT SELECT (tenant_id, id, key_hash) ON edge_devices TO monozu_cloud_definer;
ALTER FUNCTION edge_registration_lookup(text, bytea) OWNER TO monozu_cloud_definer;
ALTER FUNCTION edge_device_by_key(bytea) OWNER TO monozu_cloud_definer;
REVOKE ALL ON FUNCTION edge_registration_lookup(text, bytea), edge_device_by_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION edge_registration_lookup(text, bytea), edge_device_by_key(bytea) TO monozu_cloud_app;

-- +goose Down
DROP FUNCTION ingest_events_maintain(integer, integer);
DROP FUNCTION edge_device_by_key(bytea);
DROP FUNCTION edge_registration_lookup(text, bytea);
DROP VIEW edge_device_logs, edge_telemetry;
DROP TABLE agent_releases, ws_ticket_redemptions, security_alerts, ingest_events, edge_commands, edge_devices, edge_registration_keys;
