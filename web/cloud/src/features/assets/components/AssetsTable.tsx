import { Badge, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import type { Asset, Criticality } from '../api/assets';

const critVariant: Record<Criticality, 'destructive' | 'warning' | 'secondary' | 'outline'> = {
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
}

const COLS = 7;

export function AssetsTable({ assets, loading, error, onRetry, filtered }: AssetsTableProps) {
  return (
    <Table>
      <TableCaption>Assets</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Site</TableHead>
          <TableHead>Category</TableHead>
          <TableHead>Type</TableHead>
          <TableHead>IP addresses</TableHead>
          <TableHead>Criticality</TableHead>
          <TableHead>Lifecycle</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState
          colSpan={COLS}
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
                {a.name}
                {a.hostname && a.hostname !== a.name && <div className="text-xs text-muted-foreground">{a.hostname}</div>}
              </TableCell>
              <TableCell>{a.site_name}</TableCell>
              <TableCell className="uppercase">{a.category}</TableCell>
              <TableCell>{a.type}</TableCell>
              <TableCell className="font-mono text-xs">{a.ip_addresses.join(', ') || '—'}</TableCell>
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
