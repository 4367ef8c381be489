import { errorMessage } from '@monozu/api';
import { Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useTenantId } from '../../../hooks/useMe';
import { groupOptionsQuery } from '../../../lib/identity';

/** Checkboxes for the groups an invited user joins. */
export function GroupChecklist({ value, onChange, error }: { value: readonly string[]; onChange: (ids: string[]) => void; error?: string }) {
  const t = useTenantId();
  const groups = useQuery(groupOptionsQuery(t));
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">Groups</legend>
      <p className="text-xs text-muted-foreground">With none, the user joins Read only.</p>
      {groups.isPending && <Spinner label="Loading groups…" />}
      {groups.isError && <p className="text-sm text-destructive">{errorMessage(groups.error)}</p>}
      {(groups.data ?? []).map((g) => (
        <label key={g.id} className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="h-4 w-4"
            checked={value.includes(g.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, g.id] : value.filter((id) => id !== g.id))}
          />
          {g.name}
          {g.description && <span className="text-muted-foreground">— {g.description}</span>}
        </label>
      ))}
      {error && <p className="text-xs font-medium text-destructive">{error}</p>}
    </fieldset>
  );
}
