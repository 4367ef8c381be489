import { tenantKey } from '@monozu/api';
import { FormField, Input, Select, Textarea } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '../../../components/FormDialog';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { PURDUE_LEVELS, siteOptionsQuery, zoneOptionsQuery, type PurdueLevel, type Site, type SiteStatus, type Vlan, type Zone } from '../../../lib/cmdb';
import { createSite, createVlan, createZone, updateSite, updateVlan, updateZone, type SiteInput, type VlanInput, type ZoneInput } from '../api/sites';
import { numOrNull, validateSite, validateVlan, validateZone } from './validate';

function useInvalidate() {
  const t = useTenantId();
  const qc = useQueryClient();
  return () => {
    for (const k of ['sites', 'zones', 'vlans', 'options', 'assets']) void qc.invalidateQueries({ queryKey: tenantKey(t, k) });
  };
}

export function SiteFormDialog({ open, onOpenChange, site }: { open: boolean; onOpenChange: (o: boolean) => void; site?: Site }) {
  const invalidate = useInvalidate();
  const [v, setV] = useState({
    name: site?.name ?? '',
    code: site?.code ?? '',
    description: site?.description ?? '',
    location: site?.location ?? '',
    latitude: site?.latitude?.toString() ?? '',
    longitude: site?.longitude?.toString() ?? '',
    timezone: site?.timezone ?? 'UTC',
    status: site?.status ?? ('active' as SiteStatus),
    contact: site?.contact ?? '',
  });
  const save = useMutation({
    mutationFn: (b: SiteInput) => (site ? updateSite(site.id, site.version, b) : createSite(b)),
    onSuccess: () => {
      invalidate();
      onOpenChange(false);
    },
  });
  const { err, check } = useFieldErrors(save.error);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = () => {
    const b: SiteInput = {
      name: v.name.trim(),
      code: v.code.trim(),
      description: v.description.trim(),
      location: v.location.trim(),
      latitude: numOrNull(v.latitude),
      longitude: numOrNull(v.longitude),
      timezone: v.timezone.trim(),
      status: v.status,
      contact: v.contact.trim(),
    };
    if (check(validateSite(b))) save.mutate(b);
  };
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={site ? 'Edit site' : 'New site'}
      description="A plant, building or location that holds zones, VLANs and assets."
      busy={save.isPending}
      error={save.error}
      shownFields={['name', 'code', 'description', 'location', 'latitude', 'longitude', 'timezone', 'status', 'contact']}
      submitLabel={site ? 'Save' : 'Create site'}
      onSubmit={submit}
    >
      <FormField label="Name" error={err('name')}>
        <Input value={v.name} onChange={set('name')} maxLength={200} required />
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Code" error={err('code')}>
          <Input value={v.code} onChange={set('code')} maxLength={32} />
        </FormField>
        <FormField label="Status" error={err('status')}>
          <Select value={v.status} onChange={set('status')}>
            <option value="planned">Planned</option>
            <option value="active">Active</option>
            <option value="decommissioned">Decommissioned</option>
          </Select>
        </FormField>
      </div>
      <FormField label="Location" error={err('location')}>
        <Input value={v.location} onChange={set('location')} maxLength={500} />
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Latitude" error={err('latitude')}>
          <Input inputMode="decimal" value={v.latitude} onChange={set('latitude')} />
        </FormField>
        <FormField label="Longitude" error={err('longitude')}>
          <Input inputMode="decimal" value={v.longitude} onChange={set('longitude')} />
        </FormField>
      </div>
      <FormField label="Time zone" hint="IANA name, e.g. Europe/Berlin" error={err('timezone')}>
        <Input value={v.timezone} onChange={set('timezone')} />
      </FormField>
      <FormField label="Contact" error={err('contact')}>
        <Input value={v.contact} onChange={set('contact')} maxLength={500} />
      </FormField>
      <FormField label="Description" error={err('description')}>
        <Textarea value={v.description} onChange={set('description')} rows={3} />
      </FormField>
    </FormDialog>
  );
}

