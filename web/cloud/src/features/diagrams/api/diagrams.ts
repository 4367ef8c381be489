import { tenantKey, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Asset } from '../../../lib/cmdb';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Canvas } from '../components/canvas-model';

export type Preset = 'full_stack' | 'cmdb_only';

export interface DiagramSummary {
  id: string;
  site_id: string;
  name: string;
  description: string;
  node_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UnlinkedNode {
  node_id: string;
  kind: 'site' | 'zone' | 'vlan' | 'asset';
  record_id: string;
}

export interface Diagram extends Omit<DiagramSummary, 'node_count'> {
  content: Canvas;
  unlinked_nodes: UnlinkedNode[];
}

export interface NewDiagram {
  name: string;
  description: string;
  site_id: string;
  preset?: Preset;
}

export const diagramsQuery = (t: string | null, f: { q: string; site_id: string }) =>
  pagedQuery<DiagramSummary>(tenantKey(t, 'diagrams', 'list', f), '/diagrams', { q: f.q || undefined, site_id: f.site_id || undefined });

export const diagramQuery = (t: string | null, id: string) =>
  queryOptions({ queryKey: tenantKey(t, 'diagrams', 'detail', id), queryFn: ({ signal }) => fetchDiagram(id, signal), staleTime: Infinity });

export const fetchDiagram = (id: string, signal?: AbortSignal) => api.get<Diagram>('/diagrams/' + id, undefined, signal);
export const createDiagram = (b: NewDiagram) => api.post<Diagram>('/diagrams', b, idempotent());
export const saveContent = (id: string, version: number, content: Canvas) => api.put<Diagram>('/diagrams/' + id + '/content', { version, content });
export const generateCanvas = (id: string, preset: Preset) => api.post<Canvas>('/diagrams/' + id + '/generate', { preset });
export const deleteDiagram = (id: string) => api.delete('/diagrams/' + id);

export const searchAssets = (q: string, signal?: AbortSignal) => api.get<Page<Asset>>('/assets', { q, limit: 10 }, signal).then((p) => p.items);

export function validateNewDiagram(b: NewDiagram): Record<string, string> {
  const e: Record<string, string> = {};
  if (!b.name) e.name = 'Enter a name.';
  if (!b.site_id) e.site_id = 'Choose a site.';
  return e;
}
