import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { Link } from 'react-router-dom';
import { TenantStatusBadge } from '../../../components/TenantStatusBadge';
import { formatDate } from '../../../lib/format';
import type { Tenant } from '../api/tenants';

export interface TenantsTableProps {
  tenants: Tenant[];
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  filtered: boolean;
}

export function TenantsTable({ tenants, loading, error, onRetry, filtered }: TenantsTableProps) {
  return (
    <Table>
      <TableCaption>Tenants</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Organisation</TableHead>
          <TableHead>Account</TableHead>
          <TableHead>Contact</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Source</TableHead>
          <TableHead>Created</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState
          colSpan={6}
          loading={loading}
          error={error}
          onRetry={onRetry}
          empty={tenants.length === 0}
          emptyMessage={filtered ? 'No tenants match these filters.' : 'No tenants yet.'}
        />
        {!loading &&
          !error &&
          tenants.map((t) => (
            <TableRow key={t.id}>
              <TableCell className="font-medium">
                <Link to={`/tenants/${t.id}`} className="underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
                  {t.organization_name}
                </Link>
              </TableCell>
              <TableCell className="font-mono text-xs">{t.account_name}</TableCell>
              <TableCell>
                {t.contact_name}
                {t.contact_email && <div className="text-xs text-muted-foreground">{t.contact_email}</div>}
              </TableCell>
              <TableCell>
                <TenantStatusBadge status={t.status} />
                {t.registration === 'pending' && <span className="ml-2 text-xs text-muted-foreground">awaiting approval</span>}
              </TableCell>
              <TableCell>{t.source === 'self_registered' ? 'Self-registered' : 'Operator'}</TableCell>
              <TableCell>{formatDate(t.created_at)}</TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
}
