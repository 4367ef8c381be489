import { PageHeader } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { hasPermission } from '../../../lib/access';
import { assetCountQuery, siteTotalsQuery } from '../api/counts';
import { StatCard } from './StatCard';

/** Real counts from the list endpoints; cards the user may not read are left out. */
export function DashboardPage() {
  const tenantId = useTenantId();
  const me = useMe();
  const perms = me.data?.permissions ?? [];
  const canSites = hasPermission(perms, 'sites.read');
  const canAssets = hasPermission(perms, 'assets.read');

  const sites = useQuery({ ...siteTotalsQuery(tenantId), enabled: canSites });
  const it = useQuery({ ...assetCountQuery(tenantId, 'it'), enabled: canAssets });
  const ot = useQuery({ ...assetCountQuery(tenantId, 'ot'), enabled: canAssets });

  return (
    <>
      <PageHeader title="Dashboard" description={me.data ? 'Overview of ' + me.data.tenant.display_name : undefined} />
      <section aria-label="Counts" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {canSites && (
          <>
            <StatCard label="Sites" value={sites.data?.sites.value} capped={sites.data?.sites.capped} loading={sites.isPending} error={sites.error} />
            <StatCard label="Assets (all sites)" value={sites.data?.assets} loading={sites.isPending} error={sites.error} />
            <StatCard label="Edge devices" value={sites.data?.edgeDevices} loading={sites.isPending} error={sites.error} />
          </>
        )}
        {canAssets && (
          <>
            <StatCard label="IT assets" value={it.data?.value} capped={it.data?.capped} loading={it.isPending} error={it.error} />
            <StatCard label="OT assets" value={ot.data?.value} capped={ot.data?.capped} loading={ot.isPending} error={ot.error} />
          </>
        )}
      </section>
      {me.data && !canSites && !canAssets && (
        <p className="mt-6 text-sm text-muted-foreground">Your groups do not grant access to any inventory yet.</p>
      )}
    </>
  );
}
