import { Handle, Position, type NodeProps } from '@xyflow/react';
import { cn } from '@monozu/ui';
import type { DiagramNode } from './canvas-model';

const KIND_STYLE: Record<string, string> = {
  site: 'border-primary',
  zone: 'border-sky-500',
  vlan: 'border-violet-500',
  asset: 'border-emerald-500',
};

/** A node of the canvas: its label and what it stands for; unlinked ones are marked. */
export function InventoryNode({ data, selected }: NodeProps<DiagramNode>) {
  const unlinked = data.unlinked === true;
  return (
    <div
      className={cn(
        'min-w-[120px] rounded-md border-2 bg-background px-3 py-2 text-xs shadow-sm',
        KIND_STYLE[data.kind ?? ''] ?? 'border-muted-foreground/40 border-dashed',
        unlinked && 'border-destructive bg-destructive/10',
        selected && 'ring-2 ring-ring',
      )}
    >
      <Handle type="target" position={Position.Top} />
      <div className="font-medium">{data.label || 'Unnamed'}</div>
      <div className="text-[10px] uppercase tracking-wide text-muted-foreground">
        {data.kind ?? 'note'}
        {unlinked && ' · unlinked'}
      </div>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export const nodeTypes = { site: InventoryNode, zone: InventoryNode, vlan: InventoryNode, asset: InventoryNode, note: InventoryNode, default: InventoryNode };
