import type { Edge } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOOK, edgeLook, restyle, withLook } from './edge-style';

const plain: Edge = { id: 'e', source: 'a', target: 'b', type: 'smoothstep', selected: true };

describe('edge style', () => {
  it('reads an edge without style as the default look', () => {
    expect(edgeLook(plain)).toEqual(DEFAULT_LOOK);
    expect(edgeLook({ id: 'e', source: 'a', target: 'b' }).type).toBe('default');
  });

  it('stores colour, width, dashes, arrow and label as React Flow draws them', () => {
    const e = withLook(plain, { type: 'straight', colour: '#dc2626', width: 3, dashed: true, arrow: true, label: 'fibre' });
    expect(e).toEqual({
      id: 'e',
      source: 'a',
      target: 'b',
      selected: true,
      type: 'straight',
      style: { stroke: '#dc2626', strokeWidth: 3, strokeDasharray: '6 4' },
      markerEnd: { type: 'arrowclosed', color: '#dc2626' },
      label: 'fibre',
    });
    expect(edgeLook(e)).toEqual({ type: 'straight', colour: '#dc2626', width: 3, dashed: true, arrow: true, label: 'fibre' });
  });

  it('changes one property and keeps the others', () => {
    const red = restyle(plain, { colour: '#dc2626', arrow: true });
    const dashed = restyle(red, { dashed: true });
    expect(edgeLook(dashed)).toEqual({ ...DEFAULT_LOOK, colour: '#dc2626', arrow: true, dashed: true });
  });

  it('drops what returns to the default', () => {
    const styled = withLook(plain, { type: 'step', colour: '#2563eb', width: 2, dashed: true, arrow: true, label: 'x' });
    const back = restyle(styled, { colour: '', width: 1, dashed: false, arrow: false, label: '' });
    expect(back).toEqual({ id: 'e', source: 'a', target: 'b', selected: true, type: 'step' });
  });
});
