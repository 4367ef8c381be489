import { errorMessage, isApiError, tenantKey } from '@monozu/api';
import { Alert, Button, FormField, Input, PageHeader, Select, Spinner } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useCan } from '../../../hooks/useCan';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { saveSettings, settingsPatch, settingsQuery, toForm, validateSettings, type TenantSettings } from '../api/settings';

const FIELDS = ['display_name', 'timezone', 'auth_policy', 'mfa_policy', 'ingest_events_retention_days', 'audit_retention_days'];

function SettingsForm({ settings, onReload }: { settings: TenantSettings; onReload: () => void }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const can = useCan();
  const [v, setV] = useState(() => toForm(settings));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => saveSettings(settings.version, settingsPatch(settings, v)),
    onSuccess: (s) => {
      qc.setQueryData(settingsQuery(t).queryKey, s);
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'me') });
      setSaved(true);
    },
  });
  const { err, check } = useFieldErrors(save.error);
  const conflict = isApiError(save.error) && save.error.status === 409;
  const base = can('settings.tenant.manage');
  const policies = base && can('settings.auth.manage');
  const retention = base && can('settings.retention.manage');
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => {
    setSaved(false);
    setV((p) => ({ ...p, [k]: e.target.value }));
  };
  const changed = Object.keys(settingsPatch(settings, v)).length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(validateSettings(v))) save.mutate();
  };
  return (
    <form className="grid max-w-xl gap-4" onSubmit={submit} noValidate aria-label="Organisation settings">
      {conflict ? (
        <Alert variant="destructive" title="Someone else changed these settings">
          <p>{errorMessage(save.error)}</p>
          <Button className="mt-2" size="sm" variant="outline" onClick={onReload}>
            Reload the current settings
          </Button>
        </Alert>
      ) : (
        <FormErrorSummary error={save.error} shownFields={FIELDS} />
      )}
      {saved && <Alert variant="success">Saved.</Alert>}
      {!base && <Alert>You can read these settings; changing them needs the permission settings.tenant.manage.</Alert>}
      <FormField label="Organisation name" error={err('display_name')}>
        <Input value={v.display_name} onChange={set('display_name')} maxLength={200} disabled={!base} />
      </FormField>
      <FormField label="Time zone" hint="IANA name, e.g. Europe/Berlin" error={err('timezone')}>
        <Input value={v.timezone} onChange={set('timezone')} disabled={!base} />
      </FormField>
      <fieldset className="grid gap-4 rounded-lg border p-4" disabled={!policies}>
        <legend className="px-1 text-sm font-medium">Sign-in policies{!policies && ' (needs settings.auth.manage)'}</legend>
        <FormField label="Sign-in" error={err('auth_policy')}>
          <Select value={v.auth_policy} onChange={set('auth_policy')}>
            <option value="standard">Password or single sign-on</option>
            <option value="restricted">Single sign-on only</option>
          </Select>
        </FormField>
        <FormField label="Two-factor sign-in" error={err('mfa_policy')}>
          <Select value={v.mfa_policy} onChange={set('mfa_policy')}>
            <option value="optional">Each user chooses</option>
            <option value="required">Required for everyone</option>
          </Select>
        </FormField>
      </fieldset>
      <fieldset className="grid gap-4 rounded-lg border p-4 sm:grid-cols-2" disabled={!retention}>
        <legend className="px-1 text-sm font-medium">Retention{!retention && ' (needs settings.retention.manage)'}</legend>
        <FormField label="Edge events (days)" error={err('ingest_events_retention_days')}>
          <Input inputMode="numeric" value={v.ingest_events_retention_days} onChange={set('ingest_events_retention_days')} />
        </FormField>
        <FormField label="Audit log (days)" error={err('audit_retention_days')}>
          <Input inputMode="numeric" value={v.audit_retention_days} onChange={set('audit_retention_days')} />
        </FormField>
      </fieldset>
      {base && (
        <div>
          <Button type="submit" loading={save.isPending} disabled={!changed}>
            Save
          </Button>
        </div>
      )}
    </form>
  );
}

/** Settings → Organisation: name, time zone, sign-in policies and retention. */
export function OrganisationPage() {
  const t = useTenantId();
  const settings = useQuery(settingsQuery(t));
  return (
    <>
      <PageHeader title="Organisation" description="Settings that apply to everyone in your organisation." />
      {settings.isPending ? (
        <Spinner label="Loading…" />
      ) : settings.isError ? (
        <Alert variant="destructive">
          {errorMessage(settings.error)}{' '}
          <Button size="sm" variant="outline" onClick={() => void settings.refetch()}>
            Try again
          </Button>
        </Alert>
      ) : (
        <SettingsForm key={settings.data.version} settings={settings.data} onReload={() => void settings.refetch()} />
      )}
    </>
  );
}
