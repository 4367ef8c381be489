import { errorMessage } from '@monozu/api';
import { Alert, Button, PageHeader } from '@monozu/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { assetsListQuery, siteOptionsQuery } from '../api/assets';
import { AssetFiltersBar } from '../components/AssetFiltersBar';
import { AssetsTable } from '../components/AssetsTable';
import { filtersFromParams, paramsFromFilters } from '../components/filters';

/** CMDB assets: filterable table with keyset "load more" paging. */
export function AssetsPage() {
  const tenantId = useTenantId();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const list = useInfiniteQuery(assetsListQuery(tenantId, filters));
  const sites = useQuery(siteOptionsQuery(tenantId));
  const assets = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Assets" description="Hardware and software in your sites, IT and OT." />
      {sites.isError && (
        <Alert variant="warning" className="mb-4">
          Sites could not be loaded for the filter: {errorMessage(sites.error)}
        </Alert>
      )}
      <AssetFiltersBar
        key={filters.q ?? ''}
        value={filters}
        sites={sites.data ?? []}
        onChange={(f) => setParams(paramsFromFilters(f), { replace: true })}
      />
      <AssetsTable
        assets={assets}
        loading={list.isPending}
        error={list.isError && assets.length === 0 ? errorMessage(list.error) : null}
        onRetry={() => void list.refetch()}
        filtered={Object.keys(filters).length > 0}
      />
      <div className="mt-4 flex items-center gap-4" aria-live="polite">
        {assets.length > 0 && (
          <span className="text-sm text-muted-foreground">
            {assets.length} shown{list.hasNextPage ? '' : ' (all)'}
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
