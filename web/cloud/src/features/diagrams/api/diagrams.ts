import { checkFields, tenantKey, type Narrow, type Page } from '@monozu/api';
import { queryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { api } from '../../../lib/api';
import type { Asset, Site, Vlan, Zone } from '../../../lib/cmdb';
import { idempotent, pagedQuery } from '../../../lib/paged';
import type { Canvas, InventoryKind } from '../components/canvas-model';
import type { ListQuery, Schema } from '../../../lib/types';

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

/** A record a node may stand for, as the node panel's picker lists it. */
export interface RecordOption {
  id: string;
  /** The label a node linked to it takes (the same as "import hierarchy" writes). */
  name: string;
  detail: string;
}

/** How many records the picker lists. */
export const PICK_LIMIT = 20;
/** Zones and VLANs have no text filter on the server: the picker narrows the first page of the site's. */
const SCAN_LIMIT = 200;

const matches = (q: string, ...texts: (string | null | undefined)[]) => texts.some((t) => (t ?? '').toLowerCase().includes(q.toLowerCase()));

const vlanLabel = (v: Pick<Vlan, 'number' | 'name'>) => 'VLAN ' + String(v.number) + (v.name ? ' · ' + v.name : '');

/**
 * The records of a kind matching the text, in the diagram's site unless siteId is undefined (sites
 * themselves are never narrowed by site).
 */
export async function findRecords(kind: InventoryKind, q: string, siteId: string | undefined, signal?: AbortSignal): Promise<RecordOption[]> {
  switch (kind) {
    case 'site': {
      const page = await api.get<Page<Site>>('/sites', { q: q || undefined, limit: PICK_LIMIT } satisfies ListQuery<'/api/v1/sites'>, signal);
      return page.items.map((s) => ({ id: s.id, name: s.name, detail: [s.code, s.location].filter(Boolean).join(' · ') }));
    }
    case 'zone': {
      const page = await api.get<Page<Zone>>('/zones', { site_id: siteId, limit: SCAN_LIMIT } satisfies ListQuery<'/api/v1/zones'>, signal);
      return page.items
        .filter((z) => matches(q, z.name))
        .slice(0, PICK_LIMIT)
        .map((z) => ({ id: z.id, name: z.name, detail: 'Purdue level ' + z.purdue_level + ' · ' + z.site_name }));
    }
    case 'vlan': {
      const number = /^\d{1,4}$/.test(q) ? q : undefined;
      const page = await api.get<Page<Vlan>>('/vlans', { site_id: siteId, number, limit: SCAN_LIMIT } satisfies ListQuery<'/api/v1/vlans'>, signal);
      return page.items
        .filter((v) => number !== undefined || matches(q, v.name, v.cidr))
        .slice(0, PICK_LIMIT)
        .map((v) => ({ id: v.id, name: vlanLabel(v), detail: [v.cidr, v.zone_name || v.site_name].filter(Boolean).join(' · ') }));
    }
    case 'asset': {
      const page = await api.get<Page<Asset>>('/assets', { q: q || undefined, site_id: siteId, limit: PICK_LIMIT } satisfies ListQuery<'/api/v1/assets'>, signal);
      return page.items.map((a) => ({ id: a.id, name: a.name, detail: [a.ip_addresses[0], a.site_name].filter(Boolean).join(' · ') }));
    }
  }
}

const newDiagramSchema = z.object({
  name: z.string().check(z.minLength(1, 'Enter a name.')),
  site_id: z.string().check(z.minLength(1, 'Choose a site.')),
});

export const validateNewDiagram = (b: NewDiagram): Record<string, string> => checkFields(newDiagramSchema, b);
