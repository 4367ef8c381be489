import { Alert, Button, CopyButton, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, FormField, Input, Select } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '../../../components/FormDialog';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { siteOptionsQuery } from '../../../lib/cmdb';
import { createKey, keysKey, type CreatedKey } from '../api/keys';
import { toNewKey, type KeyFormValues } from './key-form';

const FIELDS = ['label', 'expires_at', 'max_uses', 'site_id'] as const;

/** The new key, shown once with a copy button. */
function ShowKey({ created, onClose }: { created: CreatedKey; onClose: () => void }) {
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Registration key {created.label}</DialogTitle>
          <DialogDescription>Give it to the installer of the edge appliance.</DialogDescription>
        </DialogHeader>
        <Alert variant="warning" title="You will not see this key again">
          Copy it now. Monozu stores only a hash of it; if it is lost, create a new key.
        </Alert>
        <div className="flex items-center gap-2">
          <code className="flex-1 break-all rounded border bg-muted/40 p-2 font-mono text-sm" data-testid="new-key">
            {created.key}
          </code>
          <CopyButton value={created.key} label="Copy key" />
        </div>
        <DialogFooter>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const sites = useQuery(siteOptionsQuery(t));
  const [v, setV] = useState<KeyFormValues>({ label: '', expires: '', maxUses: '', siteId: '' });
  const create = useMutation({ mutationFn: createKey, onSuccess: () => void qc.invalidateQueries({ queryKey: keysKey(t) }) });
  const { err, check } = useFieldErrors(create.error);
  if (create.data) return <ShowKey created={create.data} onClose={onClose} />;
  const submit = () => {
    const r = toNewKey(v);
    if (!check('errors' in r ? r.errors : {}) || !('body' in r)) return;
    create.mutate(r.body);
  };
  const set = (k: keyof KeyFormValues) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  return (
    <FormDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="New registration key"
      description="Edge appliances register into your organisation with it."
      busy={create.isPending}
      error={create.error}
      shownFields={FIELDS}
      submitLabel="Create key"
      onSubmit={submit}
    >
      <FormField label="Label" error={err('label')}>
        <Input value={v.label} onChange={set('label')} maxLength={200} required />
      </FormField>
      <FormField label="Expires" hint="Optional; without it the key does not expire." error={err('expires_at')}>
        <Input type="datetime-local" value={v.expires} onChange={set('expires')} />
      </FormField>
      <FormField label="Maximum uses" hint="Optional; unlimited when empty." error={err('max_uses')}>
        <Input type="number" min={1} max={100000} value={v.maxUses} onChange={set('maxUses')} />
      </FormField>
      <FormField label="Site" hint="Devices registered with the key land in it." error={err('site_id')}>
        <Select value={v.siteId} onChange={set('siteId')}>
          <option value="">No site</option>
          {(sites.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </FormField>
    </FormDialog>
  );
}
