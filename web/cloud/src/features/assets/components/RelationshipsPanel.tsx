import { checkFields, errorMessage } from '@monozu/api';
import {
  Alert,
  Button,
  ConfirmDialog,
  FormField,
  Input,
  Select,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableState,
} from '@monozu/ui';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import * as z from 'zod/mini';
import { humanize } from '../../../lib/cmdb';
import { fieldErrorsOf } from '../../../lib/field-errors';
import { addRelationship, removeRelationship, RELATIONSHIP_TYPES, searchAssets, type Relationship, type RelationshipType } from '../api/assets';

const relationshipSchema = z.object({ target_asset_id: z.string().check(z.minLength(1, 'Choose the other asset.')) });

export interface RelationshipsPanelProps {
  assetId: string;
  items: Relationship[];
  canEdit: boolean;
  onChanged: () => void;
}

export function RelationshipsPanel({ assetId, items, canEdit, onChanged }: RelationshipsPanelProps) {
  const [removing, setRemoving] = useState<Relationship | null>(null);
  const remove = useMutation({
    mutationFn: (rid: string) => removeRelationship(assetId, rid),
    onSuccess: () => {
      setRemoving(null);
      onChanged();
    },
  });
  return (
    <div className="grid gap-4">
      <Table>
        <TableCaption>Relationships</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Direction</TableHead>
            <TableHead>Type</TableHead>
            <TableHead>Asset</TableHead>
            <TableHead>Site</TableHead>
            <TableHead>Note</TableHead>
            {canEdit && <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState colSpan={canEdit ? 6 : 5} empty={items.length === 0} emptyMessage="No relationships yet." />
          {items.map((r) => (
            <TableRow key={r.id}>
              <TableCell>{r.direction === 'outgoing' ? 'This asset →' : '→ This asset'}</TableCell>
              <TableCell>{humanize(r.type)}</TableCell>
              <TableCell>
                <Link className="underline-offset-4 hover:underline" to={'/assets/' + r.other_asset_id}>
                  {r.other_asset_name}
                </Link>
              </TableCell>
              <TableCell>{r.other_asset_site_name}</TableCell>
              <TableCell>{r.note || '—'}</TableCell>
              {canEdit && (
                <TableCell className="text-right">
                  <Button size="sm" variant="ghost" onClick={() => setRemoving(r)} aria-label={'Remove relationship with ' + r.other_asset_name}>
                    Remove
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {remove.isError && <Alert variant="destructive">{errorMessage(remove.error)}</Alert>}
      {canEdit && <AddRelationshipForm assetId={assetId} onAdded={onChanged} />}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(o) => !o && setRemoving(null)}
        title="Remove relationship?"
        description={removing ? humanize(removing.type) + ' with ' + removing.other_asset_name + ' will be removed.' : ''}
        confirmLabel="Remove"
        destructive
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.id)}
      />
    </div>
  );
}

function AddRelationshipForm({ assetId, onAdded }: { assetId: string; onAdded: () => void }) {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [target, setTarget] = useState('');
  const [type, setType] = useState<RelationshipType>('connected_to');
  const [note, setNote] = useState('');
  const [clientError, setClientError] = useState<string | undefined>();
  const candidates = useQuery({
    queryKey: ['asset-picker', search],
    queryFn: ({ signal }) => searchAssets(search, signal),
    enabled: search.length > 0,
  });
  const add = useMutation({
    mutationFn: () => addRelationship(assetId, { target_asset_id: target, type, note: note.trim() }),
    onSuccess: () => {
      setTarget('');
      setNote('');
      onAdded();
    },
  });
  const fe = fieldErrorsOf(add.error).fields;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { target_asset_id } = checkFields(relationshipSchema, { target_asset_id: target });
    setClientError(target_asset_id);
    if (!target_asset_id) add.mutate();
  };
  const options = (candidates.data ?? []).filter((a) => a.id !== assetId);
  return (
    <form onSubmit={submit} className="grid gap-3 rounded-lg border p-4 md:grid-cols-2" aria-label="Add relationship">
      <h3 className="font-semibold md:col-span-2">Add a relationship</h3>
      <FormField label="Find asset" hint="Type a name, IP or hostname and press Search.">
        <Input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              setSearch(q.trim());
            }
          }}
        />
      </FormField>
      <div className="flex items-end">
        <Button type="button" variant="outline" onClick={() => setSearch(q.trim())} loading={candidates.isFetching}>
          Search
        </Button>
      </div>
      <FormField label="Other asset" error={clientError ?? fe.target_asset_id}>
        <Select value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{search ? (options.length ? 'Choose…' : 'No matches') : 'Search first'}</option>
          {options.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.site_name})
            </option>
          ))}
        </Select>
      </FormField>
      <FormField label="Type" error={fe.type}>
        <Select value={type} onChange={(e) => setType(e.target.value as RelationshipType)}>
          {RELATIONSHIP_TYPES.map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </Select>
      </FormField>
      <FormField label="Note" error={fe.note} className="md:col-span-2">
        <Input value={note} onChange={(e) => setNote(e.target.value)} />
      </FormField>
      {add.isError && !Object.keys(fe).length && (
        <Alert variant="destructive" className="md:col-span-2">
          {errorMessage(add.error)}
        </Alert>
      )}
      <div>
        <Button type="submit" loading={add.isPending}>
          Add relationship
        </Button>
      </div>
    </form>
  );
}
