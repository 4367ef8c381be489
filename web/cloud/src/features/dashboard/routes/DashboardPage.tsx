import { PageHeader } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { hasPermission } from '../../../lib/access';
import { cmdbSummaryQuery } from '../api/counts';
import { deviceCountsQuery, recentAlertsQuery } from '../api/fleet';
import { AlertsChart } from './AlertsChart';
import { RecentDiscovered, RecentDrift } from './RecentLists';
import { StatCard } from './StatCard';

function FleetCards() {
  const t = useTenantId();
  const q = useQuery(deviceCountsQuery(t));
  return (
    <section aria-label="Edge devices" className="mt-6 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <StatCard label="Devices online" value={q.data?.online.n} capped={q.data?.online.more} loading={q.isPending} error={q.error} />
      <StatCard label="Devices offline" value={q.data?.offline.n} capped={q.data?.offline.more} loading={q.isPending} error={q.error} />
    </section>
  );
}

function AlertCards() {
  const t = useTenantId();
  const [from] = useState(() => new Date(Date.now() - 24 * 3600_000).toISOString());
  const q = useQuery(recentAlertsQuery(t, from));
  const card = (label: string, value: number | undefined) => <StatCard key={label} label={label} value={value} capped={q.data?.more} loading={q.isPending} error={q.error} />;
  return (
    <section aria-label="Security alerts in the last 24 hours" className="mt-6">
      <h2 className="mb-2 text-sm font-semibold">Alerts in the last 24 hours</h2>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
        {card('Critical', q.data?.by.critical)}
        {card('High', q.data?.by.high)}
        {card('Medium', q.data?.by.medium)}
        {card('Low', q.data?.by.low)}
        {card('Not yet acknowledged', q.data?.open)}
      </div>
      <AlertsChart />
    </section>
  );
}

/** The CMDB at a glance, from GET /cmdb/summary; hidden from users who may not read assets. */
export function DashboardPage() {
  const tenantId = useTenantId();
  const me = useMe();
  const perms = me.data?.permissions ?? [];
  const canAssets = hasPermission(perms, 'assets.read');
  const canDevices = hasPermission(perms, 'devices.read');
  const canAlerts = me.data?.features.security === true && hasPermission(perms, 'security.read');
  const summary = useQuery({ ...cmdbSummaryQuery(tenantId), enabled: canAssets });
  const s = summary.data;
  const card = (label: string, value: number | undefined) => (
    <StatCard key={label} label={label} value={value} loading={summary.isPending} error={summary.error} />
  );

  return (
    <>
      <PageHeader title="Dashboard" description={me.data ? 'Overview of ' + me.data.tenant.display_name : undefined} />
      {canAssets ? (
        <section aria-label="Counts" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {card('Sites', s?.sites)}
          {card('Assets', s?.assets)}
          {card('OT assets', s?.by_category.ot)}
          {card('IT assets', s?.by_category.it)}
          {card('Critical assets', s?.by_criticality.critical)}
          {card('Devices awaiting review', s?.discovered)}
          {card('Open drift', s?.open_drift)}
          {card('Vendors', s?.vendors)}
        </section>
      ) : (
        me.data && !canDevices && !canAlerts && <p className="mt-6 text-sm text-muted-foreground">Your groups do not grant access to any inventory yet.</p>
      )}
      {canAssets && (
        <div className="mt-6 grid gap-4 lg:grid-cols-2">
          <RecentDiscovered />
          <RecentDrift />
        </div>
      )}
      {canDevices && <FleetCards />}
      {canAlerts && <AlertCards />}
    </>
  );
}
