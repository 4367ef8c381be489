import { errorMessage, tenantKey } from '@monozu/api';
import { Button, FormField, Input, LoadMore, PageHeader, Select } from '@monozu/ui';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { PURDUE_LEVELS, siteOptionsQuery, zoneOptionsQuery, type Vlan, type Zone } from '../../../lib/cmdb';
import { vlansListQuery, zonesListQuery } from '../api/sites';
import { VlanFormDialog, ZoneFormDialog } from '../components/FormDialogs';
import { VlansTable, ZonesTable } from '../components/HierarchyTables';

function useParamFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const f = {} as Partial<Record<K, string>>;
  for (const k of keys) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  const set = (k: K, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  return [f, set] as const;
}

function useChanged() {
  const t = useTenantId();
  const qc = useQueryClient();
  return () => {
    for (const k of ['sites', 'zones', 'vlans', 'options']) void qc.invalidateQueries({ queryKey: tenantKey(t, k) });
  };
}

export function ZonesPage() {
  const t = useTenantId();
  const can = useCan();
  const changed = useChanged();
  const [f, set] = useParamFilters(['site_id', 'purdue_level'] as const);
  const list = useInfiniteQuery(zonesListQuery(t, f));
  const sites = useQuery(siteOptionsQuery(t));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [editing, setEditing] = useState<Zone | 'new' | null>(null);
  return (
    <>
      <PageHeader title="Zones" description="Purdue-model zones of your sites." actions={can('sites.create') && <Button onClick={() => setEditing('new')}>New zone</Button>} />
      <div role="search" aria-label="Filter zones" className="mb-4 flex flex-wrap gap-3">
        <FormField label="Site">
          <Select value={f.site_id ?? ''} onChange={(e) => set('site_id', e.target.value)}>
            <option value="">All sites</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Purdue level">
          <Select value={f.purdue_level ?? ''} onChange={(e) => set('purdue_level', e.target.value)}>
            <option value="">Any</option>
            {PURDUE_LEVELS.map((l) => (
              <option key={l} value={l}>
                Level {l}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <ZonesTable
        zones={items}
        loading={list.isPending}
        error={list.isError && items.length === 0 ? errorMessage(list.error) : null}
        onRetry={() => void list.refetch()}
        canUpdate={can('sites.update')}
        canDelete={can('sites.delete')}
        onChanged={changed}
        onEdit={setEditing}
      />
      <LoadMore count={items.length} query={list} />
      {editing && <ZoneFormDialog open onOpenChange={(o) => !o && setEditing(null)} zone={editing === 'new' ? undefined : editing} siteId={f.site_id} />}
    </>
  );
}

export function VlansPage() {
  const t = useTenantId();
  const can = useCan();
  const changed = useChanged();
  const [f, set] = useParamFilters(['site_id', 'zone_id', 'number'] as const);
  const list = useInfiniteQuery(vlansListQuery(t, f));
  const sites = useQuery(siteOptionsQuery(t));
  const zones = useQuery(zoneOptionsQuery(t));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [editing, setEditing] = useState<Vlan | 'new' | null>(null);
  const [num, setNum] = useState(f.number ?? '');
  return (
    <>
      <PageHeader title="VLANs" description="VLANs with their zone, network and gateway." actions={can('sites.create') && <Button onClick={() => setEditing('new')}>New VLAN</Button>} />
      <form
        role="search"
        aria-label="Filter VLANs"
        className="mb-4 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          set('number', num.trim());
        }}
      >
        <FormField label="Site">
          <Select value={f.site_id ?? ''} onChange={(e) => set('site_id', e.target.value)}>
            <option value="">All sites</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Zone">
          <Select value={f.zone_id ?? ''} onChange={(e) => set('zone_id', e.target.value)}>
            <option value="">All zones</option>
            {(zones.data ?? [])
              .filter((z) => !f.site_id || z.site_id === f.site_id)
              .map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                  {z.site_name ? ' · ' + z.site_name : ''}
                </option>
              ))}
          </Select>
        </FormField>
        <FormField label="Number">
          <Input inputMode="numeric" value={num} onChange={(e) => setNum(e.target.value)} className="w-28" />
        </FormField>
        <Button type="submit">Filter</Button>
      </form>
      <VlansTable
        vlans={items}
        loading={list.isPending}
        error={list.isError && items.length === 0 ? errorMessage(list.error) : null}
        onRetry={() => void list.refetch()}
        canUpdate={can('sites.update')}
        canDelete={can('sites.delete')}
        onChanged={changed}
        onEdit={setEditing}
      />
      <LoadMore count={items.length} query={list} />
      {editing && <VlanFormDialog open onOpenChange={(o) => !o && setEditing(null)} vlan={editing === 'new' ? undefined : editing} siteId={f.site_id} />}
    </>
  );
}
