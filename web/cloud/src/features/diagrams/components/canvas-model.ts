import type { Edge, Node, Viewport } from '@xyflow/react';

/** What a node may say about itself; inventory nodes name the record they stand for. */
export interface NodeData extends Record<string, unknown> {
  label?: string;
  kind?: 'site' | 'zone' | 'vlan' | 'asset';
  record_id?: string;
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
  for (const k of ['type', 'label', 'animated', 'style', 'data', 'sourceHandle', 'targetHandle'] as const) {
    if (e[k] !== undefined && e[k] !== null) (out as unknown as Record<string, unknown>)[k] = e[k];
  }
  return out;
}

export function toCanvas(nodes: readonly DiagramNode[], edges: readonly Edge[], viewport?: Viewport): Canvas {
  return { nodes: nodes.map(storedNode), edges: edges.map(storedEdge), ...(viewport ? { viewport } : {}) };
}

/**
 * Merges a generated canvas (import hierarchy) into the current one by id: nodes and edges the
 * canvas lacks are added, the ones it has keep their place and label.
 */
export function mergeCanvas(current: Canvas, generated: Canvas): { canvas: Canvas; addedNodes: number; addedEdges: number } {
  const nodeIds = new Set(current.nodes.map((n) => n.id));
  const edgeIds = new Set(current.edges.map((e) => e.id));
  const nodes = generated.nodes.filter((n) => !nodeIds.has(n.id));
  const edges = generated.edges.filter((e) => !edgeIds.has(e.id));
  return {
    canvas: { ...current, nodes: [...current.nodes, ...nodes], edges: [...current.edges, ...edges] },
    addedNodes: nodes.length,
    addedEdges: edges.length,
  };
}

/** The node, now standing for an asset (or for nothing, with null). */
export function linkNode(node: DiagramNode, asset: { id: string; name: string } | null): DiagramNode {
  if (!asset) {
    const { kind: _kind, record_id: _record, ...data } = node.data;
    return { ...node, type: 'note', data };
  }
  return { ...node, type: 'asset', data: { ...node.data, kind: 'asset', record_id: asset.id, label: node.data.label || asset.name } };
}

/** A free node (a note) at a position, with an id no other node has. */
export function newNote(existing: readonly DiagramNode[], position: { x: number; y: number }): DiagramNode {
  const ids = new Set(existing.map((n) => n.id));
  let i = existing.length + 1;
  while (ids.has('note-' + String(i))) i++;
  return { id: 'note-' + String(i), type: 'note', position, data: { label: 'New node' } };
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
