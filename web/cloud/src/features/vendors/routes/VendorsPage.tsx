import { errorMessage, isApiError, tenantKey } from '@monozu/api';
import { Button, ConfirmDialog, DataTable, FormField, Input, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { FormDialog } from '../../../components/FormDialog';
import { useCan } from '../../../hooks/useCan';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import type { Vendor } from '../../../lib/cmdb';
import { createVendor, deleteVendor, updateVendor, validateVendor, vendorsQuery, type VendorInput } from '../api/vendors';

function VendorDialog({ vendor, onClose, onDone }: { vendor?: Vendor; onClose: () => void; onDone: () => void }) {
  const [v, setV] = useState<VendorInput>({
    name: vendor?.name ?? '',
    website: vendor?.website ?? '',
    support_contact: vendor?.support_contact ?? '',
    advisory_url: vendor?.advisory_url ?? '',
    cpe_vendor: vendor?.cpe_vendor ?? '',
  });
  const save = useMutation({ mutationFn: (b: VendorInput) => (vendor ? updateVendor(vendor.id, vendor.version, b) : createVendor(b)), onSuccess: onDone });
  const { err, check } = useFieldErrors(save.error);
  const set = (k: keyof VendorInput) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = () => {
    const b: VendorInput = { name: v.name.trim(), website: v.website.trim(), support_contact: v.support_contact.trim(), advisory_url: v.advisory_url.trim(), cpe_vendor: v.cpe_vendor.trim() };
    if (check(validateVendor(b))) save.mutate(b);
  };
  return (
    <FormDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={vendor ? 'Edit vendor' : 'New vendor'}
      description="Producers of your assets; the CPE vendor name is used for CPE suggestions."
      busy={save.isPending}
      error={save.error}
      shownFields={['name', 'website', 'support_contact', 'advisory_url', 'cpe_vendor']}
      submitLabel={vendor ? 'Save' : 'Create vendor'}
      onSubmit={submit}
    >
      <FormField label="Name" error={err('name')}>
        <Input value={v.name} onChange={set('name')} maxLength={200} />
      </FormField>
      <FormField label="Website" error={err('website')}>
        <Input type="url" value={v.website} onChange={set('website')} placeholder="https://" />
      </FormField>
      <FormField label="Support contact" error={err('support_contact')}>
        <Input value={v.support_contact} onChange={set('support_contact')} maxLength={500} />
      </FormField>
      <FormField label="Security advisory URL" error={err('advisory_url')}>
        <Input type="url" value={v.advisory_url} onChange={set('advisory_url')} placeholder="https://" />
      </FormField>
      <FormField label="CPE vendor name" hint="As in CPE 2.3 names, e.g. siemens" error={err('cpe_vendor')}>
        <Input value={v.cpe_vendor} onChange={set('cpe_vendor')} className="font-mono" maxLength={100} />
      </FormField>
    </FormDialog>
  );
}

export function VendorsPage() {
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const list = useInfiniteQuery(vendorsQuery(t, query));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [q, setQ] = useState(query);
  const [editing, setEditing] = useState<Vendor | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Vendor | null>(null);
  const changed = () => {
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'vendors') });
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'options') });
  };
  const del = useMutation({
    mutationFn: (id: string) => deleteVendor(id),
    onSuccess: () => {
      setDeleting(null);
      changed();
    },
  });
  return (
    <>
      <PageHeader title="Vendors" description="Producers of your hardware and software." actions={can('vendors.create') && <Button onClick={() => setEditing('new')}>New vendor</Button>} />
      <form
        role="search"
        aria-label="Filter vendors"
        className="mb-4 flex items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(q.trim() ? { q: q.trim() } : {}, { replace: true });
        }}
      >
        <FormField label="Search">
          <Input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </FormField>
        <Button type="submit">Search</Button>
      </form>
      <DataTable caption="Vendors" columns={['Name', 'CPE vendor', 'Support', 'Assets', { label: 'Actions', srOnly: true }]} query={list} empty={items.length === 0} emptyMessage={query ? 'No vendors match.' : 'No vendors yet.'}>
        {items.map((v) => (
          <TableRow key={v.id}>
            <TableCell className="font-medium">
              {v.website ? (
                <a href={v.website} target="_blank" rel="noreferrer noopener" className="hover:underline">
                  {v.name}
                </a>
              ) : (
                v.name
              )}
            </TableCell>
            <TableCell className="font-mono text-xs">{v.cpe_vendor || '—'}</TableCell>
            <TableCell>{v.support_contact || '—'}</TableCell>
            <TableCell>
              <Link className="hover:underline" to={'/assets?vendor_id=' + v.id}>
                {v.asset_count}
              </Link>
            </TableCell>
            <TableCell className="whitespace-nowrap text-right">
              {can('vendors.update') && (
                <Button size="sm" variant="ghost" onClick={() => setEditing(v)} aria-label={'Edit vendor ' + v.name}>
                  Edit
                </Button>
              )}
              {can('vendors.delete') && (
                <Button size="sm" variant="ghost" onClick={() => { del.reset(); setDeleting(v); }} aria-label={'Delete vendor ' + v.name}>
                  Delete
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </DataTable>
      <div className="mt-4" aria-live="polite">
        {list.hasNextPage && (
          <Button variant="outline" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
      {editing && (
        <VendorDialog
          vendor={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            changed();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={'Delete vendor ' + (deleting?.name ?? '') + '?'}
        description="This cannot be undone."
        error={
          del.error && (
            <>
              {errorMessage(del.error)}
              {isApiError(del.error) && del.error.code === 'has_dependants' && ' (' + Object.values(del.error.fieldErrors).join(', ') + ')'}
            </>
          )
        }
        confirmLabel="Delete"
        destructive
        busy={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting.id)}
      />
    </>
  );
}