export function ZoneFormDialog({ open, onOpenChange, zone, siteId }: { open: boolean; onOpenChange: (o: boolean) => void; zone?: Zone; siteId?: string }) {
  const t = useTenantId();
  const sites = useQuery(siteOptionsQuery(t));
  const invalidate = useInvalidate();
  const [v, setV] = useState({
    name: zone?.name ?? '',
    site_id: zone ? (zone.site_id ?? '') : (siteId ?? ''),
    purdue_level: zone?.purdue_level ?? ('2' as PurdueLevel),
    description: zone?.description ?? '',
    security_level: zone?.security_level?.toString() ?? '',
  });
  const save = useMutation({
    mutationFn: (b: ZoneInput) => (zone ? updateZone(zone.id, zone.version, b) : createZone(b)),
    onSuccess: () => {
      invalidate();
      onOpenChange(false);
    },
  });
  const { err, check } = useFieldErrors(save.error);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = () => {
    const b: ZoneInput = {
      name: v.name.trim(),
      site_id: v.site_id || null,
      purdue_level: v.purdue_level,
      description: v.description.trim(),
      security_level: numOrNull(v.security_level),
    };
    if (check(validateZone(b))) save.mutate(b);
  };
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={zone ? 'Edit zone' : 'New zone'}
      description="A Purdue-model zone; VLANs belong to zones."
      busy={save.isPending}
      error={save.error}
      shownFields={['name', 'site_id', 'purdue_level', 'description', 'security_level']}
      submitLabel={zone ? 'Save' : 'Create zone'}
      onSubmit={submit}
    >
      <FormField label="Name" error={err('name')}>
        <Input value={v.name} onChange={set('name')} maxLength={200} required />
      </FormField>
      <FormField label="Site" error={err('site_id')}>
        <Select value={v.site_id} onChange={set('site_id')}>
          <option value="">No site</option>
          {(sites.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Purdue level" error={err('purdue_level')}>
          <Select value={v.purdue_level} onChange={set('purdue_level')}>
            {PURDUE_LEVELS.map((l) => (
              <option key={l} value={l}>
                Level {l}
                {l === '3.5' ? ' (DMZ)' : ''}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Target security level" error={err('security_level')}>
          <Select value={v.security_level} onChange={set('security_level')}>
            <option value="">None</option>
            {[0, 1, 2, 3, 4].map((n) => (
              <option key={n} value={String(n)}>
                SL {n}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <FormField label="Description" error={err('description')}>
        <Textarea value={v.description} onChange={set('description')} rows={3} />
      </FormField>
    </FormDialog>
  );
}

export function VlanFormDialog({ open, onOpenChange, vlan, siteId }: { open: boolean; onOpenChange: (o: boolean) => void; vlan?: Vlan; siteId?: string }) {
  const t = useTenantId();
  const zones = useQuery(zoneOptionsQuery(t));
  const invalidate = useInvalidate();
  const [v, setV] = useState({
    number: vlan?.number.toString() ?? '',
    name: vlan?.name ?? '',
    zone_id: vlan?.zone_id ?? '',
    cidr: vlan?.cidr ?? '',
    gateway: vlan?.gateway ?? '',
  });
  const save = useMutation({
    mutationFn: (b: VlanInput) => (vlan ? updateVlan(vlan.id, vlan.version, b) : createVlan(b)),
    onSuccess: () => {
      invalidate();
      onOpenChange(false);
    },
  });
  const { err, check } = useFieldErrors(save.error);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const zoneChoices = (zones.data ?? []).filter((z) => !siteId || z.site_id === siteId || z.id === v.zone_id);
  const submit = () => {
    const b: VlanInput = {
      number: Number(v.number),
      name: v.name.trim(),
      zone_id: v.zone_id || null,
      cidr: v.cidr.trim() || null,
      gateway: v.gateway.trim() || null,
    };
    if (check(validateVlan(b))) save.mutate(b);
  };
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={vlan ? 'Edit VLAN' : 'New VLAN'}
      description="A VLAN, optionally in a zone, with its network and gateway."
      busy={save.isPending}
      error={save.error}
      shownFields={['number', 'name', 'zone_id', 'cidr', 'gateway']}
      submitLabel={vlan ? 'Save' : 'Create VLAN'}
      onSubmit={submit}
    >
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Number" error={err('number')}>
          <Input inputMode="numeric" value={v.number} onChange={set('number')} required />
        </FormField>
        <FormField label="Name" error={err('name')}>
          <Input value={v.name} onChange={set('name')} maxLength={200} />
        </FormField>
      </div>
      <FormField label="Zone" error={err('zone_id')}>
        <Select value={v.zone_id} onChange={set('zone_id')}>
          <option value="">No zone</option>
          {zoneChoices.map((z) => (
            <option key={z.id} value={z.id}>
              {z.name}
              {z.site_name ? ' · ' + z.site_name : ''}
            </option>
          ))}
        </Select>
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Network (CIDR)" error={err('cidr')}>
          <Input value={v.cidr} onChange={set('cidr')} placeholder="10.0.1.0/24" className="font-mono" />
        </FormField>
        <FormField label="Gateway" error={err('gateway')}>
          <Input value={v.gateway} onChange={set('gateway')} placeholder="10.0.1.1" className="font-mono" />
        </FormField>
      </div>
    </FormDialog>
  );
}
