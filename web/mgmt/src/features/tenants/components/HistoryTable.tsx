import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { TenantStatusBadge } from '../../../components/TenantStatusBadge';
import { formatDate, formatDateTime, formatLimit, shortId } from '../../../lib/format';
import type { HistoryEntry } from '../../../lib/types';

export function HistoryTable({ history }: { history: HistoryEntry[] }) {
  return (
    <Table>
      <TableCaption>Licence history, newest first</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>When</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Plan</TableHead>
          <TableHead>Modules</TableHead>
          <TableHead>Limits (assets / devices / users)</TableHead>
          <TableHead>Period</TableHead>
          <TableHead>By</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState colSpan={7} empty={history.length === 0} emptyMessage="No licence changes yet." />
        {history.map((h) => (
          <TableRow key={h.id}>
            <TableCell className="whitespace-nowrap">{formatDateTime(h.at)}</TableCell>
            <TableCell>
              <TenantStatusBadge status={h.status} />
            </TableCell>
            <TableCell className="capitalize">{h.license?.plan ?? '—'}</TableCell>
            <TableCell>{h.license ? h.license.features.join(', ') || 'core' : '—'}</TableCell>
            <TableCell>
              {h.license
                ? [h.license.limits.max_assets, h.license.limits.max_devices, h.license.limits.max_users].map(formatLimit).join(' / ')
                : '—'}
            </TableCell>
            <TableCell className="whitespace-nowrap">
              {h.license ? `${formatDate(h.license.starts_at)} – ${h.license.expires_at ? formatDate(h.license.expires_at) : 'no end'}` : '—'}
            </TableCell>
            <TableCell className="font-mono text-xs" title={h.operator_id ?? 'system'}>
              {h.operator_id ? shortId(h.operator_id) : 'system'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
