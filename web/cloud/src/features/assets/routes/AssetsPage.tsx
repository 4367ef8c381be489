import { errorMessage } from '@monozu/api';
import { Alert, Button, PageHeader } from '@monozu/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { downloadFile } from '../../../lib/download';
import { assetsListQuery, siteOptionsQuery } from '../api/assets';
import { AssetFiltersBar } from '../components/AssetFiltersBar';
import { AssetsTable } from '../components/AssetsTable';
import { filtersFromParams, paramsFromFilters } from '../components/filters';

/** CMDB assets: filterable, sortable table with keyset "load more" paging and export. */
export function AssetsPage() {
  const tenantId = useTenantId();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const list = useInfiniteQuery(assetsListQuery(tenantId, filters));
  const sites = useQuery(siteOptionsQuery(tenantId));
  const assets = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [exporting, setExporting] = useState<'csv' | 'json' | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const { sort: _sort, ...onlyFilters } = filters;

  const exportAs = async (format: 'csv' | 'json') => {
    setExporting(format);
    setExportError(null);
    try {
      await downloadFile('/assets/export', { ...filters, format }, 'assets.' + format);
    } catch (e) {
      setExportError(errorMessage(e));
    } finally {
      setExporting(null);
    }
  };

  return (
    <>
      <PageHeader
        title="Assets"
        description="Hardware and software in your sites, IT and OT."
        actions={
          <>
            <Button variant="outline" size="sm" loading={exporting === 'csv'} onClick={() => void exportAs('csv')}>
              Export CSV
            </Button>
            <Button variant="outline" size="sm" loading={exporting === 'json'} onClick={() => void exportAs('json')}>
              Export JSON
            </Button>
            {can('assets.create') && (
              <>
                <Button variant="outline" size="sm" asChild>
                  <Link to="/assets/import">Import CSV</Link>
                </Button>
                <Button size="sm" asChild>
                  <Link to="/assets/new">New asset</Link>
                </Button>
              </>
            )}
          </>
        }
      />
      {exportError && (
        <Alert variant="destructive" className="mb-4">
          Export failed: {exportError}
        </Alert>
      )}
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
        filtered={Object.keys(onlyFilters).length > 0}
        sort={filters.sort}
        onSort={(sort) => setParams(paramsFromFilters({ ...filters, sort }), { replace: true })}
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
