import { Spinner } from '@monozu/ui';
import type { Vlan } from '../../../lib/cmdb';
import { vlanLabel, vlansForSite } from './vlan-options';

export interface VlanMultiSelectProps {
  vlans: readonly Vlan[];
  loading: boolean;
  siteId: string;
  value: readonly string[];
  onChange: (next: string[]) => void;
  /** Errors by index into value (the server's `vlan_ids[i]`). */
  itemErrors?: Readonly<Record<number, string>>;
  error?: string;
}

/** Checkboxes for the VLANs the asset's site may use (its own and zone-less ones), in a fieldset. */
export function VlanMultiSelect({ vlans, loading, siteId, value, onChange, itemErrors, error }: VlanMultiSelectProps) {
  const options = vlansForSite(vlans, siteId);
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((x) => x !== id));
  return (
    <fieldset className="grid gap-1.5" aria-invalid={error ? true : undefined}>
      <legend className="mb-1 text-sm font-medium">VLANs</legend>
      {loading ? (
        <Spinner label="Loading VLANs…" />
      ) : !siteId ? (
        <p className="text-xs text-muted-foreground">Choose a site first.</p>
      ) : options.length === 0 ? (
        <p className="text-xs text-muted-foreground">This site has no VLANs.</p>
      ) : (
        <div className="max-h-56 overflow-auto rounded-md border p-2">
          {options.map((v) => {
            const idx = value.indexOf(v.id);
            const msg = idx >= 0 ? itemErrors?.[idx] : undefined;
            return (
              <div key={v.id} className="py-0.5">
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={idx >= 0} onChange={(e) => toggle(v.id, e.target.checked)} aria-invalid={msg ? true : undefined} />
                  <span>{vlanLabel(v)}</span>
                  {v.site_id === null && <span className="text-xs text-muted-foreground">(any site)</span>}
                </label>
                {msg && <p className="ml-6 text-xs font-medium text-destructive">{msg}</p>}
              </div>
            );
          })}
        </div>
      )}
      {value
        .map((id, i) => ({ id, i }))
        .filter(({ id, i }) => itemErrors?.[i] && !options.some((o) => o.id === id))
        .map(({ id, i }) => (
          <p key={id} className="text-xs font-medium text-destructive">
            Selected VLAN {i + 1}: {itemErrors?.[i]}
          </p>
        ))}
      {error && <p className="text-xs font-medium text-destructive">{error}</p>}
    </fieldset>
  );
}
