import { Badge, Button, DataTable, LoadMore, PageHeader, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { pageItems } from '../../../lib/paged';
import { groupsQuery } from '../api/groups';

/** Settings → Groups: who may do what. */
export function GroupsPage() {
  const t = useTenantId();
  const can = useCan();
  const list = useInfiniteQuery(groupsQuery(t));
  const rows = pageItems(list.data);
  return (
    <>
      <PageHeader
        title="Groups"
        description="Permissions reach users only through groups; a user holds what all their groups grant."
        actions={
          can('settings.groups.manage') && (
            <Button asChild>
              <Link to="/settings/groups/new">New group</Link>
            </Button>
          )
        }
      />
      <DataTable caption="Groups" columns={['Name', 'Description', 'Permissions', 'Members']} query={list} empty={rows.length === 0} emptyMessage="No groups.">
        {rows.map((g) => (
          <TableRow key={g.id}>
            <TableCell>
              <Link to={'/settings/groups/' + g.id} className="font-medium underline-offset-4 hover:underline">
                {g.name}
              </Link>{' '}
              {g.built_in && <Badge variant="secondary">Built in</Badge>}
            </TableCell>
            <TableCell className="max-w-md truncate">{g.description}</TableCell>
            <TableCell>{g.permissions.includes('*') ? 'All' : g.permissions.length}</TableCell>
            <TableCell>{g.member_count}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={rows.length} query={list} />
    </>
  );
}
