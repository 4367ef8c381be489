import { errorMessage } from '@monozu/api';
import { Button, FormField, Input, LoadMore, PageHeader, Select, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useIsAdmin, useScope } from '../../../hooks/useOperator';
import { formatDateTime, shortId } from '../../../lib/format';
import { deliveriesQuery } from '../api/deliveries';
import { countByStatus, DELIVERY_STATUSES, filterDeliveries, parseDeliveryFilters, payloadSummary } from '../api/filter';
import { DeliveryStatusBadge } from '../components/DeliveryStatusBadge';
import { RedeliverButton } from '../components/RedeliverButton';

export function DeliveriesPage() {
  const scope = useScope();
  const admin = useIsAdmin();
  const [params, setParams] = useSearchParams();
  const filters = parseDeliveryFilters(params);
  const [q, setQ] = useState(filters.q ?? '');
  const list = useInfiniteQuery(deliveriesQuery(scope));
  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const rows = filterDeliveries(all, filters);
  const counts = countByStatus(all);
  const filtered = Boolean(filters.status || filters.q);

  const update = (next: { status?: string; q?: string }) => {
    const p = new URLSearchParams();
    if (next.status) p.set('status', next.status);
    if (next.q) p.set('q', next.q);
    setParams(p, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ status: filters.status, q: q.trim() });
  };

  return (
    <>
      <PageHeader
        title="Webhook deliveries"
        description="Licence pushes to the Cloud, newest first. Failed pushes are retried for 24 hours; redeliver to try again."
        actions={
          <Button variant="outline" loading={list.isRefetching} onClick={() => void list.refetch()}>
            Refresh
          </Button>
        }
      />
      <form role="search" aria-label="Filter deliveries" onSubmit={submit} className="mb-2 flex flex-wrap items-end gap-3">
        <FormField label="Status" className="w-48">
          <Select value={filters.status ?? ''} onChange={(e) => update({ status: e.target.value, q: filters.q })}>
            <option value="">Any status ({all.length})</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]?.toUpperCase() + s.slice(1)} ({counts[s]})
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Tenant or event id" className="w-full sm:w-80">
          <Input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </FormField>
        <Button type="submit">Filter</Button>
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => {
              setQ('');
              update({});
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <p className="mb-4 text-xs text-muted-foreground">Filters apply to the pushes loaded so far; load more to search further back.</p>
      <Table>
        <TableCaption>Webhook deliveries</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Created</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Event</TableHead>
            <TableHead>Tenant id</TableHead>
            <TableHead>Pushed</TableHead>
            <TableHead>Attempts</TableHead>
            <TableHead>Last error</TableHead>
            {admin && <TableHead className="text-right">Actions</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={admin ? 8 : 7}
            loading={list.isPending}
            error={list.isError && all.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={rows.length === 0}
            emptyMessage={filtered ? 'No loaded pushes match these filters.' : 'No licence pushes yet.'}
          />
          {!list.isPending &&
            rows.map((d) => (
              <TableRow key={d.id}>
                <TableCell className="whitespace-nowrap">
                  <Link to={`/deliveries/${d.id}`} className="underline-offset-4 hover:underline">
                    {formatDateTime(d.created_at)}
                  </Link>
                </TableCell>
                <TableCell>
                  <DeliveryStatusBadge status={d.status} />
                </TableCell>
                <TableCell className="font-mono text-xs" title={d.event_id}>
                  {shortId(d.event_id)}
                </TableCell>
                <TableCell className="font-mono text-xs" title={d.tenant_id}>
                  {shortId(d.tenant_id)}
                </TableCell>
                <TableCell>{payloadSummary(d.payload)}</TableCell>
                <TableCell>{d.attempts}</TableCell>
                <TableCell className="max-w-xs truncate text-xs text-muted-foreground" title={d.last_error}>
                  {d.last_error || '—'}
                </TableCell>
                {admin && (
                  <TableCell className="text-right">
                    <RedeliverButton delivery={d} />
                  </TableCell>
                )}
              </TableRow>
            ))}
        </TableBody>
      </Table>
      <LoadMore count={all.length} query={list} noun="loaded" />
    </>
  );
}
