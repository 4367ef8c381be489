import { PageHeader } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { hasPermission } from '../../../lib/access';
import { cmdbSummaryQuery } from '../api/counts';
import { StatCard } from './StatCard';

/** The CMDB at a glance, from GET /cmdb/summary; hidden from users who may not read assets. */
export function DashboardPage() {
  const tenantId = useTenantId();
  const me = useMe();
  const canAssets = hasPermission(me.data?.permissions ?? [], 'assets.read');
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
        me.data && <p className="mt-6 text-sm text-muted-foreground">Your groups do not grant access to any inventory yet.</p>
      )}
    </>
  );
}
