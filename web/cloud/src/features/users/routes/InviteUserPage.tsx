import { checkFields, tenantKey } from '@monozu/api';
import { Button, FormField, Input, PageHeader } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import * as z from 'zod/mini';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { fieldErrorsOf, listFieldMessage } from '../../../lib/field-errors';
import { invite } from '../api/users';
import { GroupChecklist } from '../components/GroupChecklist';

const inviteSchema = z.object({ email: z.string().check(z.includes('@', 'Enter an e-mail address.')) });

/** Settings → Users → Invite: an e-mail with a link to join, into the groups chosen. */
export function InviteUserPage() {
  const t = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const send = useMutation({
    mutationFn: () => invite(email.trim(), groupIds),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'users') });
      navigate('/settings/invitations');
    },
  });
  const { err, check } = useFieldErrors(send.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check(checkFields(inviteSchema, { email }))) send.mutate();
  };
  return (
    <>
      <PageHeader title="Invite a user" description="They get an e-mail with a link to choose a password." />
      <form className="grid max-w-lg gap-4" onSubmit={submit} noValidate aria-label="Invite a user">
        <FormErrorSummary error={send.error} shownFields={['email', 'group_ids']} />
        <FormField label="E-mail" error={err('email')}>
          <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </FormField>
        <GroupChecklist value={groupIds} onChange={setGroupIds} error={listFieldMessage(fieldErrorsOf(send.error), 'group_ids')} />
        <div className="flex gap-2">
          <Button type="submit" loading={send.isPending}>
            Send invitation
          </Button>
          <Button variant="outline" asChild>
            <Link to="/settings/users">Cancel</Link>
          </Button>
        </div>
      </form>
    </>
  );
}
