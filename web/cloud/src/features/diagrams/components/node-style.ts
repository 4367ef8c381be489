import type { InventoryKind, Shape } from './canvas-model';

/** The border colour of each inventory kind, shared by the canvas and the palette. */
export const KIND_STYLE: Record<InventoryKind, string> = {
  site: 'border-primary',
  zone: 'border-sky-500',
  vlan: 'border-violet-500',
  asset: 'border-emerald-500',
};

/** How each free shape is drawn. */
export const SHAPE_STYLE: Record<Shape, string> = {
  box: 'border-dashed border-muted-foreground/40',
  ellipse: 'rounded-[50%] border-muted-foreground/40 px-5',
  text: 'border-transparent bg-transparent shadow-none',
};
