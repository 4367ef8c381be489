import { Button, FormField, Input, Select } from '@monozu/ui';
import type { Edge } from '@xyflow/react';
import { EDGE_COLOURS, EDGE_WIDTHS, edgeLook, type EdgeLook } from './edge-style';
import { LineTypeSelect } from './LineTypeSelect';

export interface EdgePanelProps {
  /** The selected connections; the panel shows the first one's look and changes all of them. */
  edges: readonly Edge[];
  editable: boolean;
  onChange: (change: Partial<EdgeLook>) => void;
  onRemove: () => void;
}

/** The selected connections: label, line type, colour, width, dashes and arrow. */
export function EdgePanel({ edges, editable, onChange, onRemove }: EdgePanelProps) {
  const first = edges[0];
  if (!first) return null;
  const look = edgeLook(first);
  const many = edges.length > 1;
  return (
    <aside aria-label="Selected connections" className="grid content-start gap-3 rounded-lg border p-3 text-sm">
      <h2 className="font-semibold">{many ? String(edges.length) + ' connections' : 'Connection'}</h2>
      {many && <p className="text-muted-foreground">Each change applies to every selected connection.</p>}
      <FormField label="Label">
        <Input value={look.label} onChange={(e) => onChange({ label: e.target.value })} disabled={!editable} maxLength={200} />
      </FormField>
      <FormField label="Line">
        <LineTypeSelect value={look.type} onChange={(type) => onChange({ type })} disabled={!editable} />
      </FormField>
      <FormField label="Colour">
        <Select value={look.colour} onChange={(e) => onChange({ colour: e.target.value })} disabled={!editable}>
          {EDGE_COLOURS.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
          {!EDGE_COLOURS.some((c) => c.value === look.colour) && <option value={look.colour}>{look.colour}</option>}
        </Select>
      </FormField>
      <FormField label="Width">
        <Select value={String(look.width)} onChange={(e) => onChange({ width: Number(e.target.value) })} disabled={!editable}>
          {EDGE_WIDTHS.map((w) => (
            <option key={w} value={String(w)}>
              {String(w)} px
            </option>
          ))}
          {!(EDGE_WIDTHS as readonly number[]).includes(look.width) && <option value={String(look.width)}>{String(look.width)} px</option>}
        </Select>
      </FormField>
      <label className="flex items-center gap-2">
        <input type="checkbox" className="h-4 w-4" checked={look.dashed} onChange={(e) => onChange({ dashed: e.target.checked })} disabled={!editable} />
        Dashed
      </label>
      <label className="flex items-center gap-2">
        <input type="checkbox" className="h-4 w-4" checked={look.arrow} onChange={(e) => onChange({ arrow: e.target.checked })} disabled={!editable} />
        Arrow at the end
      </label>
      {editable && (
        <Button variant="outline" size="sm" onClick={onRemove}>
          Remove {many ? 'connections' : 'connection'}
        </Button>
      )}
    </aside>
  );
}
