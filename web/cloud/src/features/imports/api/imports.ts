import { tenantKey } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export interface ImportError {
  row: number;
  column: string;
  code: string;
  message: string;
}

export interface ImportReport {
  total_rows: number;
  would_create: number;
  would_update: number;
  unchanged: number;
  error_count: number;
  errors: ImportError[];
}

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface AssetImport {
  id: string;
  filename: string;
  status: ImportStatus;
  total_rows: number;
  rows_done: number;
  created: number;
  updated: number;
  error_count: number;
  message: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  errors: ImportError[];
}

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
