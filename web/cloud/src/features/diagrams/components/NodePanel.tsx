import { errorMessage } from '@monozu/api';
import { Button, FormField, Input, Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { tenantKey } from '@monozu/api';
import { searchAssets } from '../api/diagrams';
import type { DiagramNode } from './canvas-model';

/** The selected node: its label, and which asset it stands for. */
export function NodePanel({ node, editable, onLabel, onLink }: { node: DiagramNode; editable: boolean; onLabel: (label: string) => void; onLink: (asset: { id: string; name: string } | null) => void }) {
  const t = useTenantId();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const found = useQuery({
    queryKey: tenantKey(t, 'assets', 'search', search),
    queryFn: ({ signal }) => searchAssets(search, signal),
    enabled: search !== '',
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(q.trim());
  };
  const kind = node.data.kind;
  return (
    <aside aria-label="Selected node" className="grid content-start gap-3 rounded-lg border p-3 text-sm">
      <h2 className="font-semibold">Node</h2>
      <FormField label="Label">
        <Input value={node.data.label ?? ''} onChange={(e) => onLabel(e.target.value)} disabled={!editable} maxLength={1000} />
      </FormField>
      <p className="text-muted-foreground">
        {kind ? (
          <>
            Stands for the {kind}{' '}
            {kind === 'asset' && node.data.record_id ? (
              <Link className="underline underline-offset-4" to={'/assets/' + node.data.record_id}>
                (open)
              </Link>
            ) : (
              <span className="font-mono text-xs">{node.data.record_id}</span>
            )}
          </>
        ) : (
          'Not linked to the inventory.'
        )}
      </p>
      {editable && (kind === undefined || kind === 'asset') && (
        <>
          <form onSubmit={submit} className="flex items-end gap-2" role="search" aria-label="Find an asset to link">
            <FormField label="Link to asset">
              <Input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, IP or MAC" />
            </FormField>
            <Button type="submit" variant="outline" size="sm">
              Find
            </Button>
          </form>
          {found.isFetching && <Spinner label="Searching…" />}
          {found.isError && <p className="text-destructive">{errorMessage(found.error)}</p>}
          {found.data && found.data.length === 0 && <p className="text-muted-foreground">No asset matches.</p>}
          <ul className="grid gap-1">
            {(found.data ?? []).map((a) => (
              <li key={a.id}>
                <Button variant="ghost" size="sm" className="w-full justify-start" onClick={() => onLink({ id: a.id, name: a.name })}>
                  {a.name} <span className="ml-2 text-muted-foreground">{a.site_name}</span>
                </Button>
              </li>
            ))}
          </ul>
          {kind === 'asset' && (
            <Button variant="outline" size="sm" onClick={() => onLink(null)}>
              Unlink
            </Button>
          )}
        </>
      )}
    </aside>
  );
}
