import { describe, expect, it } from 'vitest';
import { changesContent, linkNode, markUnlinked, mergeCanvas, newNote, toCanvas, type DiagramNode } from './canvas-model';

const site: DiagramNode = { id: 'site-1', type: 'site', position: { x: 10.4, y: 0 }, data: { label: 'Plant', kind: 'site', record_id: '1' }, selected: true, dragging: false, measured: { width: 100, height: 40 } };

describe('canvas model', () => {
  it('stores nodes without the editor state', () => {
    const c = toCanvas([site], [{ id: 'e', source: 'site-1', target: 'x', selected: true, type: 'smoothstep' }], { x: 0, y: 0, zoom: 1 });
    expect(c.nodes).toEqual([{ id: 'site-1', type: 'site', position: { x: 10, y: 0 }, data: site.data }]);
    expect(c.edges).toEqual([{ id: 'e', source: 'site-1', target: 'x', type: 'smoothstep' }]);
    expect(c.viewport).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it('marks unlinked nodes for display and never stores the mark', () => {
    const [marked] = markUnlinked([site], new Set(['site-1']));
    expect(marked?.data.unlinked).toBe(true);
    expect(toCanvas(marked ? [marked] : [], []).nodes[0]?.data).toEqual(site.data);
    expect(markUnlinked(marked ? [marked] : [], new Set())[0]?.data.unlinked).toBeUndefined();
  });

  it('merges an imported hierarchy by id, keeping what is already drawn', () => {
    const current = { nodes: [site], edges: [] };
    const generated = {
      nodes: [{ ...site, position: { x: 500, y: 500 } }, { id: 'zone-2', type: 'zone', position: { x: 0, y: 160 }, data: { label: 'Cell', kind: 'zone' as const, record_id: '2' } }],
      edges: [{ id: 'e-site-1--zone-2', source: 'site-1', target: 'zone-2' }],
    };
    const { canvas, addedNodes, addedEdges } = mergeCanvas(current, generated);
    expect(addedNodes).toBe(1);
    expect(addedEdges).toBe(1);
    expect(canvas.nodes.map((n) => n.id)).toEqual(['site-1', 'zone-2']);
    expect(canvas.nodes[0]?.position).toEqual({ x: 10.4, y: 0 });
  });

  it('links a node to an asset and unlinks it again', () => {
    const note = newNote([], { x: 0, y: 0 });
    const linked = linkNode(note, { id: 'a-1', name: 'PLC 1' });
    expect(linked).toMatchObject({ type: 'asset', data: { kind: 'asset', record_id: 'a-1', label: 'New node' } });
    const unlinked = linkNode(linked, null);
    expect(unlinked.type).toBe('note');
    expect(unlinked.data).toEqual({ label: 'New node' });
  });

  it('gives a new note an unused id', () => {
    const a = newNote([], { x: 0, y: 0 });
    const b = newNote([a, { ...a, id: 'note-2' }], { x: 0, y: 0 });
    expect(b.id).toBe('note-3');
  });

  it('treats selection and measuring as no change of content', () => {
    expect(changesContent([{ type: 'select' }, { type: 'dimensions' }])).toBe(false);
    expect(changesContent([{ type: 'select' }, { type: 'position' }])).toBe(true);
  });
});
