import { cn } from '@monozu/ui';
import type { DragEvent } from 'react';
import type { PaletteItem } from './canvas-model';
import { KIND_STYLE, SHAPE_STYLE } from './node-style';

/** The drag payload type: the title of a palette item. */
export const PALETTE_MIME = 'application/x-monozu-palette';

const ITEMS: { item: PaletteItem; title: string; action: string }[] = [
  { item: { kind: 'site' }, title: 'Site', action: 'Add a site' },
  { item: { kind: 'zone' }, title: 'Zone', action: 'Add a zone' },
  { item: { kind: 'vlan' }, title: 'VLAN', action: 'Add a VLAN' },
  { item: { kind: 'asset' }, title: 'Asset', action: 'Add an asset' },
  { item: { shape: 'box' }, title: 'Box', action: 'Add a box' },
  { item: { shape: 'ellipse' }, title: 'Ellipse', action: 'Add an ellipse' },
  { item: { shape: 'text' }, title: 'Text', action: 'Add a text' },
];

/** The palette item a drop carries (by its title), or null when the drop is something else. */
export function droppedItem(e: DragEvent): PaletteItem | null {
  const title = e.dataTransfer.getData(PALETTE_MIME);
  return ITEMS.find((i) => i.title === title)?.item ?? null;
}

/** What can be placed on the canvas: drag an item onto it, or click (or press Enter on) one to place it in the middle. */
export function Palette({ onAdd }: { onAdd: (item: PaletteItem) => void }) {
  return (
    <div role="group" aria-label="Palette" className="flex flex-wrap items-center gap-1.5">
      <span className="text-sm text-muted-foreground">Add:</span>
      {ITEMS.map(({ item, title, action }) => (
        <button
          key={title}
          type="button"
          draggable
          title={action + ': drag it onto the canvas, or click to place it in the middle'}
          aria-label={action}
          onDragStart={(e) => {
            e.dataTransfer.setData(PALETTE_MIME, title);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onAdd(item)}
          className={cn(
            'cursor-grab rounded-md border-2 bg-background px-2.5 py-1 text-xs font-medium shadow-sm hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring active:cursor-grabbing',
            'kind' in item ? KIND_STYLE[item.kind] : SHAPE_STYLE[item.shape],
          )}
        >
          {title}
        </button>
      ))}
    </div>
  );
}
