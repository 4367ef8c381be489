import { tenantKey } from '@monozu/api';
import { Badge, Button, DataTable, FormField, Input, LoadMore, PageHeader, Select, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { humanize, type Site } from '../../../lib/cmdb';
import { deleteSite, sitesListQuery, type SiteFilters } from '../api/sites';
import { DeleteAction } from '../components/DeleteAction';
import { SiteFormDialog } from '../components/FormDialogs';

function CountLink({ to, n, label }: { to: string; n: number; label: string }) {
  return (
    <Link to={to} className="underline-offset-4 hover:underline" aria-label={String(n) + ' ' + label}>
      {n}
    </Link>
  );
}

export function SitesPage() {
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters: SiteFilters = { q: params.get('q') || undefined, status: params.get('status') || undefined };
  const list = useInfiniteQuery(sitesListQuery(t, filters));
  const sites = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [q, setQ] = useState(filters.q ?? '');
  const [editing, setEditing] = useState<Site | 'new' | null>(null);
  const apply = (f: SiteFilters) => {
    const p = new URLSearchParams();
    if (f.q) p.set('q', f.q);
    if (f.status) p.set('status', f.status);
    setParams(p, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply({ ...filters, q: q.trim() || undefined });
  };
  const changed = () => {
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'sites') });
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'options') });
  };
  const filtered = Boolean(filters.q || filters.status);

  return (
    <>
      <PageHeader
        title="Sites"
        description="Plants and locations with their zones, VLANs and assets."
        actions={can('sites.create') && <Button onClick={() => setEditing('new')}>New site</Button>}
      />
      <form role="search" aria-label="Filter sites" onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3">
        <FormField label="Search">
          <Input type="search" value={q} placeholder="Name or code" onChange={(e) => setQ(e.target.value)} />
        </FormField>
        <FormField label="Status">
          <Select value={filters.status ?? ''} onChange={(e) => apply({ ...filters, status: e.target.value || undefined })}>
            <option value="">Any</option>
            <option value="planned">Planned</option>
            <option value="active">Active</option>
            <option value="decommissioned">Decommissioned</option>
          </Select>
        </FormField>
        <Button type="submit">Search</Button>
      </form>
      <DataTable caption="Sites" columns={['Name', 'Code', 'Status', 'Zones', 'VLANs', 'Assets', 'Edge devices', { label: 'Actions', srOnly: true }]} query={list} empty={sites.length === 0} emptyMessage={filtered ? 'No sites match these filters.' : 'No sites yet.'}>
        {sites.map((s) => (
          <TableRow key={s.id}>
            <TableCell className="font-medium">
              <Link to={'/sites/' + s.id} className="underline-offset-4 hover:underline">
                {s.name}
              </Link>
              {s.location && <div className="text-xs text-muted-foreground">{s.location}</div>}
            </TableCell>
            <TableCell>{s.code || '—'}</TableCell>
            <TableCell>
              <Badge variant={s.status === 'active' ? 'success' : 'outline'}>{humanize(s.status)}</Badge>
            </TableCell>
            <TableCell>
              <CountLink to={'/zones?site_id=' + s.id} n={s.counts.zones} label={'zones in ' + s.name} />
            </TableCell>
            <TableCell>
              <CountLink to={'/vlans?site_id=' + s.id} n={s.counts.vlans} label={'VLANs in ' + s.name} />
            </TableCell>
            <TableCell>
              <CountLink to={'/assets?site_id=' + s.id} n={s.counts.assets} label={'assets in ' + s.name} />
            </TableCell>
            <TableCell>
              <CountLink to={'/devices?site_id=' + s.id} n={s.counts.edge_devices} label={'edge devices in ' + s.name} />
            </TableCell>
            <TableCell className="whitespace-nowrap text-right">
              {can('sites.update') && (
                <Button size="sm" variant="ghost" onClick={() => setEditing(s)} aria-label={'Edit site ' + s.name}>
                  Edit
                </Button>
              )}
              {can('sites.delete') && <DeleteAction what="site" name={s.name} onDelete={() => deleteSite(s.id)} onDone={changed} />}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={sites.length} query={list} />
      {editing && <SiteFormDialog open onOpenChange={(o) => !o && setEditing(null)} site={editing === 'new' ? undefined : editing} />}
    </>
  );
}
