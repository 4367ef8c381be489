import { MarkerType, type Edge } from '@xyflow/react';

/** React Flow's edge types, as the editor names them. */
export const LINE_TYPES = [
  { value: 'default', label: 'Curved' },
  { value: 'smoothstep', label: 'Rounded steps' },
  { value: 'step', label: 'Steps' },
  { value: 'straight', label: 'Straight' },
] as const;
export type LineType = (typeof LINE_TYPES)[number]['value'];

/** Colours readable on the light and the dark theme; no colour follows the theme. */
export const EDGE_COLOURS = [
  { value: '', label: 'Default' },
  { value: '#64748b', label: 'Grey' },
  { value: '#dc2626', label: 'Red' },
  { value: '#d97706', label: 'Amber' },
  { value: '#16a34a', label: 'Green' },
  { value: '#2563eb', label: 'Blue' },
  { value: '#7c3aed', label: 'Violet' },
] as const;

export const EDGE_WIDTHS = [1, 2, 3, 4, 6] as const;

const DASH = '6 4';

/** How a connection looks, as the edge panel edits it. */
export interface EdgeLook {
  type: LineType;
  colour: string;
  width: number;
  dashed: boolean;
  arrow: boolean;
  label: string;
}

/** The look of a new connection. */
export const DEFAULT_LOOK: EdgeLook = { type: 'smoothstep', colour: '', width: 1, dashed: false, arrow: false, label: '' };

function isLineType(s: unknown): s is LineType {
  return LINE_TYPES.some((t) => t.value === s);
}

/** The look of a stored edge; what the editor does not offer reads as the default. */
export function edgeLook(e: Edge): EdgeLook {
  const style = e.style ?? {};
  const width = Number(style.strokeWidth);
  return {
    type: isLineType(e.type) ? e.type : 'default',
    colour: typeof style.stroke === 'string' ? style.stroke : '',
    width: Number.isFinite(width) && width > 0 ? width : 1,
    dashed: typeof style.strokeDasharray === 'string' && style.strokeDasharray !== '',
    arrow: e.markerEnd !== undefined,
    label: typeof e.label === 'string' ? e.label : '',
  };
}

/** The edge drawn with a look: only what differs from the default is stored. */
export function withLook(e: Edge, look: EdgeLook): Edge {
  const { style: _style, markerEnd: _marker, label: _label, ...rest } = e;
  const out: Edge = { ...rest, type: look.type };
  const style: NonNullable<Edge['style']> = {};
  if (look.colour) style.stroke = look.colour;
  if (look.width !== 1) style.strokeWidth = look.width;
  if (look.dashed) style.strokeDasharray = DASH;
  if (Object.keys(style).length > 0) out.style = style;
  if (look.arrow) out.markerEnd = look.colour ? { type: MarkerType.ArrowClosed, color: look.colour } : { type: MarkerType.ArrowClosed };
  if (look.label) out.label = look.label;
  return out;
}

/** The edge with some of its look changed: the panel changes one property of every selected edge. */
export function restyle(e: Edge, change: Partial<EdgeLook>): Edge {
  return withLook(e, { ...edgeLook(e), ...change });
}
