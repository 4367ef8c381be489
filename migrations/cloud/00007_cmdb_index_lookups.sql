-- Index lookups for the CMDB that row-level security would otherwise turn
-- into scans. PostgreSQL only uses a condition as an index condition under
-- RLS when its operator is LEAKPROOF (it could otherwise reveal rows the
-- policy hides), and LIKE and the array operators are not: as the app
-- role, the trigram index on assets.search_text and the GIN indexes on
-- addresses are never used. Marking those operators LEAKPROOF needs a
-- superuser, which managed PostgreSQL does not give.
--
-- These two SECURITY DEFINER functions do the indexed lookup and return
-- asset ids only. They read the tenant from the same transaction setting
-- the RLS policy uses (app.tenant_id, set by InTenant), so they can see no
-- more than the policy would: without the setting they return nothing.
-- Callers still read the assets themselves under RLS.

-- +goose Up

-- +goose StatementBegin
CREATE FUNCTION cmdb_asset_search(p_pattern text, p_limit integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT a.id FROM public.assets a
    WHERE a.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
      AND a.search_text LIKE p_pattern
    LIMIT p_limit
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION cmdb_assets_by_address(p_site uuid, p_macs macaddr[], p_ips inet[])
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT a.id FROM public.assets a
    WHERE a.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
      AND a.mac_addresses && p_macs
    UNION
    SELECT a.id FROM public.assets a
    WHERE a.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
      AND a.ip_addresses && p_ips AND a.site_id = p_site
$$;
-- +goose StatementEnd

GRANT SELECT (tenant_id, id, site_id, search_text, mac_addresses, ip_addresses) ON assets TO monozu_cloud_definer;
ALTER FUNCTION cmdb_asset_search(text, integer) OWNER TO monozu_cloud_definer;
ALTER FUNCTION cmdb_assets_by_address(uuid, macaddr[], inet[]) OWNER TO monozu_cloud_definer;
REVOKE ALL ON FUNCTION cmdb_asset_search(text, integer), cmdb_assets_by_address(uuid, macaddr[], inet[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cmdb_asset_search(text, integer), cmdb_assets_by_address(uuid, macaddr[], inet[]) TO monozu_cloud_app;

-- +goose Down
DROP FUNCTION cmdb_assets_by_address(uuid, macaddr[], inet[]);
DROP FUNCTION cmdb_asset_search(text, integer);
