import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Schema } from '../../../lib/types';

export type ImportError = Schema<'ImportError'>;

export type ImportReport = Schema<'ImportReport'>;

export type AssetImport = Schema<'AssetImport'>;
export type ImportStatus = AssetImport['status'];

function form(file: File, dryRun: boolean): FormData {
  const fd = new FormData();
  fd.append('file', file, file.name);
  fd.append('dry_run', dryRun ? 'true' : 'false');
  return fd;
}

export const dryRunImport = (file: File) => api.post<ImportReport>('/assets/import', form(file, true));
export const startImport = (file: File) => api.post<{ import_id: string }>('/assets/import', form(file, false));

export const POLL_MS = 1000;

export const isFinished = (s: ImportStatus) => s === 'succeeded' || s === 'failed';

/** GET /imports/{id}, polled every second until the import has finished. */
export const importQuery = (t: string | null, id: string) =>
  queryOptions({
    queryKey: tenantKey(t, 'imports', id),
    queryFn: ({ signal }) => api.get<AssetImport>('/imports/' + id, undefined, signal),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : POLL_MS),
  });
