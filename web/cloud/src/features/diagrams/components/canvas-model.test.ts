import { MarkerType } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { awaitsRecord, changesContent, linkNode, markUnlinked, mergeCanvas, newNode, slotKind, toCanvas, type DiagramNode } from './canvas-model';

const site: DiagramNode = { id: 'site-1', type: 'site', position: { x: 10.4, y: 0 }, data: { label: 'Plant', kind: 'site', record_id: '1' }, selected: true, dragging: false, measured: { width: 100, height: 40 } };

describe('canvas model', () => {
  it('stores nodes without the editor state', () => {
    const c = toCanvas([site], [{ id: 'e', source: 'site-1', target: 'x', selected: true, type: 'smoothstep' }], { x: 0, y: 0, zoom: 1 });
    expect(c.nodes).toEqual([{ id: 'site-1', type: 'site', position: { x: 10, y: 0 }, data: site.data }]);
    expect(c.edges).toEqual([{ id: 'e', source: 'site-1', target: 'x', type: 'smoothstep' }]);
    const styled = toCanvas([], [{ id: 'f', source: 'a', target: 'b', markerEnd: { type: MarkerType.ArrowClosed }, style: { stroke: '#dc2626' } }]);
    expect(styled.edges[0]).toEqual({ id: 'f', source: 'a', target: 'b', markerEnd: { type: 'arrowclosed' }, style: { stroke: '#dc2626' } });
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

  it('merges an imported hierarchy into nodes placed from the palette for the same records', () => {
    const placed: DiagramNode = { id: 'node-1', type: 'site', position: { x: 0, y: 0 }, data: { label: 'My plant', kind: 'site', record_id: '1' } };
    const generated = {
      nodes: [
        { id: 'site-1', type: 'site', position: { x: 500, y: 0 }, data: { label: 'Plant', kind: 'site' as const, record_id: '1' } },
        { id: 'zone-2', type: 'zone', position: { x: 0, y: 160 }, data: { label: 'Cell', kind: 'zone' as const, record_id: '2' } },
      ],
      edges: [{ id: 'e-site-1--zone-2', source: 'site-1', target: 'zone-2' }],
    };
    const { canvas, addedNodes, addedEdges } = mergeCanvas({ nodes: [placed], edges: [] }, generated);
    expect(canvas.nodes.map((n) => n.id)).toEqual(['node-1', 'zone-2']);
    expect(canvas.edges).toEqual([{ id: 'e-site-1--zone-2', source: 'node-1', target: 'zone-2' }]);
    expect([addedNodes, addedEdges]).toEqual([1, 1]);
    // Importing again adds nothing, not even a second edge between the same nodes.
    const again = mergeCanvas(canvas, generated);
    expect([again.addedNodes, again.addedEdges]).toEqual([0, 0]);
  });

  it('places palette nodes that wait for their record, and free shapes', () => {
    const zone = newNode([], { kind: 'zone' }, { x: 5, y: 6 });
    expect(zone).toEqual({ id: 'node-1', type: 'zone', position: { x: 5, y: 6 }, data: {} });
    expect(slotKind(zone)).toBe('zone');
    expect(awaitsRecord(zone)).toBe(true);
    const box = newNode([zone], { shape: 'ellipse' }, { x: 0, y: 0 });
    expect(box).toMatchObject({ id: 'node-2', type: 'note', data: { shape: 'ellipse' } });
    expect(slotKind(box)).toBeUndefined();
    expect(awaitsRecord(box)).toBe(false);
  });

  it('links a node to a record, naming it after the record only when it has no label', () => {
    const zone = newNode([], { kind: 'zone' }, { x: 0, y: 0 });
    const linked = linkNode(zone, 'zone', { id: 'z-1', name: 'Level 2 - Control' });
    expect(linked).toMatchObject({ type: 'zone', data: { kind: 'zone', record_id: 'z-1', label: 'Level 2 - Control' } });
    expect(awaitsRecord(linked)).toBe(false);
    const renamed = { ...linked, data: { ...linked.data, label: 'Cell 4 control' } };
    expect(linkNode(renamed, 'zone', { id: 'z-2', name: 'Other' }).data).toEqual({ kind: 'zone', record_id: 'z-2', label: 'Cell 4 control' });
  });

  it('unlinks a node back to a slot of its kind, dropping the unlinked mark', () => {
    const gone = markUnlinked([site], new Set(['site-1']))[0];
    if (!gone) throw new Error('no node');
    const slot = linkNode(gone, 'site', null);
    expect(slot).toMatchObject({ type: 'site', data: { label: 'Plant' } });
    expect(slot.data).not.toHaveProperty('record_id');
    expect(slot.data).not.toHaveProperty('unlinked');
    expect(awaitsRecord(slot)).toBe(true);
  });

  it('gives a new node an unused id', () => {
    const a = newNode([], { shape: 'box' }, { x: 0, y: 0 });
    const b = newNode([a, { ...a, id: 'node-2' }], { shape: 'box' }, { x: 0, y: 0 });
    expect(b.id).toBe('node-3');
  });

  it('treats selection and measuring as no change of content', () => {
    expect(changesContent([{ type: 'select' }, { type: 'dimensions' }])).toBe(false);
    expect(changesContent([{ type: 'select' }, { type: 'position' }])).toBe(true);
  });
});
