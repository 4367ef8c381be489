import { Card, CardContent, CardHeader, CardTitle, DataTable, TableCell, TableRow } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { recentDiscoveredQuery, recentDriftQuery } from '../api/recent';

function RecentCard({ title, to, linkLabel, children }: { title: string; to: string; linkLabel: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-2 space-y-0 pb-2">
        <CardTitle className="text-base">{title}</CardTitle>
        <Link to={to} className="text-sm underline underline-offset-4">
          {linkLabel}
        </Link>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

/** Devices discovery found that await review, newest few, linking to the review queue. */
export function RecentDiscovered() {
  const q = useQuery(recentDiscoveredQuery(useTenantId()));
  const rows = q.data ?? [];
  return (
    <RecentCard title="Recently discovered" to="/discovered" linkLabel="Review queue">
      <DataTable caption="Recently discovered devices" columns={['Device', 'Site', 'First seen']} query={q} empty={rows.length === 0} emptyMessage="Nothing awaits review.">
        {rows.map((a) => (
          <TableRow key={a.id}>
            <TableCell className="font-medium">{a.name || a.hostname || a.ip_addresses[0] || a.id}</TableCell>
            <TableCell>{a.site_name}</TableCell>
            <TableCell>{formatDateTime(a.first_seen)}</TableCell>
          </TableRow>
        ))}
      </DataTable>
    </RecentCard>
  );
}

/** Open drift between record and observation, first few, linking to the drift list. */
export function RecentDrift() {
  const q = useQuery(recentDriftQuery(useTenantId()));
  const rows = q.data ?? [];
  return (
    <RecentCard title="Open drift" to="/drift" linkLabel="All drift">
      <DataTable caption="Open drift" columns={['Asset', 'Field', 'Opened']} query={q} empty={rows.length === 0} emptyMessage="No open drift.">
        {rows.map((d) => (
          <TableRow key={d.id}>
            <TableCell>
              <Link to={'/assets/' + d.asset_id} className="font-medium underline-offset-4 hover:underline">
                {d.asset_name}
              </Link>
            </TableCell>
            <TableCell>{d.field}</TableCell>
            <TableCell>{formatDateTime(d.opened_at)}</TableCell>
          </TableRow>
        ))}
      </DataTable>
    </RecentCard>
  );
}
