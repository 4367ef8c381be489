import { tenantKey, type Narrow, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset } from '../../../lib/cmdb';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Canvas } from '../components/canvas-model';
import type { Schema } from '../../../lib/types';

export type Preset = NonNullable<Schema<'DiagramGenerateRequest'>['preset']>;

export type DiagramSummary = Schema<'DiagramSummary'>;

export type UnlinkedNode = Schema<'UnlinkedNode'>;

/** A diagram with its canvas (the API documents nodes and edges loosely; the editor knows them). */
export type Diagram = Narrow<Schema<'Diagram'>, { content: Canvas }>;

export type NewDiagram = Schema<'NewDiagram'>;

export const diagramsQuery = (t: string | null, f: { q: string; site_id: string }) =>
  pagedQuery<DiagramSummary>(tenantKey(t, 'diagrams', 'list', f), '/diagrams', { q: f.q || undefined, site_id: f.site_id || undefined });

export const diagramQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'diagrams', 'detail', id), queryFn: ({ signal }) => fetchDiagram(id, signal), staleTime: Infinity });

export const fetchDiagram = (id: string, signal?: AbortSignal) => api.get<Diagram>('/diagrams/' + id, undefined, signal);
export const createDiagram = (b: NewDiagram) => api.post<Diagram>('/diagrams', b, idempotent());
export const saveContent = (id: string, version: number, content: Canvas) => api.put<Diagram>('/diagrams/' + id + '/content', { version, content } satisfies Schema<'DiagramContentUpdate'>);
export const generateCanvas = (id: string, preset: Preset) => api.post<Canvas>('/diagrams/' + id + '/generate', { preset } satisfies Schema<'DiagramGenerateRequest'>);
export const deleteDiagram = (id: string) => api.delete('/diagrams/' + id);

export const searchAssets = (q: string, signal?: AbortSignal) => api.get<Page<Asset>>('/assets', { q, limit: 10 }, signal).then((p) => p.items);

export function validateNewDiagram(b: NewDiagram): Record<string, string> {
  const e: Record<string, string> = {};
  if (!b.name) e.name = 'Enter a name.';
  if (!b.site_id) e.site_id = 'Choose a site.';
  return e;
}
