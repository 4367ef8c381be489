import { DataTable, FormField, Input, LoadMore, PageHeader, Select, TableCell, TableRow, Button } from '@monozu/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { useUrlFilters } from '../../../hooks/useUrlFilters';
import { formatDateTime, humanize, siteOptionsQuery } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { ALERT_STATUSES, SEVERITIES, type AlertFilters } from '../../../lib/security';
import { alertsQuery } from '../api/alerts';
import { AcknowledgeButton } from '../components/AcknowledgeButton';
import { SeverityBadge } from '../components/SeverityBadge';

const KEYS = ['severity', 'status', 'site_id', 'device_id', 'from', 'to'] as const;

/** A datetime-local value as RFC 3339 (the API's time filters), empty when unset. */
const iso = (local: string) => (local && !Number.isNaN(new Date(local).getTime()) ? new Date(local).toISOString() : '');

export function AlertsPage() {
  const t = useTenantId();
  const can = useCan();
  const { filters, setFilters, active } = useUrlFilters(KEYS);
  const query: AlertFilters = {};
  for (const k of KEYS) {
    const v = k === 'from' || k === 'to' ? iso(filters[k]) : filters[k];
    if (v) query[k] = v;
  }
  const list = useInfiniteQuery(alertsQuery(t, query));
  const sites = useQuery(siteOptionsQuery(t));
  const alerts = pageItems(list.data);
  return (
    <>
      <PageHeader title="Security alerts" description="Alerts from your edge appliances; new ones appear here as they arrive." />
      <form role="search" aria-label="Filter alerts" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <FormField label="Severity">
          <Select value={filters.severity} onChange={(e) => setFilters({ severity: e.target.value })}>
            <option value="">Any</option>
            <option value="critical,high">High and critical</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Status">
          <Select value={filters.status} onChange={(e) => setFilters({ status: e.target.value })}>
            <option value="">Any</option>
            {ALERT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </Select>
        </FormField>
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
        <FormField label="From">
          <Input type="datetime-local" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        </FormField>
        <FormField label="To">
          <Input type="datetime-local" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
        </FormField>
        {filters.device_id && (
          <Button type="button" variant="outline" onClick={() => setFilters({ device_id: '' })}>
            Any device
          </Button>
        )}
        {active && (
          <Button type="button" variant="ghost" onClick={() => setFilters({ severity: '', status: '', site_id: '', device_id: '', from: '', to: '' })}>
            Clear
          </Button>
        )}
      </form>
      <DataTable caption="Security alerts" columns={['Observed', 'Severity', 'Title', 'Category', 'Source → destination', 'Status', { label: 'Actions', srOnly: true }]} query={list} empty={alerts.length === 0} emptyMessage={active ? 'No alerts match these filters.' : 'No alerts yet.'}>
        {alerts.map((a) => (
          <TableRow key={a.id}>
            <TableCell className="whitespace-nowrap">{formatDateTime(a.observed_at)}</TableCell>
            <TableCell>
              <SeverityBadge severity={a.severity} />
            </TableCell>
            <TableCell className="font-medium">
              <Link to={'/security/alerts/' + a.id} className="underline-offset-4 hover:underline">
                {a.title}
              </Link>
            </TableCell>
            <TableCell>{a.category || '—'}</TableCell>
            <TableCell className="font-mono text-xs">
              {(a.source_ip ?? '?') + (a.source_port ? ':' + String(a.source_port) : '')} → {(a.destination_ip ?? '?') + (a.destination_port ? ':' + String(a.destination_port) : '')}
            </TableCell>
            <TableCell>{humanize(a.status)}</TableCell>
            <TableCell className="text-right">
              {a.device_id && !filters.device_id && (
                <Button size="sm" variant="ghost" onClick={() => setFilters({ device_id: a.device_id ?? '' })} aria-label={'Only alerts of the device of ' + a.title}>
                  Same device
                </Button>
              )}
              {a.status === 'new' && can('security.manage') && <AcknowledgeButton alert={a} />}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={alerts.length} query={list} />
    </>
  );
}
