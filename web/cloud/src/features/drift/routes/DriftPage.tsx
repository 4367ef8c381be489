import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Badge, Button, ConfirmDialog, FormField, PageHeader, Select, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { acceptDrift, dismissDrift, formatDateTime, humanize, siteOptionsQuery, type DriftRecord } from '../../../lib/cmdb';
import { driftQuery, type DriftFilters } from '../api/drift';

const FIELDS = ['firmware_version', 'model', 'serial_number', 'hostname'];

export function DriftPage() {
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const f: DriftFilters = { status: params.get('status') || undefined, field: params.get('field') || undefined, site_id: params.get('site_id') || undefined };
  const list = useInfiniteQuery(driftQuery(t, f));
  const sites = useQuery(siteOptionsQuery(t));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [pending, setPending] = useState<{ rec: DriftRecord; action: 'accept' | 'dismiss' } | null>(null);
  const act = useMutation({
    mutationFn: (p: { rec: DriftRecord; action: 'accept' | 'dismiss' }) => (p.action === 'accept' ? acceptDrift(p.rec.id) : dismissDrift(p.rec.id)),
    onSuccess: () => {
      setPending(null);
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'drift') });
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'assets') });
    },
  });
  const set = (k: keyof DriftFilters, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const status = f.status ?? 'open';
  const edit = can('assets.update') && status === 'open';
  return (
    <>
      <PageHeader title="Drift" description="Where what discovery observes differs from the recorded value." />
      <div role="search" aria-label="Filter drift" className="mb-4 flex flex-wrap gap-3">
        <FormField label="Status">
          <Select value={status} onChange={(e) => set('status', e.target.value === 'open' ? '' : e.target.value)}>
            <option value="open">Open</option>
            <option value="accepted">Accepted</option>
            <option value="dismissed">Dismissed</option>
          </Select>
        </FormField>
        <FormField label="Field">
          <Select value={f.field ?? ''} onChange={(e) => set('field', e.target.value)}>
            <option value="">Any field</option>
            {FIELDS.map((x) => (
              <option key={x} value={x}>
                {humanize(x)}
              </option>
            ))}
          </Select>
        </FormField>
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
      </div>
      {act.isError && (
        <Alert variant="destructive" className="mb-4">
          {errorMessage(act.error)}
        </Alert>
      )}
      <Table>
        <TableCaption>Drift records</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Asset</TableHead>
            <TableHead>Site</TableHead>
            <TableHead>Field</TableHead>
            <TableHead>Recorded</TableHead>
            <TableHead>Observed</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Opened</TableHead>
            {edit && (
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={edit ? 8 : 7}
            loading={list.isPending}
            error={list.isError && items.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={items.length === 0}
            emptyMessage={status === 'open' ? 'No open drift.' : 'No drift records match.'}
          />
          {items.map((d) => (
            <TableRow key={d.id}>
              <TableCell className="font-medium">
                <Link className="hover:underline" to={'/assets/' + d.asset_id + '?tab=drift'}>
                  {d.asset_name}
                </Link>
              </TableCell>
              <TableCell>{d.site_name}</TableCell>
              <TableCell>{humanize(d.field)}</TableCell>
              <TableCell className="font-mono text-xs">{d.intended || '—'}</TableCell>
              <TableCell className="font-mono text-xs">{d.observed || '—'}</TableCell>
              <TableCell>
                <Badge variant={d.status === 'open' ? 'warning' : 'outline'}>{d.status}</Badge>
              </TableCell>
              <TableCell>{formatDateTime(d.opened_at)}</TableCell>
              {edit && (
                <TableCell className="whitespace-nowrap text-right">
                  <Button size="sm" variant="outline" onClick={() => setPending({ rec: d, action: 'accept' })}>
                    Accept
                  </Button>{' '}
                  <Button size="sm" variant="ghost" onClick={() => setPending({ rec: d, action: 'dismiss' })}>
                    Dismiss
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className="mt-4" aria-live="polite">
        {list.hasNextPage && (
          <Button variant="outline" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(o) => !o && setPending(null)}
        title={pending?.action === 'accept' ? 'Accept the observed value?' : 'Dismiss this drift?'}
        description={
          pending
            ? pending.action === 'accept'
              ? `${humanize(pending.rec.field)} of ${pending.rec.asset_name} becomes "${pending.rec.observed}".`
              : `${pending.rec.asset_name} keeps "${pending.rec.intended}".`
            : ''
        }
        confirmLabel={pending?.action === 'accept' ? 'Accept' : 'Dismiss'}
        busy={act.isPending}
        onConfirm={() => pending && act.mutate(pending)}
      />
    </>
  );
}
