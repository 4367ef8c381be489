import { checkFields } from '@monozu/api';
import { Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';

import { register, type Registration } from '../api/auth';
import { PublicLayout, PublicLink } from '../components/PublicLayout';
import { registrationSchema } from '../components/forms';
import { suggestAccountName } from '../components/password-rules';

const FIELDS = ['organization_name', 'account_name', 'display_name', 'email', 'password', 'confirm'];

/** Self-registration: the organisation and its first administrator; then the pending page. */
export function RegisterPage() {
  const navigate = useNavigate();
  const [v, setV] = useState({ organization_name: '', account_name: '', display_name: '', email: '', password: '', confirm: '' });
  const [accountTouched, setAccountTouched] = useState(false);
  const save = useMutation({
    mutationFn: (r: Registration) => register(r),
    onSuccess: () => navigate('/pending', { replace: true, state: { organisation: v.organization_name.trim() } }),
  });
  const { err, check } = useFieldErrors(save.error);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => {
    const value = e.target.value;
    setV((p) => ({ ...p, [k]: value, ...(k === 'organization_name' && !accountTouched ? { account_name: suggestAccountName(value) } : {}) }));
    if (k === 'account_name') setAccountTouched(true);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r: Registration = {
      organization_name: v.organization_name.trim(),
      account_name: v.account_name.trim(),
      display_name: v.display_name.trim(),
      email: v.email.trim(),
      password: v.password,
    };
    if (check(checkFields(registrationSchema, { ...r, confirm: v.confirm }))) save.mutate(r);
  };
  return (
    <PublicLayout
      title="Register your organisation"
      description="You become its first administrator. Your provider activates the organisation before anyone can sign in."
      footer={<PublicLink to="/login">Already registered? Sign in</PublicLink>}
    >
      <form className="grid gap-4" onSubmit={submit} noValidate>
        <FormErrorSummary error={save.error} shownFields={FIELDS} />
        <FormField label="Organisation" error={err('organization_name')}>
          <Input value={v.organization_name} onChange={set('organization_name')} autoComplete="organization" maxLength={200} autoFocus />
        </FormField>
        <FormField label="Account name" hint="Identifies your organisation, e.g. in addresses; cannot be changed later." error={err('account_name')}>
          <Input value={v.account_name} onChange={set('account_name')} className="font-mono" maxLength={63} />
        </FormField>
        <FormField label="Your name" error={err('display_name')}>
          <Input value={v.display_name} onChange={set('display_name')} autoComplete="name" maxLength={200} />
        </FormField>
        <FormField label="Work e-mail" error={err('email')}>
          <Input type="email" value={v.email} onChange={set('email')} autoComplete="email" />
        </FormField>
        <FormField label="Password" hint="At least 12 characters." error={err('password')}>
          <Input type="password" value={v.password} onChange={set('password')} autoComplete="new-password" />
        </FormField>
        <FormField label="Repeat password" error={err('confirm')}>
          <Input type="password" value={v.confirm} onChange={set('confirm')} autoComplete="new-password" />
        </FormField>
        <Button type="submit" loading={save.isPending}>
          Register
        </Button>
      </form>
    </PublicLayout>
  );
}
