import { Button, DataTable, FormField, LoadMore, PageHeader, Select, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterBar } from '../../../components/FilterBar';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { useUrlFilters } from '../../../hooks/useUrlFilters';
import { formatDateTime, siteOptionsQuery } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { diagramsQuery } from '../api/diagrams';

/** Diagrams: network drawings of a site, in name order. */
export function DiagramsPage() {
  const t = useTenantId();
  const can = useCan();
  const { filters, setFilters, active } = useUrlFilters(['q', 'site_id'] as const);
  const list = useInfiniteQuery(diagramsQuery(t, filters));
  const sites = useQuery(siteOptionsQuery(t));
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? '…';
  const rows = pageItems(list.data);
  return (
    <>
      <PageHeader
        title="Diagrams"
        description="Drawings of your sites, their zones, VLANs and assets."
        actions={
          can('diagrams.create') && (
            <Button asChild>
              <Link to="/diagrams/new">New diagram</Link>
            </Button>
          )
        }
      />
      <FilterBar label="Filter diagrams" search={filters.q} placeholder="Name" onSearch={(q) => setFilters({ q })} onClear={active ? () => setFilters({ q: '', site_id: '' }) : undefined}>
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
      </FilterBar>
      <DataTable caption="Diagrams" columns={['Name', 'Site', 'Nodes', 'Version', 'Updated']} query={list} empty={rows.length === 0} emptyMessage={active ? 'No diagram matches these filters.' : 'No diagrams yet.'}>
        {rows.map((d) => (
          <TableRow key={d.id}>
            <TableCell>
              <Link to={'/diagrams/' + d.id} className="font-medium underline-offset-4 hover:underline">
                {d.name}
              </Link>
              {d.description && <span className="block max-w-md truncate text-xs text-muted-foreground">{d.description}</span>}
            </TableCell>
            <TableCell>{siteName(d.site_id)}</TableCell>
            <TableCell>{d.node_count}</TableCell>
            <TableCell>{d.version}</TableCell>
            <TableCell>{formatDateTime(d.updated_at)}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={rows.length} query={list} />
    </>
  );
}
