import { errorMessage } from '@monozu/api';
import { Button, PageHeader } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { useScope } from '../../../hooks/useOperator';
import { tenantsListQuery, type TenantFilters } from '../api/tenants';
import { TenantFiltersBar } from '../components/TenantFiltersBar';
import { TenantsTable } from '../components/TenantsTable';

export function TenantsPage() {
  const scope = useScope();
  const [params, setParams] = useSearchParams();
  const filters: TenantFilters = {};
  const status = params.get('status');
  const q = params.get('q');
  if (status) filters.status = status;
  if (q) filters.q = q;
  const list = useInfiniteQuery(tenantsListQuery(scope, filters));
  const tenants = list.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (f: TenantFilters) => {
    const next = new URLSearchParams();
    if (f.status) next.set('status', f.status);
    if (f.q) next.set('q', f.q);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader title="Tenants" description="Organisations on the platform, newest first." />
      <TenantFiltersBar key={filters.q ?? ''} value={filters} onChange={apply} />
      <TenantsTable
        tenants={tenants}
        loading={list.isPending}
        error={list.isError && tenants.length === 0 ? errorMessage(list.error) : null}
        onRetry={() => void list.refetch()}
        filtered={Object.keys(filters).length > 0}
      />
      <div className="mt-4 flex items-center gap-4" aria-live="polite">
        {tenants.length > 0 && (
          <span className="text-sm text-muted-foreground">
            {tenants.length} shown{list.hasNextPage ? '' : ' (all)'}
          </span>
        )}
        {list.hasNextPage && (
          <Button variant="outline" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
        )}
        {list.isFetchNextPageError && <span className="text-sm text-destructive">{errorMessage(list.error)}</span>}
      </div>
    </>
  );
}
