import { checkFields, errorMessage, tenantKey } from '@monozu/api';
import {
  Alert,
  Button,
  ConfirmDialog,
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  FormField,
  Input,
  PageHeader,
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
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import * as z from 'zod/mini';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { CRITICALITIES, TYPES_BY_CATEGORY, formatDateTime, humanize, siteOptionsQuery, type Asset, type Category } from '../../../lib/cmdb';
import { fieldErrorsOf } from '../../../lib/field-errors';
import { filled } from '../../../lib/validation';
import { approveDevice, discoveredQuery, ignoreDevice, mergeDevice, searchReviewed, type Approval } from '../api/discovered';

const approvalSchema = z.object({ name: z.string().check(filled('Enter a name.')) });

const mergeSchema = z.object({ into_asset_id: z.string().check(z.minLength(1, 'Choose the asset to merge into.')) });

function ApproveDialog({ device, onClose, onDone }: { device: Asset; onClose: () => void; onDone: () => void }) {
  const [v, setV] = useState<Approval>({
    version: device.version,
    name: device.name,
    category: device.category,
    type: device.type,
    lifecycle: 'active',
    criticality: device.criticality,
  });
  const [nameError, setNameError] = useState<string>();
  const approve = useMutation({ mutationFn: () => approveDevice(device.id, { ...v, name: v.name.trim() }), onSuccess: onDone });
  const fe = fieldErrorsOf(approve.error).fields;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { name } = checkFields(approvalSchema, v);
    setNameError(name);
    if (!name) approve.mutate();
  };
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Approve {device.name}</DialogTitle>
          <DialogDescription>The device becomes an asset of {device.site_name}; the observed values are kept.</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} noValidate className="grid gap-3">
          {approve.isError && !Object.keys(fe).length && <Alert variant="destructive">{errorMessage(approve.error)}</Alert>}
          <FormField label="Name" error={nameError ?? fe.name}>
            <Input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
          </FormField>
          <div className="grid grid-cols-2 gap-3">
            <FormField label="Category" error={fe.category}>
              <Select
                value={v.category}
                onChange={(e) => {
                  const c = e.target.value as Category;
                  setV({ ...v, category: c, type: TYPES_BY_CATEGORY[c].includes(v.type) ? v.type : (TYPES_BY_CATEGORY[c].at(-1) ?? '') });
                }}
              >
                <option value="it">IT</option>
                <option value="ot">OT</option>
              </Select>
            </FormField>
            <FormField label="Type" error={fe.type}>
              <Select value={v.type} onChange={(e) => setV({ ...v, type: e.target.value })}>
                {TYPES_BY_CATEGORY[v.category].map((t) => (
                  <option key={t} value={t}>
                    {humanize(t)}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Lifecycle" error={fe.lifecycle}>
              <Select value={v.lifecycle} onChange={(e) => setV({ ...v, lifecycle: e.target.value === 'planned' ? 'planned' : 'active' })}>
                <option value="active">Active</option>
                <option value="planned">Planned</option>
              </Select>
            </FormField>
            <FormField label="Criticality" error={fe.criticality}>
              <Select value={v.criticality} onChange={(e) => setV({ ...v, criticality: e.target.value as Approval['criticality'] })}>
                {CRITICALITIES.map((c) => (
                  <option key={c} value={c}>
                    {humanize(c)}
                  </option>
                ))}
              </Select>
            </FormField>
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={approve.isPending}>
              Approve
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function MergeDialog({ device, onClose, onDone }: { device: Asset; onClose: () => void; onDone: () => void }) {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [target, setTarget] = useState('');
  const [pickError, setPickError] = useState<string>();
  const candidates = useQuery({ queryKey: ['merge-targets', device.site_id, search], queryFn: ({ signal }) => searchReviewed(search, device.site_id, signal) });
  const merge = useMutation({ mutationFn: () => mergeDevice(device.id, target), onSuccess: onDone });
  const fe = fieldErrorsOf(merge.error).fields;
  const options = (candidates.data ?? []).filter((a) => a.id !== device.id);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Merge {device.name}</DialogTitle>
          <DialogDescription>Its addresses and observations move to the asset you pick; the discovered record is removed.</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const { into_asset_id } = checkFields(mergeSchema, { into_asset_id: target });
            setPickError(into_asset_id);
            if (!into_asset_id) merge.mutate();
          }}
        >
          {merge.isError && !fe.into_asset_id && <Alert variant="destructive">{errorMessage(merge.error)}</Alert>}
          <div className="flex items-end gap-2">
            <FormField label="Search assets in this site" className="flex-1">
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
            <Button type="button" variant="outline" onClick={() => setSearch(q.trim())} loading={candidates.isFetching}>
              Search
            </Button>
          </div>
          <FormField label="Merge into" error={pickError ?? fe.into_asset_id}>
            <Select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">{candidates.isPending ? 'Loading…' : options.length ? 'Choose an asset…' : 'No matching assets'}</option>
              {options.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} {a.ip_addresses.length ? '(' + a.ip_addresses.join(', ') + ')' : ''}
                </option>
              ))}
            </Select>
          </FormField>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={merge.isPending}>
              Merge
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The review queue of devices discovery found. */
export function DiscoveredPage() {
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const f = { site_id: params.get('site_id') || undefined, q: params.get('q') || undefined };
  const list = useInfiniteQuery(discoveredQuery(t, f));
  const sites = useQuery(siteOptionsQuery(t));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [q, setQ] = useState(f.q ?? '');
  const [action, setAction] = useState<{ kind: 'approve' | 'merge' | 'ignore'; device: Asset } | null>(null);
  const done = () => {
    setAction(null);
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'discovered') });
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'assets') });
  };
  const ignore = useMutation({ mutationFn: (id: string) => ignoreDevice(id), onSuccess: done });
  const setFilter = (k: 'site_id' | 'q', v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const edit = can('assets.update');
  return (
    <>
      <PageHeader title="Discovered devices" description="Devices discovery found that match no asset: approve, merge into an asset, or ignore." />
      <form
        role="search"
        aria-label="Filter discovered devices"
        className="mb-4 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('q', q.trim());
        }}
      >
        <FormField label="Search">
          <Input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, IP, MAC" />
        </FormField>
        <FormField label="Site">
          <Select value={f.site_id ?? ''} onChange={(e) => setFilter('site_id', e.target.value)}>
            <option value="">All sites</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <Button type="submit">Search</Button>
      </form>
      <Table>
        <TableCaption>Discovered devices</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Site</TableHead>
            <TableHead>Addresses</TableHead>
            <TableHead>Vendor / model</TableHead>
            <TableHead>Type</TableHead>
            <TableHead>Last seen</TableHead>
            {edit && (
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          <TableState
            colSpan={edit ? 7 : 6}
            loading={list.isPending}
            error={list.isError && items.length === 0 ? errorMessage(list.error) : null}
            onRetry={() => void list.refetch()}
            empty={items.length === 0}
            emptyMessage="No devices await review."
          />
          {items.map((d) => (
            <TableRow key={d.id}>
              <TableCell className="font-medium">
                <Link to={'/assets/' + d.id} className="hover:underline">
                  {d.name}
                </Link>
              </TableCell>
              <TableCell>{d.site_name}</TableCell>
              <TableCell className="font-mono text-xs">{[...d.ip_addresses, ...d.mac_addresses].join(', ') || '—'}</TableCell>
              <TableCell>{[d.vendor_name, d.model].filter(Boolean).join(' ') || '—'}</TableCell>
              <TableCell>
                {d.category.toUpperCase()} · {humanize(d.type)}
              </TableCell>
              <TableCell>{formatDateTime(d.last_seen)}</TableCell>
              {edit && (
                <TableCell className="whitespace-nowrap text-right">
                  <Button size="sm" variant="outline" onClick={() => setAction({ kind: 'approve', device: d })}>
                    Approve
                  </Button>{' '}
                  <Button size="sm" variant="ghost" onClick={() => setAction({ kind: 'merge', device: d })}>
                    Merge
                  </Button>{' '}
                  <Button size="sm" variant="ghost" onClick={() => { ignore.reset(); setAction({ kind: 'ignore', device: d }); }}>
                    Ignore
                  </Button>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className="mt-4 flex items-center gap-4" aria-live="polite">
        {list.hasNextPage && (
          <Button variant="outline" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
      {action?.kind === 'approve' && <ApproveDialog device={action.device} onClose={() => setAction(null)} onDone={done} />}
      {action?.kind === 'merge' && <MergeDialog device={action.device} onClose={() => setAction(null)} onDone={done} />}
      <ConfirmDialog
        open={action?.kind === 'ignore'}
        onOpenChange={(o) => !o && setAction(null)}
        title={'Ignore ' + (action?.device.name ?? '') + '?'}
        description={
          ignore.isError ? (
            <span className="text-destructive">{errorMessage(ignore.error)}</span>
          ) : (
            'The device is removed from the queue and later sightings of its MAC address (or, without one, its IP in this site) are ignored.'
          )
        }
        confirmLabel="Ignore device"
        destructive
        busy={ignore.isPending}
        onConfirm={() => action && ignore.mutate(action.device.id)}
      />
    </>
  );
}
