import { FormField, LoadMore, PageHeader, Select, TableCell, TableRow, DataTable } from '@monozu/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterBar } from '../../../components/FilterBar';
import { useTenantId } from '../../../hooks/useMe';
import { useUrlFilters } from '../../../hooks/useUrlFilters';
import { formatDateTime, siteOptionsQuery } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { devicesQuery } from '../api/devices';
import { StatusBadge } from '../components/StatusBadge';

export function DevicesPage() {
  const t = useTenantId();
  const { filters, setFilters, active } = useUrlFilters(['q', 'site_id', 'status'] as const);
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
  const list = useInfiniteQuery(devicesQuery(t, query));
  const sites = useQuery(siteOptionsQuery(t));
  const devices = pageItems(list.data);
  return (
    <>
      <PageHeader title="Edge devices" description="Edge appliances of your organisation; status refreshes every 10 seconds." />
      <FilterBar label="Filter devices" search={filters.q} placeholder="Name, hostname or location" onSearch={(q) => setFilters({ q })} onClear={active ? () => setFilters({ q: '', site_id: '', status: '' }) : undefined}>
        <FormField label="Site">
          <Select value={filters.site_id} onChange={(e) => setFilters({ site_id: e.target.value })}>
            <option value="">Any</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Status">
          <Select value={filters.status} onChange={(e) => setFilters({ status: e.target.value })}>
            <option value="">Any</option>
            <option value="online">Online</option>
            <option value="offline">Offline</option>
            <option value="never_seen">Never seen</option>
            <option value="deregistered">Deregistered</option>
          </Select>
        </FormField>
      </FilterBar>
      <DataTable caption="Edge devices" columns={['Name', 'Status', 'Site', 'Hostname', 'Agent', 'Last seen']} query={list} empty={devices.length === 0} emptyMessage={active ? 'No devices match these filters.' : 'No devices yet. Create a registration key and register an appliance with it.'}>
        {devices.map((d) => (
          <TableRow key={d.id}>
            <TableCell className="font-medium">
              <Link to={'/devices/' + d.id} className="underline-offset-4 hover:underline">
                {d.name}
              </Link>
              {d.location && <div className="text-xs text-muted-foreground">{d.location}</div>}
            </TableCell>
            <TableCell>
              <StatusBadge status={d.status} />
            </TableCell>
            <TableCell>{d.site_name ?? '—'}</TableCell>
            <TableCell>{d.hostname || '—'}</TableCell>
            <TableCell>{d.agent_version || '—'}</TableCell>
            <TableCell>{formatDateTime(d.last_seen_at)}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={devices.length} query={list} />
    </>
  );
}
