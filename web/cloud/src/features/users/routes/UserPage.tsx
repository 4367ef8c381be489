import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, FormField, PageHeader, QueryError, Select, Spinner } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { groupOptionsQuery } from '../../../lib/identity';
import { addToGroup, removeFromGroup, runUserAction, userQuery, type UserAction, type UserDetail } from '../api/users';
import { UserStatusBadge } from '../components/UserStatusBadge';

const ACTIONS: Record<UserAction, { label: string; title: string; description: string; destructive: boolean }> = {
  disable: { label: 'Disable', title: 'Disable this user?', description: 'They are signed out everywhere and cannot sign in until enabled again.', destructive: true },
  enable: { label: 'Enable', title: 'Enable this user?', description: 'They can sign in again.', destructive: false },
  'end-sessions': { label: 'End sessions', title: 'End every session?', description: 'They must sign in again on every device.', destructive: true },
  remove: { label: 'Remove', title: 'Remove this user?', description: 'The account is deleted; the audit log keeps what they did.', destructive: true },
};

function useInvalidate() {
  const t = useTenantId();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'users') });
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'groups') });
  };
}

function Actions({ user }: { user: UserDetail }) {
  const navigate = useNavigate();
  const invalidate = useInvalidate();
  const [pending, setPending] = useState<UserAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (a: UserAction) => runUserAction(user.id, a),
    onSuccess: (r, a) => {
      setPending(null);
      invalidate();
      if (a === 'remove') navigate('/settings/users', { replace: true });
      if (a === 'end-sessions') setNotice(String((r as { ended: number }).ended) + ' sessions ended.');
    },
  });
  const available: UserAction[] = [user.status === 'disabled' ? 'enable' : 'disable', 'end-sessions', 'remove'];
  const a = pending ? ACTIONS[pending] : null;
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap gap-2">
        {available.map((k) => (
          <Button key={k} variant={ACTIONS[k].destructive ? 'outline' : 'default'} onClick={() => { run.reset(); setNotice(null); setPending(k); }}>
            {ACTIONS[k].label}
          </Button>
        ))}
      </div>
      {notice && <p className="text-sm text-muted-foreground" role="status">{notice}</p>}
      <ConfirmDialog
        open={a !== null}
        onOpenChange={(o) => !o && setPending(null)}
        title={a?.title ?? ''}
        description={a?.description ?? ''}
        error={run.error && errorMessage(run.error)}
        confirmLabel={a?.label}
        destructive={a?.destructive}
        busy={run.isPending}
        onConfirm={() => pending && run.mutate(pending)}
      />
    </div>
  );
}

function Groups({ user }: { user: UserDetail }) {
  const t = useTenantId();
  const can = useCan();
  const invalidate = useInvalidate();
  const groups = useQuery(groupOptionsQuery(t));
  const [choice, setChoice] = useState('');
  const add = useMutation({ mutationFn: (g: string) => addToGroup(g, user.id), onSuccess: () => { setChoice(''); invalidate(); } });
  const remove = useMutation({ mutationFn: (g: string) => removeFromGroup(g, user.id), onSuccess: invalidate });
  const members = can('settings.groups.members');
  const others = (groups.data ?? []).filter((g) => !user.groups.some((m) => m.id === g.id));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (choice) add.mutate(choice);
  };
  const failure = add.error ?? remove.error;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Groups</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        {failure != null && <Alert variant="destructive">{errorMessage(failure)}</Alert>}
        {user.groups.length === 0 ? (
          <p className="text-sm text-muted-foreground">In no group: this user can see nothing.</p>
        ) : (
          <ul className="grid gap-1">
            {user.groups.map((g) => (
              <li key={g.id} className="flex items-center justify-between gap-2">
                <Link to={'/settings/groups/' + g.id} className="underline-offset-4 hover:underline">
                  {g.name}
                </Link>
                {members && (
                  <Button size="sm" variant="ghost" loading={remove.isPending && remove.variables === g.id} onClick={() => remove.mutate(g.id)} aria-label={'Remove from ' + g.name}>
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {members && others.length > 0 && (
          <form className="flex items-end gap-2" onSubmit={submit} aria-label="Add to a group">
            <FormField label="Add to group">
              <Select value={choice} onChange={(e) => setChoice(e.target.value)}>
                <option value="">Choose a group</option>
                {others.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </Select>
            </FormField>
            <Button type="submit" disabled={!choice} loading={add.isPending}>
              Add
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}

/** Settings → Users → a user: state, sign-in facts, actions and groups. */
export function UserPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const can = useCan();
  const me = useMe();
  const user = useQuery(userQuery(t, id));
  if (user.isPending) return <Spinner label="Loading…" />;
  if (user.isError) return <QueryError error={user.error} onRetry={user.refetch} title="The user could not be loaded" />;
  const u = user.data;
  const self = me.data?.user.id === u.id;
  return (
    <>
      <PageHeader title={u.display_name || u.email} description={u.email} />
      <div className="grid max-w-4xl gap-6 md:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Account</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-muted-foreground">Status</dt>
              <dd>
                <UserStatusBadge status={u.status} />
              </dd>
              <dt className="text-muted-foreground">Two-factor</dt>
              <dd>{u.mfa_enabled ? 'On' : 'Off'}</dd>
              <dt className="text-muted-foreground">Last sign-in</dt>
              <dd>{formatDateTime(u.last_login_at)}</dd>
              <dt className="text-muted-foreground">Created</dt>
              <dd>{formatDateTime(u.created_at)}</dd>
            </dl>
            {can('settings.users.manage') && (self ? <p className="text-sm text-muted-foreground">This is you: manage your own account from the user menu.</p> : <Actions user={u} />)}
          </CardContent>
        </Card>
        <Groups user={u} />
      </div>
    </>
  );
}
