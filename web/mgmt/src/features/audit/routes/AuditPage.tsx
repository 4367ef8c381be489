import { errorMessage } from '@monozu/api';
import { Button, FormField, Input, LoadMore, PageHeader, Select, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useScope } from '../../../hooks/useOperator';
import { formatDateTime } from '../../../lib/format';
import { auditQuery, filterAudit, resourceTypes, type AuditEntry } from '../api/audit';

function Changes({ changes }: { changes: AuditEntry['changes'] }) {
  const keys = Object.keys(changes);
  if (keys.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-xs underline-offset-4 hover:underline">{keys.length} field{keys.length === 1 ? '' : 's'}</summary>
      <dl className="mt-1 grid gap-1 text-xs">
        {keys.map((k) => (
          <div key={k}>
            <dt className="font-medium">{k}</dt>
            <dd className="font-mono break-all text-muted-foreground">
              {JSON.stringify(changes[k]?.before ?? null)} → {JSON.stringify(changes[k]?.after ?? null)}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function AuditPage() {
  const scope = useScope();
  const [params, setParams] = useSearchParams();
  const resource = params.get('resource') ?? undefined;
  const qParam = params.get('q') ?? undefined;
  const [q, setQ] = useState(qParam ?? '');
  const list = useInfiniteQuery(auditQuery(scope));
  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const rows = filterAudit(all, { resource, q: qParam });
  const types = resourceTypes(all);
  const filtered = Boolean(resource || qParam);

  const update = (next: { resource?: string; q?: string }) => {
    const p = new URLSearchParams();
    if (next.resource) p.set('resource', next.resource);
    if (next.q) p.set('q', next.q);
    setParams(p, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ resource, q: q.trim() });
  };

  return (
    <>
      <PageHeader title="Audit log" description="Every operator action and sign-in event, newest first." />
      <form role="search" aria-label="Filter the audit log" onSubmit={submit} className="mb-2 flex flex-wrap items-end gap-3">
        <FormField label="Resource" className="w-48">
          <Select value={resource ?? ''} onChange={(e) => update({ resource: e.target.value, q: qParam })}>
            <option value="">Any resource</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Search" className="w-full sm:w-80">
          <Input type="search" placeholder="Action, operator, summary, IP" value={q} onChange={(e) => setQ(e.target.value)} />
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
      <p className="mb-4 text-xs text-muted-foreground">Filters apply to the entries loaded so far; load more to search further back.</p>
      <Table>
        <TableCaption>Operator audit log</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>When</TableHead>
            <TableHead>Operator</TableHead>
            <TableHead>Action</TableHead>
            <TableHead>Summary</TableHead>
            <TableHead>Changes</TableHead>
            <TableHead>IP</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={6}
            loading={list.isPending}
            error={list.isError && all.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={rows.length === 0}
            emptyMessage={filtered ? 'No loaded entries match these filters.' : 'The audit log is empty.'}
          />
          {!list.isPending &&
            rows.map((e) => (
              <TableRow key={e.id} className="align-top">
                <TableCell className="whitespace-nowrap">{formatDateTime(e.at)}</TableCell>
                <TableCell>{e.actor_label || '—'}</TableCell>
                <TableCell className="font-mono text-xs">{e.action}</TableCell>
                <TableCell>
                  {e.summary}
                  {e.resource_type && (
                    <div className="text-xs text-muted-foreground">
                      {e.resource_type} <span className="font-mono">{e.resource_id}</span>
                    </div>
                  )}
                </TableCell>
                <TableCell>
                  <Changes changes={e.changes} />
                </TableCell>
                <TableCell className="font-mono text-xs" title={e.user_agent}>
                  {e.ip ?? '—'}
                </TableCell>
              </TableRow>
            ))}
        </TableBody>
      </Table>
      <LoadMore count={all.length} query={list} noun="loaded" />
    </>
  );
}
