import { errorMessage, isApiError } from '@monozu/api';
import { Alert, Button, FormField, Input, ListInput, Select, Textarea } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTenantId } from '../../../hooks/useMe';
import {
  CRITICALITIES,
  TYPES_BY_CATEGORY,
  humanize,
  siteOptionsQuery,
  vendorOptionsQuery,
  vlanOptionsQuery,
  type CpeSuggestion,
} from '../../../lib/cmdb';
import { splitFieldErrors, unplacedErrors, type FieldErrorMap } from '../../../lib/field-errors';
import { fetchCpeSuggestions, type AssetInput } from '../api/assets';
import { validateAsset } from './asset-form-model';
import { pruneVlanSelection } from './vlan-options';
import { VlanMultiSelect } from './VlanMultiSelect';

export interface AssetFormProps {
  initial: AssetInput;
  submitLabel: string;
  busy: boolean;
  /** The last failed save (422 field errors are placed next to their fields). */
  error: unknown;
  onSubmit: (value: AssetInput) => void;
  onCancel: () => void;
}

const PLACED = [
  'name', 'category', 'type', 'site_id', 'vlan_ids', 'ip_addresses', 'mac_addresses', 'hostname', 'vendor_id', 'model',
  'serial_number', 'firmware_version', 'os', 'cpe', 'criticality', 'lifecycle', 'owner', 'location_detail', 'tags', 'notes',
];

