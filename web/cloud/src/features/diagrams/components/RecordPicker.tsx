import { errorMessage, tenantKey } from '@monozu/api';
import { Button, FormField, Input, Spinner } from '@monozu/ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useDebouncedValue } from '../../../hooks/useDebouncedValue';
import { useTenantId } from '../../../hooks/useMe';
import { findRecords, type RecordOption } from '../api/diagrams';
import { KIND_NAME, recordKeyOf, type InventoryKind } from './canvas-model';

const SEARCH_DEBOUNCE_MS = 250;

const PLACEHOLDER: Record<InventoryKind, string> = {
  site: 'Name or code',
  zone: 'Name',
  vlan: 'Number, name or network',
  asset: 'Name, IP or MAC',
};

/**
 * Lists the records of a kind a node may stand for, narrowed as one types; zones, VLANs and assets
 * come from the diagram's site unless the user widens the search.
 */
export function RecordPicker({ kind, siteId, drawn, title, onPick }: { kind: InventoryKind; siteId: string; drawn: ReadonlySet<string>; title: string; onPick: (record: RecordOption) => void }) {
  const t = useTenantId();
  const [text, setText] = useState('');
  const [thisSite, setThisSite] = useState(true);
  const q = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const scope = kind !== 'site' && thisSite ? siteId : undefined;
  const found = useQuery({
    queryKey: tenantKey(t, 'diagrams', 'records', kind, scope ?? 'any site', q),
    queryFn: ({ signal }) => findRecords(kind, q, scope, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const name = KIND_NAME[kind];
  return (
    <section aria-label={title} className="grid gap-2">
      <FormField label={title}>
        <Input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={PLACEHOLDER[kind]} />
      </FormField>
      {kind !== 'site' && (
        <label className="flex items-center gap-2">
          <input type="checkbox" className="h-4 w-4" checked={thisSite} onChange={(e) => setThisSite(e.target.checked)} />
          Only this diagram’s site
        </label>
      )}
      {found.isPending && <Spinner label={'Looking for a ' + name + '…'} />}
      {found.isError && <p className="text-destructive">{errorMessage(found.error)}</p>}
      {found.data?.length === 0 && <p className="text-muted-foreground">No {name} matches{scope ? ' in this site' : ''}.</p>}
      <ul className="grid max-h-64 gap-1 overflow-y-auto" aria-busy={found.isFetching}>
        {(found.data ?? []).map((r) => (
          <li key={r.id}>
            <Button variant="ghost" size="sm" className="h-auto w-full flex-col items-start py-1.5 text-left" onClick={() => onPick(r)}>
              <span>{r.name}</span>
              {r.detail && <span className="text-xs font-normal text-muted-foreground">{r.detail}</span>}
              {drawn.has(recordKeyOf(kind, r.id)) && <span className="text-xs font-normal text-muted-foreground">Already on this diagram</span>}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
