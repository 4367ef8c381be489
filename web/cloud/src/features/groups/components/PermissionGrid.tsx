import { useEffect, useRef } from 'react';
import { areaState, groupByArea, toggleArea, toggleKey, type CataloguePermission, type PermissionArea } from './permission-model';

export interface PermissionGridProps {
  /** The keys offered, in catalogue order. */
  offered: readonly string[];
  /** The API's catalogue, which gives each key its area. */
  catalogue: readonly CataloguePermission[];
  /** The checked keys. */
  value: readonly string[];
  onChange: (next: string[]) => void;
  /** Keys the caller may add (those they hold); others can only be removed. */
  grantable: (key: string) => boolean;
  disabled?: boolean;
}

function AreaBox({ area, state, disabled, onToggle }: { area: PermissionArea; state: 'all' | 'none' | 'some'; disabled: boolean; onToggle: (on: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <label className="flex items-center gap-2 font-semibold">
      <input ref={ref} type="checkbox" className="h-4 w-4" checked={state === 'all'} aria-checked={state === 'some' ? 'mixed' : state === 'all'} disabled={disabled} onChange={(e) => onToggle(e.target.checked)} />
      {area.area}
    </label>
  );
}

/** Permission checkboxes grouped by area, each area with a box for all of its keys. */
export function PermissionGrid({ offered, catalogue, value, onChange, grantable, disabled = false }: PermissionGridProps) {
  const areas = groupByArea(offered, catalogue);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {areas.map((area) => (
        <fieldset key={area.area} className="rounded-lg border p-3">
          <legend className="px-1">
            <AreaBox area={area} state={areaState(value, area)} disabled={disabled} onToggle={(on) => onChange(toggleArea(value, area, on, offered, grantable))} />
          </legend>
          <ul className="mt-1 grid gap-1">
            {area.keys.map((k) => {
              const checked = value.includes(k);
              const locked = disabled || (!checked && !grantable(k));
              return (
                <li key={k}>
                  <label className="flex items-center gap-2 text-sm" title={locked && !disabled ? 'You do not hold this permission yourself' : undefined}>
                    <input type="checkbox" className="h-4 w-4" checked={checked} disabled={locked} onChange={(e) => onChange(toggleKey(value, k, e.target.checked, offered))} />
                    <span className="font-mono">{k}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}
