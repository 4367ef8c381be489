-- CMDB (spec 30): the network hierarchy (sites › zones › VLANs), vendors,
-- assets with their VLANs and relationships, discovery reconciliation
-- (observations, drift, ignored devices), CSV imports, network diagrams, and
-- the domain-event outbox other modules subscribe to. Every table is a
-- tenant table under forced RLS with composite foreign keys.
--
-- Free-text search over assets uses a trigram index led by tenant_id
-- (btree_gin lets a GIN index carry the uuid). Both extensions are trusted,
-- so the owner role creates them without superuser rights.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE sites (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code        text NOT NULL DEFAULT '' CHECK (length(code) <= 32),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    location    text NOT NULL DEFAULT '' CHECK (length(location) <= 500),
    latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    timezone    text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'decommissioned')),
    contact     text NOT NULL DEFAULT '' CHECK (length(contact) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sites_name ON sites (tenant_id, lower(name));
CREATE UNIQUE INDEX sites_code ON sites (tenant_id, lower(code)) WHERE code <> '';

CREATE TABLE zones (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id        uuid,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    purdue_level   text NOT NULL CHECK (purdue_level IN ('0', '1', '2', '3', '3.5', '4', '5')),
    description    text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    security_level smallint CHECK (security_level BETWEEN 0 AND 4),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    -- A site's zones and VLANs go with it; assets and diagrams block that
    -- (the service names them), and an asset's VLANs always lie in its site.
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX zones_name ON zones (tenant_id, site_id, lower(name)) NULLS NOT DISTINCT;

CREATE TABLE vlans (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    zone_id    uuid,
    number     integer NOT NULL CHECK (number BETWEEN 1 AND 4094),
    name       text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    cidr       cidr,
    gateway    inet,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, zone_id) REFERENCES zones (tenant_id, id) ON DELETE CASCADE,
    CHECK (gateway IS NULL OR (cidr IS NOT NULL AND cidr >> gateway))
);
CREATE UNIQUE INDEX vlans_number ON vlans (tenant_id, zone_id, number) NULLS NOT DISTINCT;

CREATE TABLE vendors (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    website         text NOT NULL DEFAULT '' CHECK (length(website) <= 500),
    support_contact text NOT NULL DEFAULT '' CHECK (length(support_contact) <= 500),
    advisory_url    text NOT NULL DEFAULT '' CHECK (length(advisory_url) <= 500),
    cpe_vendor      text NOT NULL DEFAULT '' CHECK (length(cpe_vendor) <= 100),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX vendors_name ON vendors (tenant_id, lower(name));

CREATE TABLE assets (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id          uuid NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category         text NOT NULL CHECK (category IN ('it', 'ot')),
    type             text NOT NULL CHECK (length(type) BETWEEN 1 AND 40),
    ip_addresses     inet[] NOT NULL DEFAULT '{}' CHECK (cardinality(ip_addresses) <= 64),
    mac_addresses    macaddr[] NOT NULL DEFAULT '{}' CHECK (cardinality(mac_addresses) <= 64),
    hostname         text NOT NULL DEFAULT '' CHECK (length(hostname) <= 253),
    vendor_id        uuid,
    model            text NOT NULL DEFAULT '' CHECK (length(model) <= 200),
    serial_number    text NOT NULL DEFAULT '' CHECK (length(serial_number) <= 200),
    firmware_version text NOT NULL DEFAULT '' CHECK (length(firmware_version) <= 200),
    os               text NOT NULL DEFAULT '' CHECK (length(os) <= 200),
    cpe              text[] NOT NULL DEFAULT '{}' CHECK (cardinality(cpe) <= 50),
    criticality      text NOT NULL DEFAULT 'medium' CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
    lifecycle        text NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('planned', 'active', 'decommissioned', 'discovered')),
    owner            text NOT NULL DEFAULT '' CHECK (length(owner) <= 200),
    location_detail  text NOT NULL DEFAULT '' CHECK (length(location_detail) <= 500),
    tags             text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 50),
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    source           text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'discovery')),
    first_seen       timestamptz,
    last_seen        timestamptz,
    -- What discovery last saw (hostname, model, firmware, serial, vendor,
    -- open ports ...), kept beside the intended values above.
    observed         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(observed) = 'object'),
    -- Lower-cased name, hostname, IPs, MACs, serial and model, written by
    -- the service on every save, searched through the trigram index.
    search_text      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id)
);
CREATE UNIQUE INDEX assets_site_name ON assets (tenant_id, site_id, lower(name));
CREATE INDEX assets_name ON assets (tenant_id, lower(name), id);
CREATE INDEX assets_updated ON assets (tenant_id, updated_at, id);
CREATE INDEX assets_last_seen ON assets (tenant_id, last_seen, id);
CREATE INDEX assets_vendor ON assets (tenant_id, vendor_id) WHERE vendor_id IS NOT NULL;
CREATE INDEX assets_lifecycle ON assets (tenant_id, lifecycle, created_at, id);
CREATE INDEX assets_search ON assets USING gin (tenant_id, search_text gin_trgm_ops);
CREATE INDEX assets_macs ON assets USING gin (tenant_id, mac_addresses);
CREATE INDEX assets_ips ON assets USING gin (tenant_id, ip_addresses);
CREATE INDEX assets_tags ON assets USING gin (tenant_id, tags);

