import { Button, FormField, Input, Select } from '@monozu/ui';
import { Link } from 'react-router-dom';
import type { RecordOption } from '../api/diagrams';
import { KIND_NAME, SHAPES, slotKind, withArticle, type DiagramNode, type InventoryKind, type Shape } from './canvas-model';
import { RecordPicker } from './RecordPicker';

const SHAPE_NAME: Record<Shape, string> = { box: 'Box', ellipse: 'Ellipse', text: 'Text only' };

/** Where a record opens in the app; zones and VLANs are edited in their lists. */
function recordPath(kind: InventoryKind, id: string): string | null {
  if (kind === 'site') return '/sites/' + id;
  if (kind === 'asset') return '/assets/' + id;
  return null;
}

function LinkStatus({ node, kind }: { node: DiagramNode; kind: InventoryKind }) {
  const id = node.data.record_id;
  const name = KIND_NAME[kind];
  if (!id) return <p className="text-muted-foreground">Not linked yet: choose the {name} this node stands for.</p>;
  if (node.data.unlinked) return <p className="text-destructive">The {name} this node stood for no longer exists. Link it to another or remove the node.</p>;
  const path = recordPath(kind, id);
  return (
    <p className="text-muted-foreground">
      Stands for {withArticle(kind)} of the inventory.{' '}
      {path && (
        <Link className="underline underline-offset-4" to={path}>
          Open it
        </Link>
      )}
    </p>
  );
}

export interface NodePanelProps {
  node: DiagramNode;
  /** The diagram's site: record pickers look there first. */
  siteId: string;
  /** The records the canvas already draws ("asset:<id>"), marked in the picker. */
  drawn: ReadonlySet<string>;
  editable: boolean;
  onLabel: (label: string) => void;
  onShape: (shape: Shape) => void;
  onLink: (kind: InventoryKind, record: RecordOption | null) => void;
  onRemove: () => void;
}

/** The selected node: its label, and the record it stands for (or its shape, for a free node). */
export function NodePanel({ node, siteId, drawn, editable, onLabel, onShape, onLink, onRemove }: NodePanelProps) {
  const kind = slotKind(node);
  return (
    <aside aria-label="Selected node" className="grid content-start gap-3 rounded-lg border p-3 text-sm">
      <h2 className="font-semibold">{kind ? 'Node: ' + KIND_NAME[kind] : 'Free shape'}</h2>
      <FormField label="Label">
        <Input value={node.data.label ?? ''} onChange={(e) => onLabel(e.target.value)} disabled={!editable} maxLength={1000} />
      </FormField>
      {kind ? (
        <LinkStatus node={node} kind={kind} />
      ) : (
        <FormField label="Shape">
          <Select value={node.data.shape ?? 'box'} onChange={(e) => onShape(e.target.value as Shape)} disabled={!editable}>
            {SHAPES.map((s) => (
              <option key={s} value={s}>
                {SHAPE_NAME[s]}
              </option>
            ))}
          </Select>
        </FormField>
      )}
      {editable && kind && (
        <RecordPicker
          key={node.id + kind}
          kind={kind}
          siteId={siteId}
          drawn={drawn}
          title={node.data.record_id ? 'Link to another ' + KIND_NAME[kind] : 'Find the ' + KIND_NAME[kind]}
          onPick={(r) => onLink(kind, r)}
        />
      )}
      {editable && (
        <div className="flex flex-wrap gap-2">
          {kind && node.data.record_id && (
            <Button variant="outline" size="sm" onClick={() => onLink(kind, null)}>
              Unlink
            </Button>
          )}
          <Button variant="outline" size="sm" onClick={onRemove}>
            Remove from diagram
          </Button>
        </div>
      )}
    </aside>
  );
}