/** Create/edit form of an asset with every field of the spec. */
export function AssetForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: AssetFormProps) {
  const tenantId = useTenantId();
  const sites = useQuery(siteOptionsQuery(tenantId));
  const vendors = useQuery(vendorOptionsQuery(tenantId));
  const vlans = useQuery(vlanOptionsQuery(tenantId));
  const [v, setV] = useState<AssetInput>(initial);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [suggestions, setSuggestions] = useState<CpeSuggestion[] | null>(null);
  const [suggestError, setSuggestError] = useState<string | null>(null);
  const [suggesting, setSuggesting] = useState(false);

  const server: FieldErrorMap = isApiError(error) ? splitFieldErrors(error.fieldErrors) : { fields: {}, items: {} };
  const client = splitFieldErrors(clientErrors);
  const errs: FieldErrorMap = Object.keys(clientErrors).length ? client : server;
  const f = (k: string) => errs.fields[k];
  const set = <K extends keyof AssetInput>(k: K, val: AssetInput[K]) => setV((p) => ({ ...p, [k]: val }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed: AssetInput = {
      ...v,
      name: v.name.trim(),
      hostname: v.hostname.trim(),
      model: v.model.trim(),
      serial_number: v.serial_number.trim(),
      firmware_version: v.firmware_version.trim(),
      os: v.os.trim(),
      owner: v.owner.trim(),
      location_detail: v.location_detail.trim(),
    };
    const ce = validateAsset(trimmed);
    setClientErrors(ce);
    if (Object.keys(ce).length === 0) onSubmit(trimmed);
  };

  const suggest = async () => {
    setSuggesting(true);
    setSuggestError(null);
    try {
      setSuggestions(await fetchCpeSuggestions({ vendor_id: v.vendor_id, model: v.model, firmware_version: v.firmware_version, os: v.os }));
    } catch (e) {
      setSuggestError(errorMessage(e));
    } finally {
      setSuggesting(false);
    }
  };

  const vlanById = new Map((vlans.data ?? []).map((x) => [x.id, x]));
  const unplaced = unplacedErrors(errs, PLACED);

  return (
    <form onSubmit={submit} noValidate className="grid gap-6" aria-label="Asset">
      {error != null && !Object.keys(clientErrors).length && (
        <Alert variant="destructive">
          {errorMessage(error)}
          {unplaced.length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {unplaced.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {(sites.isError || vendors.isError || vlans.isError) && (
        <Alert variant="warning">Some choices could not be loaded: {errorMessage(sites.error ?? vendors.error ?? vlans.error)}</Alert>
      )}
      <section className="grid gap-4 md:grid-cols-2" aria-labelledby="asset-identity">
        <h2 id="asset-identity" className="text-lg font-semibold md:col-span-2">
          Identity
        </h2>
        <FormField label="Name" error={f('name')}>
          <Input required maxLength={200} value={v.name} onChange={(e) => set('name', e.target.value)} />
        </FormField>
        <FormField label="Site" error={f('site_id')}>
          <Select
            required
            value={v.site_id}
            onChange={(e) => {
              const site = e.target.value;
              setV((p) => ({ ...p, site_id: site, vlan_ids: pruneVlanSelection(p.vlan_ids, vlans.data ?? [], site) }));
            }}
          >
            <option value="">Choose a site…</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Category" error={f('category')}>
          <Select
            value={v.category}
            onChange={(e) => {
              const c = e.target.value === 'ot' ? 'ot' : 'it';
              setV((p) => ({ ...p, category: c, type: TYPES_BY_CATEGORY[c].includes(p.type) ? p.type : '' }));
            }}
          >
            <option value="it">IT</option>
            <option value="ot">OT</option>
          </Select>
        </FormField>
        <FormField label="Type" error={f('type')}>
          <Select required value={v.type} onChange={(e) => set('type', e.target.value)}>
            <option value="">Choose a type…</option>
            {TYPES_BY_CATEGORY[v.category].map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Criticality" error={f('criticality')}>
          <Select value={v.criticality} onChange={(e) => set('criticality', e.target.value as AssetInput['criticality'])}>
            {CRITICALITIES.map((c) => (
              <option key={c} value={c}>
                {humanize(c)}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Lifecycle" error={f('lifecycle')}>
          <Select value={v.lifecycle} onChange={(e) => set('lifecycle', e.target.value as AssetInput['lifecycle'])}>
            <option value="planned">Planned</option>
            <option value="active">Active</option>
            <option value="decommissioned">Decommissioned</option>
          </Select>
        </FormField>
      </section>

      <section className="grid gap-4 md:grid-cols-2" aria-labelledby="asset-network">
        <h2 id="asset-network" className="text-lg font-semibold md:col-span-2">
          Network
        </h2>
        <div className="md:col-span-2">
          <VlanMultiSelect
            vlans={vlans.data ?? []}
            loading={vlans.isPending}
            siteId={v.site_id}
            value={v.vlan_ids}
            onChange={(ids) => set('vlan_ids', ids)}
            itemErrors={errs.items.vlan_ids}
            error={f('vlan_ids')}
          />
        </div>
        <FormField label="IP addresses" error={f('ip_addresses')}>
          <ListInput mono itemLabel="IP address" placeholder="10.0.0.5" value={v.ip_addresses} onChange={(x) => set('ip_addresses', x)} itemErrors={errs.items.ip_addresses} />
        </FormField>
        <FormField label="MAC addresses" error={f('mac_addresses')}>
          <ListInput mono itemLabel="MAC address" placeholder="00:1b:1b:aa:bb:01" value={v.mac_addresses} onChange={(x) => set('mac_addresses', x)} itemErrors={errs.items.mac_addresses} />
        </FormField>
        <FormField label="Hostname" error={f('hostname')}>
          <Input value={v.hostname} maxLength={253} onChange={(e) => set('hostname', e.target.value)} />
        </FormField>
      </section>

      <section className="grid gap-4 md:grid-cols-2" aria-labelledby="asset-product">
        <h2 id="asset-product" className="text-lg font-semibold md:col-span-2">
          Product
        </h2>
        <FormField label="Vendor" error={f('vendor_id')}>
          <Select value={v.vendor_id ?? ''} onChange={(e) => set('vendor_id', e.target.value || null)}>
            <option value="">No vendor</option>
            {(vendors.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Model" error={f('model')}>
          <Input value={v.model} maxLength={200} onChange={(e) => set('model', e.target.value)} />
        </FormField>
        <FormField label="Serial number" error={f('serial_number')}>
          <Input value={v.serial_number} maxLength={200} onChange={(e) => set('serial_number', e.target.value)} />
        </FormField>
        <FormField label="Firmware version" error={f('firmware_version')}>
          <Input value={v.firmware_version} maxLength={200} onChange={(e) => set('firmware_version', e.target.value)} />
        </FormField>
        <FormField label="Operating system" error={f('os')}>
          <Input value={v.os} maxLength={200} onChange={(e) => set('os', e.target.value)} />
        </FormField>
        <div className="grid gap-2 md:col-span-2">
          <FormField label="CPE names" hint="CPE 2.3 formatted strings, used for vulnerability matching." error={f('cpe')}>
            <ListInput mono itemLabel="CPE name" placeholder="cpe:2.3:o:vendor:product:version:*:*:*:*:*:*:*" value={v.cpe} onChange={(x) => set('cpe', x)} itemErrors={errs.items.cpe} />
          </FormField>
          <div>
            <Button type="button" variant="outline" size="sm" loading={suggesting} onClick={() => void suggest()} disabled={!v.vendor_id && !v.model}>
              Suggest CPE names
            </Button>
            {!v.vendor_id && !v.model && <span className="ml-2 text-xs text-muted-foreground">Choose a vendor or enter a model first.</span>}
          </div>
          {suggestError && <p className="text-xs text-destructive">{suggestError}</p>}
          {suggestions && (
            <div aria-live="polite">
              {suggestions.length === 0 ? (
                <p className="text-xs text-muted-foreground">No suggestions for these values.</p>
              ) : (
                <ul className="grid gap-1">
                  {suggestions.map((s) => (
                    <li key={s.cpe} className="flex flex-wrap items-center gap-2 text-sm">
                      <code className="break-all text-xs">{s.cpe}</code>
                      <span className="text-xs text-muted-foreground">{s.reason}</span>
                      <Button type="button" size="sm" variant="ghost" disabled={v.cpe.includes(s.cpe)} onClick={() => set('cpe', [...v.cpe, s.cpe])} aria-label={'Add ' + s.cpe}>
                        {v.cpe.includes(s.cpe) ? 'Added' : 'Add'}
                      </Button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </section>

      <section className="grid gap-4 md:grid-cols-2" aria-labelledby="asset-org">
        <h2 id="asset-org" className="text-lg font-semibold md:col-span-2">
          Ownership and notes
        </h2>
        <FormField label="Owner" error={f('owner')}>
          <Input value={v.owner} maxLength={200} onChange={(e) => set('owner', e.target.value)} />
        </FormField>
        <FormField label="Location detail" error={f('location_detail')}>
          <Input value={v.location_detail} maxLength={500} onChange={(e) => set('location_detail', e.target.value)} />
        </FormField>
        <FormField label="Tags" error={f('tags')} className="md:col-span-2">
          <ListInput itemLabel="tag" value={v.tags} onChange={(x) => set('tags', x)} itemErrors={errs.items.tags} />
        </FormField>
        <FormField label="Notes" error={f('notes')} className="md:col-span-2">
          <Textarea rows={4} value={v.notes} onChange={(e) => set('notes', e.target.value)} />
        </FormField>
      </section>
      {v.vlan_ids.some((id) => !vlanById.has(id)) && !vlans.isPending && (
        <p className="text-xs text-muted-foreground">Some selected VLANs are not in the loaded list and are kept as they are.</p>
      )}
      <div className="flex gap-2">
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