CREATE TABLE asset_vlans (
    tenant_id uuid NOT NULL,
    asset_id  uuid NOT NULL,
    vlan_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, asset_id, vlan_id),
    FOREIGN KEY (tenant_id, asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE,
    -- A VLAN that assets sit in cannot go (the service names them first).
    FOREIGN KEY (tenant_id, vlan_id) REFERENCES vlans (tenant_id, id)
);
CREATE INDEX asset_vlans_vlan ON asset_vlans (tenant_id, vlan_id, asset_id);

CREATE TABLE asset_relationships (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    source_asset_id uuid NOT NULL,
    target_asset_id uuid NOT NULL,
    type            text NOT NULL CHECK (type IN ('connected_to', 'depends_on', 'runs_on', 'part_of', 'controls', 'monitors')),
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, source_asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, target_asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE,
    CHECK (source_asset_id <> target_asset_id)
);
CREATE UNIQUE INDEX asset_relationships_edge ON asset_relationships (tenant_id, source_asset_id, target_asset_id, type);
CREATE INDEX asset_relationships_target ON asset_relationships (tenant_id, target_asset_id);

-- Discovery: one row each time what discovery sees of an asset changes
-- (the asset timeline), drift between observed and intended values, and
-- devices people chose to ignore.
CREATE TABLE asset_observations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    asset_id    uuid NOT NULL,
    observed_at timestamptz NOT NULL,
    device_id   uuid,
    attributes  jsonb NOT NULL CHECK (jsonb_typeof(attributes) = 'object'),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX asset_observations_asset ON asset_observations (tenant_id, asset_id, observed_at DESC);

CREATE TABLE asset_drift (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    asset_id         uuid NOT NULL,
    field            text NOT NULL CHECK (field IN ('firmware_version', 'model', 'serial_number', 'hostname')),
    intended         text NOT NULL DEFAULT '',
    observed         text NOT NULL CHECK (length(observed) <= 253),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'dismissed')),
    opened_at        timestamptz NOT NULL DEFAULT now(),
    last_observed_at timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz,
    resolved_by      uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX asset_drift_open ON asset_drift (tenant_id, asset_id, field) WHERE status = 'open';
CREATE INDEX asset_drift_status ON asset_drift (tenant_id, status, opened_at, id);

CREATE TABLE discovery_ignores (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id    uuid NOT NULL,
    mac        macaddr,
    ip         inet,
    ignored_by uuid,
    ignored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE,
    CHECK (mac IS NOT NULL OR ip IS NOT NULL)
);
CREATE UNIQUE INDEX discovery_ignores_mac ON discovery_ignores (tenant_id, mac) WHERE mac IS NOT NULL;
CREATE UNIQUE INDEX discovery_ignores_ip ON discovery_ignores (tenant_id, site_id, ip) WHERE mac IS NULL;

-- CSV imports: the uploaded file waits here for its job; progress is
-- written from outside the import's own (all-or-nothing) transaction.
CREATE TABLE asset_imports (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    filename    text NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    content     bytea,
    total_rows  integer NOT NULL DEFAULT 0,
    rows_done   integer NOT NULL DEFAULT 0,
    created     integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    errors      jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(errors) = 'array'),
    message     text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX asset_imports_created ON asset_imports (tenant_id, created_at DESC);

CREATE TABLE diagrams (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id     uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    content     jsonb NOT NULL DEFAULT '{"nodes": [], "edges": [], "viewport": {"x": 0, "y": 0, "zoom": 1}}'::jsonb
                CHECK (jsonb_typeof(content) = 'object'),
    version     integer NOT NULL DEFAULT 1,
    created_by  uuid,
    updated_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
CREATE UNIQUE INDEX diagrams_name ON diagrams (tenant_id, site_id, lower(name));

CREATE TABLE diagram_asset_links (
    tenant_id  uuid NOT NULL,
    diagram_id uuid NOT NULL,
    asset_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, diagram_id, asset_id),
    FOREIGN KEY (tenant_id, diagram_id) REFERENCES diagrams (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, asset_id) REFERENCES assets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX diagram_asset_links_asset ON diagram_asset_links (tenant_id, asset_id);

-- Domain events (DESIGN.md §6): written in the transaction of the change
-- that raised them, announced with pg_notify on commit; consumers keep
-- their own position.
CREATE TABLE domain_events (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    seq            bigint GENERATED ALWAYS AS IDENTITY,
    type           text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
    aggregate_type text NOT NULL CHECK (length(aggregate_type) BETWEEN 1 AND 50),
    aggregate_id   uuid NOT NULL,
    payload        jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX domain_events_seq ON domain_events (tenant_id, seq);
CREATE INDEX domain_events_type ON domain_events (tenant_id, type, seq);

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sites', 'zones', 'vlans', 'vendors', 'assets', 'asset_vlans',
        'asset_relationships', 'asset_observations', 'asset_drift', 'discovery_ignores',
        'asset_imports', 'diagrams', 'diagram_asset_links', 'domain_events']
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

GRANT SELECT, INSERT, UPDATE, DELETE ON sites, zones, vlans, vendors, assets, asset_vlans,
    asset_relationships, asset_observations, asset_drift, discovery_ignores, asset_imports,
    diagrams, diagram_asset_links TO monozu_cloud_app;
-- Events are facts: written once, read by consumers, removed by retention.
GRANT SELECT, INSERT ON domain_events TO monozu_cloud_app;
GRANT SELECT, DELETE ON domain_events, asset_observations, asset_imports TO monozu_cloud_platform;

-- +goose Down
DROP TABLE domain_events, diagram_asset_links, diagrams, asset_imports, discovery_ignores,
    asset_drift, asset_observations, asset_relationships, asset_vlans, assets, vendors, vlans,
    zones, sites;
