import { checkFields, tenantKey } from '@monozu/api';
import { Alert, Badge, Button, Card, CardContent, CardDescription, CardHeader, CardTitle, FormField, Input, PageHeader, QueryError, Select, Spinner, useTheme, type ThemeChoice } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import * as z from 'zod/mini';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useSaveAppearance } from '../../../hooks/useAppearance';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { patchMe, useMe, useTenantId, type ProfilePatch } from '../../../hooks/useMe';
import type { User } from '../../../lib/types';
import { filled } from '../../../lib/validation';

/** Name and e-mail; current_password is null when the e-mail stays (then it is not needed). */
const detailsSchema = z.object({
  display_name: z.string().check(filled('Enter your name.')),
  email: z.string().check(z.includes('@', 'Enter an e-mail address.')),
  current_password: z.nullable(z.string().check(z.minLength(1, 'Your current password is needed to change the e-mail.'))),
});

const passwordChangeSchema = z
  .object({
    current_password: z.string().check(z.minLength(1, 'Enter your current password.')),
    new_password: z.string().check(z.minLength(1, 'Enter a new password.')),
    confirm: z.string(),
  })
  .check(z.refine((v) => !v.new_password || v.new_password === v.confirm, { path: ['confirm'], message: 'The passwords differ.' }));

function useProfileMutation(onDone: () => void) {
  const t = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfilePatch) => patchMe(body),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'me') });
    },
  });
}

/** Name and e-mail; a new e-mail needs the current password. */
function DetailsForm({ user }: { user: User }) {
  const [name, setName] = useState(user.display_name);
  const [email, setEmail] = useState(user.email);
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useProfileMutation(() => {
    setPassword('');
    setSaved(true);
  });
  const { err, check } = useFieldErrors(save.error);
  const emailChanged = email.trim().toLowerCase() !== user.email.toLowerCase();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (!check(checkFields(detailsSchema, { display_name: name, email, current_password: emailChanged ? password : null }))) return;
    save.mutate(emailChanged ? { display_name: name.trim(), email: email.trim(), current_password: password } : { display_name: name.trim() });
  };
  return (
    <form className="grid gap-4" onSubmit={submit} noValidate aria-label="Your details">
      <FormErrorSummary error={save.error} shownFields={['display_name', 'email', 'current_password']} />
      {saved && <Alert variant="success">Your details are saved.</Alert>}
      <FormField label="Name" error={err('display_name')}>
        <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      </FormField>
      <FormField label="E-mail" error={err('email')}>
        <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
      </FormField>
      {emailChanged && (
        <FormField label="Current password" error={err('current_password')} hint="Needed to change the e-mail.">
          <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </FormField>
      )}
      <div>
        <Button type="submit" loading={save.isPending}>
          Save details
        </Button>
      </div>
    </form>
  );
}

/** A new password, checked against the current one; it ends every other session. */
function PasswordChangeForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useProfileMutation(() => {
    setCurrent('');
    setNext('');
    setConfirm('');
    setSaved(true);
  });
  const { err, check } = useFieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (check(checkFields(passwordChangeSchema, { current_password: current, new_password: next, confirm }))) save.mutate({ current_password: current, new_password: next });
  };
  return (
    <form className="grid gap-4" onSubmit={submit} noValidate aria-label="Change password">
      <FormErrorSummary error={save.error} shownFields={['current_password', 'new_password']} />
      {saved && <Alert variant="success">Your password is changed; your other sessions are signed out.</Alert>}
      <FormField label="Current password" error={err('current_password')}>
        <Input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />
      </FormField>
      <FormField label="New password" error={err('new_password')}>
        <Input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
      </FormField>
      <FormField label="Repeat the new password" error={err('confirm')}>
        <Input type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" />
      </FormField>
      <div>
        <Button type="submit" loading={save.isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}

const APPEARANCES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark or system: applied at once and saved on the account. */
function AppearanceField() {
  const { choice, setChoice } = useTheme();
  const save = useSaveAppearance();
  return (
    <FormField label="Theme" error={save.isError ? 'Not saved on your account; it applies in this browser.' : undefined}>
      <Select
        value={choice}
        onChange={(e) => {
          const c = e.target.value as ThemeChoice;
          setChoice(c);
          save.mutate(c);
        }}
      >
        {APPEARANCES.map((a) => (
          <option key={a.value} value={a.value}>
            {a.label}
          </option>
        ))}
      </Select>
    </FormField>
  );
}

/** Account → Profile: your name, e-mail, password, theme, two-factor status and sessions. */
export function ProfilePage() {
  const me = useMe();
  if (me.isPending) return <Spinner label="Loading your profile…" />;
  if (me.isError) return <QueryError error={me.error} onRetry={me.refetch} title="Your profile could not be loaded" />;
  const u = me.data.user;
  return (
    <>
      <PageHeader title="Profile" description={u.email} />
      <div className="grid max-w-4xl gap-6 md:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Your details</CardTitle>
          </CardHeader>
          <CardContent>
            <DetailsForm key={u.id} user={u} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Password</CardTitle>
            <CardDescription>A new password signs out your other sessions.</CardDescription>
          </CardHeader>
          <CardContent>
            <PasswordChangeForm />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Two-factor sign-in</CardTitle>
            <CardDescription>
              <Badge variant={u.mfa_enabled ? 'success' : 'secondary'}>{u.mfa_enabled ? 'Enabled' : 'Not enabled'}</Badge>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Button variant="outline" asChild>
              <Link to="/account/mfa">{u.mfa_enabled ? 'Manage two-factor sign-in' : 'Enrol an authenticator app'}</Link>
            </Button>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Appearance and sessions</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <AppearanceField />
            <Button variant="outline" asChild>
              <Link to="/account/sessions">Your sessions</Link>
            </Button>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
