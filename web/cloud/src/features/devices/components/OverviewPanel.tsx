import { errorMessage, isApiError } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, FormField, Select } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useCan } from '../../../hooks/useCan';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime, humanize, siteOptionsQuery } from '../../../lib/cmdb';
import { deregisterDevice, devicesKey, ROLES, updateDevice, type Device } from '../api/devices';

function Facts({ d }: { d: Device }) {
  const t = d.latest_telemetry;
  const rows: [string, string][] = [
    ['Type', d.type],
    ['Hostname', d.hostname || '—'],
    ['Location', d.location || '—'],
    ['Agent version', d.agent_version || '—'],
    ['OS / arch', [d.os, d.arch].filter(Boolean).join(' / ') || '—'],
    ['IP addresses', d.ip_addresses.join(', ') || '—'],
    ['Capabilities', d.capabilities.join(', ') || '—'],
    ['Last seen', formatDateTime(d.last_seen_at) + (d.last_seen_ip ? ' from ' + d.last_seen_ip : '')],
    ['Key prefix', d.key_prefix ? d.key_prefix + '…' : '—'],
    ['Intervals', 'poll ' + String(d.poll_interval_s) + ' s, upload ' + String(d.upload_interval_s) + ' s'],
    ['Registered', formatDateTime(d.registered_at)],
    ['Latest sample', t ? ['CPU ' + String(t.cpu_percent ?? '—') + ' %', 'memory ' + String(t.memory_percent ?? '—') + ' %', 'disk ' + String(t.disk_percent ?? '—') + ' %'].join(', ') + ' at ' + formatDateTime(d.latest_telemetry_at) : '—'],
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted-foreground">{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function EditDevice({ d }: { d: Device }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const sites = useQuery(siteOptionsQuery(t));
  const [v, setV] = useState({ site_id: d.site_id ?? '', roles: d.roles });
  const save = useMutation({
    mutationFn: () => updateDevice(d.id, d.version, { site_id: v.site_id || null, roles: v.roles }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: devicesKey(t) }),
  });
  const { err } = useFieldErrors(save.error);
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const reload = () => {
    save.reset();
    void qc.invalidateQueries({ queryKey: devicesKey(t) }).then(() => setV({ site_id: d.site_id ?? '', roles: d.roles }));
  };
  return (
    <form onSubmit={submit} className="grid gap-3" noValidate>
      {conflict ? (
        <Alert variant="warning" title="Someone else changed this device">
          Reload it to see their change, then make yours again.{' '}
          <Button type="button" size="sm" variant="outline" onClick={reload}>
            Reload
          </Button>
        </Alert>
      ) : (
        <FormErrorSummary error={save.error} shownFields={['site_id', 'roles']} />
      )}
      <FormField label="Site" error={err('site_id')}>
        <Select value={v.site_id} onChange={(e) => setV((p) => ({ ...p, site_id: e.target.value }))}>
          <option value="">No site</option>
          {(sites.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </FormField>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Roles</legend>
        {ROLES.map((r) => (
          <label key={r} className="mr-4 inline-flex items-center gap-2 text-sm">
            <input type="checkbox" className="h-4 w-4" checked={v.roles.includes(r)} onChange={(e) => setV((p) => ({ ...p, roles: e.target.checked ? [...p.roles, r] : p.roles.filter((x) => x !== r) }))} />
            {humanize(r)}
          </label>
        ))}
        {err('roles') && <p className="text-xs font-medium text-destructive">{err('roles')}</p>}
      </fieldset>
      <div>
        <Button type="submit" loading={save.isPending}>
          Save
        </Button>
        {save.isSuccess && <span role="status" className="ml-3 text-sm text-muted-foreground">Saved.</span>}
      </div>
    </form>
  );
}

function Deregister({ d }: { d: Device }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => deregisterDevice(d.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: devicesKey(t) });
      navigate('/devices', { replace: true });
    },
  });
  return (
    <>
      <Button variant="destructive" onClick={() => { del.reset(); setOpen(true); }}>
        Deregister
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Deregister ' + d.name + '?'}
        description="Its device key stops working at once. Its telemetry, logs and commands stay as history."
        error={del.error && errorMessage(del.error)}
        confirmLabel="Deregister"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}

export function OverviewPanel({ device }: { device: Device }) {
  const can = useCan();
  const live = device.status !== 'deregistered';
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Facts</CardTitle>
        </CardHeader>
        <CardContent>
          <Facts d={device} />
        </CardContent>
      </Card>
      {live && can('devices.update') && (
        <Card>
          <CardHeader>
            <CardTitle>Site and roles</CardTitle>
          </CardHeader>
          <CardContent>
            <EditDevice key={device.version} d={device} />
          </CardContent>
        </Card>
      )}
      {live && can('devices.delete') && (
        <div>
          <Deregister d={device} />
        </div>
      )}
    </div>
  );
}
