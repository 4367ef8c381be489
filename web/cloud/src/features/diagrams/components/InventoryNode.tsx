import { Handle, Position, type NodeProps } from '@xyflow/react';
import { cn } from '@monozu/ui';
import { awaitsRecord, KIND_NAME, slotKind, withArticle, type DiagramNode } from './canvas-model';
import { KIND_STYLE, SHAPE_STYLE } from './node-style';

/**
 * A node of the canvas: its label and what it stands for. Nodes whose record is gone are marked
 * red; nodes from the palette that wait for their record say so.
 */
export function InventoryNode({ type, data, selected }: NodeProps<DiagramNode>) {
  const kind = slotKind({ type, data });
  const unlinked = data.unlinked === true;
  const awaiting = awaitsRecord({ type, data });
  const shape = data.shape ?? 'box';
  return (
    <div
      className={cn(
        'min-w-[120px] rounded-md border-2 bg-background px-3 py-2 text-xs shadow-sm',
        kind ? KIND_STYLE[kind] : SHAPE_STYLE[shape],
        awaiting && 'border-dashed',
        unlinked && 'border-destructive bg-destructive/10',
        selected && 'ring-2 ring-ring',
      )}
    >
      <Handle type="target" position={Position.Top} />
      <div className={cn('font-medium', shape === 'text' && !kind && 'text-sm')}>
        {data.label || (awaiting && kind ? <span className="italic text-muted-foreground">Choose {withArticle(kind)}</span> : 'Unnamed')}
      </div>
      {(kind || unlinked) && (
        <div className="text-[10px] uppercase tracking-wide text-muted-foreground">
          {kind ? KIND_NAME[kind] : 'note'}
          {unlinked && ' · unlinked'}
          {awaiting && ' · not linked yet'}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export const nodeTypes = { site: InventoryNode, zone: InventoryNode, vlan: InventoryNode, asset: InventoryNode, note: InventoryNode, default: InventoryNode };
