import { Button, DataTable, FormField, LoadMore, PageHeader, Select, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterBar } from '../../../components/FilterBar';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { useUrlFilters } from '../../../hooks/useUrlFilters';
import { formatDateTime } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { usersQuery } from '../api/users';
import { UserStatusBadge } from '../components/UserStatusBadge';

/** Settings → Users: everyone in the organisation, filtered by state and name. */
export function UsersPage() {
  const t = useTenantId();
  const can = useCan();
  const { filters, setFilters, active } = useUrlFilters(['status', 'q'] as const);
  const list = useInfiniteQuery(usersQuery(t, filters));
  const rows = pageItems(list.data);
  return (
    <>
      <PageHeader
        title="Users"
        description="People who can sign in to your organisation."
        actions={
          <div className="flex gap-2">
            <Button variant="outline" asChild>
              <Link to="/settings/invitations">Invitations</Link>
            </Button>
            {can('settings.users.manage') && (
              <Button asChild>
                <Link to="/settings/users/invite">Invite user</Link>
              </Button>
            )}
          </div>
        }
      />
      <FilterBar label="Filter users" search={filters.q} placeholder="E-mail or name" onSearch={(q) => setFilters({ q })} onClear={active ? () => setFilters({ q: '', status: '' }) : undefined}>
        <FormField label="Status">
          <Select value={filters.status} onChange={(e) => setFilters({ status: e.target.value })}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="invited">Invited</option>
            <option value="disabled">Disabled</option>
          </Select>
        </FormField>
      </FilterBar>
      <DataTable caption="Users" columns={['E-mail', 'Name', 'Status', 'Two-factor', 'Last sign-in']} query={list} empty={rows.length === 0} emptyMessage={active ? 'No user matches these filters.' : 'No users yet.'}>
        {rows.map((u) => (
          <TableRow key={u.id}>
            <TableCell>
              <Link to={'/settings/users/' + u.id} className="font-medium underline-offset-4 hover:underline">
                {u.email}
              </Link>
            </TableCell>
            <TableCell>{u.display_name}</TableCell>
            <TableCell>
              <UserStatusBadge status={u.status} />
            </TableCell>
            <TableCell>{u.mfa_enabled ? 'On' : 'Off'}</TableCell>
            <TableCell>{formatDateTime(u.last_login_at)}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={rows.length} query={list} />
    </>
  );
}
