import type { Edge, Node, Viewport } from '@xyflow/react';

/** The inventory records a node may stand for. */
const INVENTORY_KINDS = ['site', 'zone', 'vlan', 'asset'] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

/** The free shapes a note may take. */
export const SHAPES = ['box', 'ellipse', 'text'] as const;
export type Shape = (typeof SHAPES)[number];

/** How the editor names each kind in a sentence. */
export const KIND_NAME: Record<InventoryKind, string> = { site: 'site', zone: 'zone', vlan: 'VLAN', asset: 'asset' };

/** "a site", "an asset". */
export const withArticle = (kind: InventoryKind) => (kind === 'asset' ? 'an ' : 'a ') + KIND_NAME[kind];

function isInventoryKind(s: unknown): s is InventoryKind {
  return (INVENTORY_KINDS as readonly unknown[]).includes(s);
}

/** What a node may say about itself; inventory nodes name the record they stand for. */
export interface NodeData extends Record<string, unknown> {
  label?: string;
  kind?: InventoryKind;
  record_id?: string;
  /** How a free node (a note) is drawn. */
  shape?: Shape;
  /** Set by the editor on nodes whose record no longer exists; never stored. */
  unlinked?: boolean;
}

export type DiagramNode = Node<NodeData>;

/** The stored canvas (PUT /diagrams/:id/content). */
export interface Canvas {
  nodes: DiagramNode[];
  edges: Edge[];
  viewport?: Viewport;
}

/** A node as stored: the editor's own state (selection, drag, measured size, unlinked mark) left out. */
function storedNode(n: DiagramNode): DiagramNode {
  const { unlinked: _unlinked, ...data } = n.data;
  const out: DiagramNode = { id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data };
  if (n.type) out.type = n.type;
  if (n.parentId) out.parentId = n.parentId;
  return out;
}

function storedEdge(e: Edge): Edge {
  const out: Edge = { id: e.id, source: e.source, target: e.target };
  for (const k of ['type', 'label', 'animated', 'style', 'markerStart', 'markerEnd', 'data', 'sourceHandle', 'targetHandle'] as const) {
    if (e[k] !== undefined && e[k] !== null) (out as unknown as Record<string, unknown>)[k] = e[k];
  }
  return out;
}

export function toCanvas(nodes: readonly DiagramNode[], edges: readonly Edge[], viewport?: Viewport): Canvas {
  return { nodes: nodes.map(storedNode), edges: edges.map(storedEdge), ...(viewport ? { viewport } : {}) };
}

/** "site:<uuid>": one record, whichever node draws it. */
export const recordKeyOf = (kind: InventoryKind, recordId: string) => kind + ':' + recordId;

/** The record key of a node that stands for a record, null for the others. */
export function recordKey(n: Pick<DiagramNode, 'data'>): string | null {
  return n.data.kind && n.data.record_id ? recordKeyOf(n.data.kind, n.data.record_id) : null;
}

/**
 * Merges a generated canvas (import hierarchy) into the current one: nodes the canvas already has
 * (the same id, or a node standing for the same record, e.g. one placed from the palette) keep
 * their place and label, and the generated edges are drawn to them; the rest is added.
 */
export function mergeCanvas(current: Canvas, generated: Canvas): { canvas: Canvas; addedNodes: number; addedEdges: number } {
  const nodeIds = new Set(current.nodes.map((n) => n.id));
  const byRecord = new Map<string, string>();
  for (const n of current.nodes) {
    const key = recordKey(n);
    if (key && !byRecord.has(key)) byRecord.set(key, n.id);
  }
  const drawnAs = new Map<string, string>();
  const nodes: DiagramNode[] = [];
  for (const n of generated.nodes) {
    const key = recordKey(n);
    const existing = nodeIds.has(n.id) ? n.id : key ? byRecord.get(key) : undefined;
    if (existing) drawnAs.set(n.id, existing);
    else nodes.push(n);
  }
  const edgeIds = new Set(current.edges.map((e) => e.id));
  const ends = new Set(current.edges.map((e) => e.source + '>' + e.target));
  const edges: Edge[] = [];
  for (const e of generated.edges) {
    const source = drawnAs.get(e.source) ?? e.source;
    const target = drawnAs.get(e.target) ?? e.target;
    if (edgeIds.has(e.id) || ends.has(source + '>' + target)) continue;
    ends.add(source + '>' + target);
    edges.push({ ...e, source, target });
  }
  return {
    canvas: { ...current, nodes: [...current.nodes, ...nodes], edges: [...current.edges, ...edges] },
    addedNodes: nodes.length,
    addedEdges: edges.length,
  };
}

/** The inventory kind a node stands for, or waits to be linked to (a palette node not linked yet). */
export function slotKind(n: Pick<DiagramNode, 'type' | 'data'>): InventoryKind | undefined {
  if (n.data.kind) return n.data.kind;
  return isInventoryKind(n.type) ? n.type : undefined;
}

/** A node waiting for its record: placed from the palette, or unlinked since. */
export function awaitsRecord(n: Pick<DiagramNode, 'type' | 'data'>): boolean {
  return slotKind(n) !== undefined && !n.data.record_id;
}

/**
 * The node, now standing for a record of its kind (or for none, with null: it keeps its kind and
 * waits for another record). An empty label takes the record's name.
 */
export function linkNode(node: DiagramNode, kind: InventoryKind, record: { id: string; name: string } | null): DiagramNode {
  const { kind: _kind, record_id: _record, unlinked: _unlinked, ...data } = node.data;
  if (!record) return { ...node, type: kind, data };
  return { ...node, type: kind, data: { ...data, kind, record_id: record.id, label: data.label || record.name } };
}

/** What the palette places: a node waiting for a record of a kind, or a free shape. */
export type PaletteItem = { kind: InventoryKind } | { shape: Shape };

/** A node of the palette item at a position, with an id no other node has. */
export function newNode(existing: readonly DiagramNode[], item: PaletteItem, position: { x: number; y: number }): DiagramNode {
  const ids = new Set(existing.map((n) => n.id));
  let i = existing.length + 1;
  while (ids.has('node-' + String(i))) i++;
  const id = 'node-' + String(i);
  if ('kind' in item) return { id, type: item.kind, position, data: {} };
  return { id, type: 'note', position, data: { label: item.shape === 'text' ? 'Text' : 'New shape', shape: item.shape } };
}

/** The nodes with the unlinked mark on those the server reports (and off the others). */
export function markUnlinked(nodes: readonly DiagramNode[], unlinkedIds: ReadonlySet<string>): DiagramNode[] {
  return nodes.map((n) => {
    const want = unlinkedIds.has(n.id);
    if (Boolean(n.data.unlinked) === want) return n;
    const { unlinked: _u, ...data } = n.data;
    return { ...n, data: want ? { ...data, unlinked: true } : data };
  });
}

/** Whether a change list from React Flow alters what is stored (selection and measuring do not). */
export function changesContent(changes: readonly { type: string }[]): boolean {
  return changes.some((c) => c.type !== 'select' && c.type !== 'dimensions');
}
