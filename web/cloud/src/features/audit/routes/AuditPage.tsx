import { errorMessage } from '@monozu/api';
import { Alert, Button, DataTable, FormField, Input, LoadMore, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { FilterBar } from '../../../components/FilterBar';
import { useTenantId } from '../../../hooks/useMe';
import { useUrlFilters } from '../../../hooks/useUrlFilters';
import { formatDateTime } from '../../../lib/cmdb';
import { downloadFile } from '../../../lib/download';
import { fieldErrorsOf } from '../../../lib/field-errors';
import { pageItems } from '../../../lib/paged';
import { auditListQuery, auditQuery } from '../api/audit';

const KEYS = ['action', 'resource_type', 'resource_id', 'from', 'to'] as const;

/** Settings → Audit log: who did what, newest first; filters; export as CSV or JSON. */
export function AuditPage() {
  const t = useTenantId();
  const { filters, setFilters, active } = useUrlFilters(KEYS);
  const list = useInfiniteQuery(auditListQuery(t, filters));
  const rows = pageItems(list.data);
  const [open, setOpen] = useState<string | null>(null);
  const exporter = useMutation({
    mutationFn: (format: 'csv' | 'json') => downloadFile('/settings/audit/export', { ...auditQuery(filters), format }, 'audit.' + format),
  });
  const fe = fieldErrorsOf(list.error).fields;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change people, devices and the system made, newest first."
        actions={
          <div className="flex gap-2">
            <Button variant="outline" loading={exporter.isPending && exporter.variables === 'csv'} onClick={() => exporter.mutate('csv')}>
              Export CSV
            </Button>
            <Button variant="outline" loading={exporter.isPending && exporter.variables === 'json'} onClick={() => exporter.mutate('json')}>
              Export JSON
            </Button>
          </div>
        }
      />
      {exporter.isError && <Alert variant="destructive" className="mb-4">{errorMessage(exporter.error)}</Alert>}
      <FilterBar label="Filter the audit log" search={filters.action} placeholder="Action, e.g. auth.login or assets.*" onSearch={(action) => setFilters({ action })} onClear={active ? () => setFilters({ action: '', resource_type: '', resource_id: '', from: '', to: '' }) : undefined}>
        <FormField label="Resource type" error={fe.resource_type}>
          <Input value={filters.resource_type} onChange={(e) => setFilters({ resource_type: e.target.value.trim() })} placeholder="asset" />
        </FormField>
        <FormField label="Resource id" error={fe.resource_id}>
          <Input value={filters.resource_id} onChange={(e) => setFilters({ resource_id: e.target.value.trim() })} className="font-mono" />
        </FormField>
        <FormField label="From" error={fe.from}>
          <Input type="date" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        </FormField>
        <FormField label="To" error={fe.to}>
          <Input type="date" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
        </FormField>
      </FilterBar>
      <DataTable caption="Audit log entries" columns={['Time', 'Who', 'Action', 'Resource', 'Summary', { label: 'Details', srOnly: true }]} query={list} empty={rows.length === 0} emptyMessage={active ? 'No entry matches these filters.' : 'Nothing recorded yet.'}>
        {rows.map((e) => (
          <Fragment key={e.id}>
            <TableRow>
              <TableCell className="whitespace-nowrap">{formatDateTime(e.at)}</TableCell>
              <TableCell>{e.actor.label || e.actor.type}</TableCell>
              <TableCell className="font-mono">{e.action}</TableCell>
              <TableCell>
                {e.resource_type}
                {e.resource_id && <span className="block font-mono text-xs text-muted-foreground">{e.resource_id}</span>}
              </TableCell>
              <TableCell>{e.summary}</TableCell>
              <TableCell className="text-right">
                <Button size="sm" variant="ghost" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                  {open === e.id ? 'Hide' : 'Details'}
                </Button>
              </TableCell>
            </TableRow>
            {open === e.id && (
              <TableRow>
                <TableCell colSpan={6} className="bg-muted/30">
                  <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
                    <dt className="text-muted-foreground">IP address</dt>
                    <dd className="font-mono">{e.ip || '—'}</dd>
                    <dt className="text-muted-foreground">Browser</dt>
                    <dd>{e.user_agent || '—'}</dd>
                    <dt className="text-muted-foreground">Request</dt>
                    <dd className="font-mono">{e.request_id || '—'}</dd>
                  </dl>
                  <pre className="mt-2 max-h-80 overflow-auto rounded border bg-background p-2 font-mono text-xs">{JSON.stringify(e.changes ?? {}, null, 2)}</pre>
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </DataTable>
      <LoadMore count={rows.length} query={list} />
    </>
  );
}
