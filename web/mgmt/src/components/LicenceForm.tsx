import { Alert, Button, FormField, Input, Select } from '@monozu/ui';
import { useState, type FormEvent } from 'react';
import {
  FEATURES,
  KNOWN_PLANS,
  LIMIT_FIELDS,
  licenceFormDefaults,
  validateLicenceForm,
  type LicenceFormErrors,
  type LicenceFormValues,
} from '../lib/licence';
import type { License, LicenseInput } from '../lib/types';

export interface LicenceFormProps {
  /** The licence in force (its values prefill the form), or null for a first licence. */
  current: License | null;
  /** Errors from the server, keyed by field (`plan`, `limits.max_assets`, …). */
  serverErrors?: LicenceFormErrors;
  /** A message for errors not tied to a field. */
  formError?: string | null;
  busy?: boolean;
  submitLabel: string;
  onSubmit: (input: LicenseInput) => void;
  onCancel?: () => void;
}

/** Plan, modules, limits, dates, grace days and notes, validated before sending. */
export function LicenceForm({ current, serverErrors = {}, formError, busy, submitLabel, onSubmit, onCancel }: LicenceFormProps) {
  const [values, setValues] = useState<LicenceFormValues>(() => licenceFormDefaults(current));
  const [clientErrors, setClientErrors] = useState<LicenceFormErrors>({});
  const errors = { ...serverErrors, ...clientErrors };
  const set = <K extends keyof LicenceFormValues>(key: K, value: LicenceFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const res = validateLicenceForm(values, current?.version ?? 0);
    if (!res.ok) {
      setClientErrors(res.errors);
      return;
    }
    setClientErrors({});
    onSubmit(res.input);
  };

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate aria-label="Licence">
      {formError && <Alert variant="destructive">{formError}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Plan" error={values.planKind === 'custom' ? undefined : errors.plan}>
          <Select value={values.planKind} onChange={(e) => set('planKind', e.target.value)}>
            {KNOWN_PLANS.map((p) => (
              <option key={p} value={p}>
                {p[0]?.toUpperCase() + p.slice(1)}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </Select>
        </FormField>
        {values.planKind === 'custom' && (
          <FormField label="Custom plan name" error={errors.plan}>
            <Input value={values.customPlan} maxLength={64} onChange={(e) => set('customPlan', e.target.value)} />
          </FormField>
        )}
      </div>

      <fieldset className="grid gap-2" aria-describedby={errors.features ? 'licence-features-error' : undefined}>
        <legend className="mb-1 text-sm font-medium">Modules</legend>
        <div className="flex flex-wrap gap-4">
          {FEATURES.map((f) => (
            <label key={f.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="h-4 w-4 rounded border-input focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                checked={values.features.includes(f.id)}
                onChange={(e) =>
                  set('features', e.target.checked ? [...values.features, f.id] : values.features.filter((x) => x !== f.id))
                }
              />
              {f.label}
            </label>
          ))}
        </div>
        {errors.features && (
          <p id="licence-features-error" className="text-xs font-medium text-destructive">
            {errors.features}
          </p>
        )}
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-3">
        {LIMIT_FIELDS.map(({ key, label }) => (
          <FormField key={key} label={label} hint="0 = unlimited" error={errors['limits.' + key]}>
            <Input type="number" min={0} step={1} inputMode="numeric" value={values[key]} onChange={(e) => set(key, e.target.value)} />
          </FormField>
        ))}
      </div>

      <div className="grid gap-4 sm:grid-cols-3">
        <FormField label="Starts on" error={errors.starts_at}>
          <Input type="date" required value={values.starts_at} onChange={(e) => set('starts_at', e.target.value)} />
        </FormField>
        <FormField label="Expires on" hint="Leave empty for no end" error={errors.expires_at}>
          <Input type="date" value={values.expires_at} onChange={(e) => set('expires_at', e.target.value)} />
        </FormField>
        <FormField label="Grace days" hint="0-365, after expiry" error={errors.grace_days}>
          <Input type="number" min={0} max={365} step={1} inputMode="numeric" value={values.grace_days} onChange={(e) => set('grace_days', e.target.value)} />
        </FormField>
      </div>

      <FormField label="Notes" error={errors.notes}>
        <textarea
          className="min-h-20 w-full rounded-md border border-input bg-background px-3 py-2 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive"
          maxLength={2000}
          value={values.notes}
          onChange={(e) => set('notes', e.target.value)}
        />
      </FormField>

      <div className="flex justify-end gap-2">
        {onCancel && (
          <Button variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
