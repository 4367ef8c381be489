import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, DataTable, FormField, Input, PageHeader, QueryError, Spinner, TableCell, TableRow, Textarea } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useCan } from '../../../hooks/useCan';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useMe, useTenantId } from '../../../hooks/useMe';
import { hasPermission } from '../../../lib/access';
import { createGroup, deleteGroup, groupQuery, permissionCatalogueQuery, removeMember, updateGroup, validateGroup, type GroupDetail, type GroupInput } from '../api/groups';
import { PermissionGrid } from '../components/PermissionGrid';
import { checkedKeys, offeredKeys } from '../components/permission-model';

function useInvalidateGroups() {
  const t = useTenantId();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'groups') });
    void qc.invalidateQueries({ queryKey: tenantKey(t, 'users') });
  };
}

/** Name, description and the permission grid; for a new group or an existing one. */
function GroupForm({ group }: { group?: GroupDetail }) {
  const me = useMe();
  const can = useCan();
  const navigate = useNavigate();
  const invalidate = useInvalidateGroups();
  const t = useTenantId();
  const own = me.data?.permissions ?? [];
  const offered = offeredKeys(own, group?.permissions ?? []);
  const editable = can('settings.groups.manage');
  // The catalogue needs the manage permission; readers see the keys without areas.
  const catalogue = useQuery({ ...permissionCatalogueQuery(t), enabled: editable });
  const [v, setV] = useState({ name: group?.name ?? '', description: group?.description ?? '' });
  const [permissions, setPermissions] = useState<string[]>(() => checkedKeys(group?.permissions ?? [], offered));
  const [touched, setTouched] = useState(false);
  const builtIn = Boolean(group?.built_in);
  const save = useMutation({
    mutationFn: (b: GroupInput) => {
      if (!group) return createGroup(b);
      if (builtIn) return updateGroup(group.id, group.version, { description: b.description });
      return updateGroup(group.id, group.version, touched ? b : { name: b.name, description: b.description });
    },
    onSuccess: (g) => {
      invalidate();
      navigate('/settings/groups/' + g.id, { replace: true });
    },
  });
  const { err, check } = useFieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const b: GroupInput = { name: v.name.trim(), description: v.description.trim(), permissions };
    if (check(validateGroup(b))) save.mutate(b);
  };
  return (
    <form className="grid max-w-4xl gap-4" onSubmit={submit} noValidate aria-label={group ? 'Edit group' : 'New group'}>
      {builtIn && <Alert title="Built-in group">Its name and permissions are fixed; only the description can change.</Alert>}
      <FormErrorSummary error={save.error} shownFields={['name', 'description', 'permissions']} />
      <FormField label="Name" error={err('name')}>
        <Input value={v.name} onChange={(e) => setV((p) => ({ ...p, name: e.target.value }))} maxLength={100} disabled={!editable || builtIn} />
      </FormField>
      <FormField label="Description" error={err('description')}>
        <Textarea value={v.description} onChange={(e) => setV((p) => ({ ...p, description: e.target.value }))} rows={2} maxLength={1000} disabled={!editable} />
      </FormField>
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">Permissions</legend>
        {group?.permissions.includes('*') && <p className="text-sm text-muted-foreground">This group grants every permission (*).</p>}
        {err('permissions') && <p className="text-xs font-medium text-destructive">{err('permissions')}</p>}
        {catalogue.isError && (
          <Alert variant="destructive" title="The permission catalogue did not load">
            {errorMessage(catalogue.error)}{' '}
            <Button size="sm" variant="outline" onClick={() => void catalogue.refetch()}>
              Retry
            </Button>
          </Alert>
        )}
        {catalogue.isLoading && <Spinner label="Loading permissions…" />}
        <PermissionGrid
          offered={offered}
          catalogue={catalogue.data ?? []}
          value={permissions}
          onChange={(next) => {
            setPermissions(next);
            setTouched(true);
          }}
          grantable={(k) => hasPermission(own, k)}
          disabled={!editable || builtIn}
        />
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-muted-foreground">JSON</summary>
          <pre className="mt-2 overflow-auto rounded border bg-muted/40 p-3 font-mono text-xs">{JSON.stringify(touched || !group ? permissions : group.permissions, null, 2)}</pre>
        </details>
      </fieldset>
      {editable && (
        <div className="flex gap-2">
          <Button type="submit" loading={save.isPending}>
            {group ? 'Save' : 'Create group'}
          </Button>
          <Button variant="outline" asChild>
            <Link to="/settings/groups">Cancel</Link>
          </Button>
        </div>
      )}
    </form>
  );
}

function Members({ group }: { group: GroupDetail }) {
  const can = useCan();
  const invalidate = useInvalidateGroups();
  const remove = useMutation({ mutationFn: (userId: string) => removeMember(group.id, userId), onSuccess: invalidate });
  return (
    <Card className="max-w-4xl">
      <CardHeader>
        <CardTitle>Members</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-2">
        {remove.isError && <Alert variant="destructive">{errorMessage(remove.error)}</Alert>}
        <p className="text-sm text-muted-foreground">Add people to the group from their page under Users.</p>
        <DataTable caption={`Members of ${group.name}`} columns={['E-mail', 'Name', { label: 'Actions', srOnly: true }]} empty={group.members.length === 0} emptyMessage="Nobody is in this group.">
          {group.members.map((m) => (
            <TableRow key={m.id}>
              <TableCell>
                <Link to={'/settings/users/' + m.id} className="underline-offset-4 hover:underline">
                  {m.email}
                </Link>
              </TableCell>
              <TableCell>{m.display_name}</TableCell>
              <TableCell className="text-right">
                {can('settings.groups.members') && (
                  <Button size="sm" variant="ghost" loading={remove.isPending && remove.variables === m.id} onClick={() => remove.mutate(m.id)} aria-label={'Remove ' + m.email + ' from ' + group.name}>
                    Remove
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </DataTable>
      </CardContent>
    </Card>
  );
}

function DeleteGroup({ group }: { group: GroupDetail }) {
  const navigate = useNavigate();
  const invalidate = useInvalidateGroups();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => deleteGroup(group.id),
    onSuccess: () => {
      invalidate();
      navigate('/settings/groups', { replace: true });
    },
  });
  return (
    <>
      <Button variant="destructive" onClick={() => { del.reset(); setOpen(true); }}>
        Delete group
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Delete the group ' + group.name + '?'}
        description="Its members lose the permissions it grants."
        error={del.error && errorMessage(del.error)}
        confirmLabel="Delete"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}

export function NewGroupPage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="New group" description="You can grant only permissions you hold yourself." />
      {me.isPending ? <Spinner label="Loading…" /> : <GroupForm />}
    </>
  );
}

export function GroupPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const can = useCan();
  const me = useMe();
  const group = useQuery(groupQuery(t, id));
  if (group.isPending || me.isPending) return <Spinner label="Loading…" />;
  if (group.isError) return <QueryError error={group.error} onRetry={group.refetch} title="The group could not be loaded" />;
  const g = group.data;
  return (
    <>
      <PageHeader title={g.name} description={g.description || 'A group of users and the permissions it grants.'} actions={can('settings.groups.manage') && !g.built_in && <DeleteGroup group={g} />} />
      <div className="grid gap-6">
        <GroupForm key={g.version} group={g} />
        <Members group={g} />
      </div>
    </>
  );
}
