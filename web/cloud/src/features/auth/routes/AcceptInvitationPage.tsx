import { checkFields, isApiError } from '@monozu/api';
import { Alert, Button, FormField, Input } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { acceptInvitation, acceptSignIn } from '../api/auth';
import { PublicLayout, PublicLink } from '../components/PublicLayout';
import { invitationSchema } from '../components/forms';
import { signInMessage } from './messages';

/** The invitation link (/invite/:token): choose a name and password, then you are signed in. */
export function AcceptInvitationPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const [v, setV] = useState({ display_name: '', password: '', confirm: '' });
  const accept = useMutation({
    mutationFn: () => acceptInvitation(token, v.display_name.trim(), v.password),
    onSuccess: (res) => {
      if (acceptSignIn(res)) navigate('/', { replace: true });
    },
  });
  const { err, check } = useFieldErrors(accept.error);
  const gone = isApiError(accept.error) && (accept.error.code === 'invitation_invalid' || accept.error.status === 404);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkFields(invitationSchema, v))) accept.mutate();
  };
  return (
    <PublicLayout title="Join your team on Monozu" description="Choose your name and a password to accept the invitation." footer={<PublicLink to="/login">Sign in instead</PublicLink>}>
      {gone ? (
        <Alert variant="destructive" title="This invitation is no longer valid">
          It was used, revoked or has expired. Ask an administrator of your organisation to send a new one.
        </Alert>
      ) : (
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <FormErrorSummary error={accept.error} shownFields={['display_name', 'password', 'confirm']} message={signInMessage} />
          <FormField label="Your name" error={err('display_name')}>
            <Input value={v.display_name} onChange={set('display_name')} autoComplete="name" maxLength={200} autoFocus />
          </FormField>
          <FormField label="Password" hint="At least 12 characters." error={err('password')}>
            <Input type="password" value={v.password} onChange={set('password')} autoComplete="new-password" />
          </FormField>
          <FormField label="Repeat password" error={err('confirm')}>
            <Input type="password" value={v.confirm} onChange={set('confirm')} autoComplete="new-password" />
          </FormField>
          <Button type="submit" loading={accept.isPending}>
            Accept and sign in
          </Button>
        </form>
      )}
    </PublicLayout>
  );
}
