import { Badge, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { Link } from 'react-router-dom';
import { humanize } from '../../../lib/cmdb';
import type { Asset, Criticality } from '../api/assets';
import { ariaSort, nextSort } from './filters';

export const critVariant: Record<Criticality, 'destructive' | 'warning' | 'secondary' | 'outline'> = {
  critical: 'destructive',
  high: 'warning',
  medium: 'secondary',
  low: 'outline',
};

export interface AssetsTableProps {
  assets: Asset[];
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  filtered: boolean;
  sort?: string;
  onSort?: (sort: string) => void;
}

const COLUMNS: { key: string; label: string; sort?: string }[] = [
  { key: 'name', label: 'Name', sort: 'name' },
  { key: 'site', label: 'Site', sort: 'site' },
  { key: 'category', label: 'Category', sort: 'category' },
  { key: 'type', label: 'Type', sort: 'type' },
  { key: 'ips', label: 'IP addresses' },
  { key: 'vendor', label: 'Vendor', sort: 'vendor' },
  { key: 'criticality', label: 'Criticality', sort: 'criticality' },
  { key: 'lifecycle', label: 'Lifecycle', sort: 'lifecycle' },
];

export function AssetsTable({ assets, loading, error, onRetry, filtered, sort, onSort }: AssetsTableProps) {
  return (
    <Table>
      <TableCaption>Assets</TableCaption>
      <TableHeader>
        <TableRow>
          {COLUMNS.map((c) => {
            const s = c.sort;
            const dir = s ? ariaSort(sort, s) : undefined;
            return (
              <TableHead key={c.key} aria-sort={dir}>
                {s && onSort ? (
                  <button
                    type="button"
                    className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                    onClick={() => onSort(nextSort(sort || 'name', s))}
                  >
                    {c.label}
                    <span aria-hidden="true">{dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}</span>
                    <span className="sr-only">, sort</span>
                  </button>
                ) : (
                  c.label
                )}
              </TableHead>
            );
          })}
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState
          colSpan={COLUMNS.length}
          loading={loading}
          error={error}
          onRetry={onRetry}
          empty={assets.length === 0}
          emptyMessage={filtered ? 'No assets match these filters.' : 'No assets yet.'}
        />
        {!loading &&
          !error &&
          assets.map((a) => (
            <TableRow key={a.id}>
              <TableCell className="font-medium">
                <Link to={'/assets/' + a.id} className="underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
                  {a.name}
                </Link>
                {a.hostname && a.hostname !== a.name && <div className="text-xs text-muted-foreground">{a.hostname}</div>}
              </TableCell>
              <TableCell>{a.site_name}</TableCell>
              <TableCell className="uppercase">{a.category}</TableCell>
              <TableCell>{humanize(a.type)}</TableCell>
              <TableCell className="font-mono text-xs">{a.ip_addresses.join(', ') || '—'}</TableCell>
              <TableCell>{a.vendor_name || '—'}</TableCell>
              <TableCell>
                <Badge variant={critVariant[a.criticality]}>{a.criticality}</Badge>
              </TableCell>
              <TableCell className="capitalize">{a.lifecycle}</TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
}
