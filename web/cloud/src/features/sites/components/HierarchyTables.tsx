import { Button, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { Link } from 'react-router-dom';
import type { Vlan, Zone } from '../../../lib/cmdb';
import { deleteVlan, deleteZone } from '../api/sites';
import { DeleteAction } from './DeleteAction';

interface Common {
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  canUpdate: boolean;
  canDelete: boolean;
  onChanged: () => void;
}

export function ZonesTable({ zones, onEdit, showSite = true, ...c }: Common & { zones: Zone[]; onEdit: (z: Zone) => void; showSite?: boolean }) {
  const cols = 5 + (showSite ? 1 : 0);
  return (
    <Table>
      <TableCaption>Zones</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          {showSite && <TableHead>Site</TableHead>}
          <TableHead>Purdue level</TableHead>
          <TableHead>Target SL</TableHead>
          <TableHead>VLANs</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState colSpan={cols} loading={c.loading} error={c.error} onRetry={c.onRetry} empty={zones.length === 0} emptyMessage="No zones." />
        {!c.loading &&
          !c.error &&
          zones.map((z) => (
            <TableRow key={z.id}>
              <TableCell className="font-medium">{z.name}</TableCell>
              {showSite && <TableCell>{z.site_id ? <Link className="hover:underline" to={'/sites/' + z.site_id}>{z.site_name}</Link> : '—'}</TableCell>}
              <TableCell>{z.purdue_level}</TableCell>
              <TableCell>{z.security_level ?? '—'}</TableCell>
              <TableCell>
                <Link className="underline-offset-4 hover:underline" to={'/vlans?zone_id=' + z.id}>
                  {z.vlan_count}
                </Link>
              </TableCell>
              <TableCell className="text-right">
                {c.canUpdate && (
                  <Button size="sm" variant="ghost" onClick={() => onEdit(z)} aria-label={'Edit zone ' + z.name}>
                    Edit
                  </Button>
                )}
                {c.canDelete && <DeleteAction what="zone" name={z.name} onDelete={() => deleteZone(z.id)} onDone={c.onChanged} />}
              </TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
}

export function VlansTable({ vlans, onEdit, ...c }: Common & { vlans: Vlan[]; onEdit: (v: Vlan) => void }) {
  return (
    <Table>
      <TableCaption>VLANs</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Number</TableHead>
          <TableHead>Name</TableHead>
          <TableHead>Zone</TableHead>
          <TableHead>Site</TableHead>
          <TableHead>Network</TableHead>
          <TableHead>Gateway</TableHead>
          <TableHead>Assets</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        <TableState colSpan={8} loading={c.loading} error={c.error} onRetry={c.onRetry} empty={vlans.length === 0} emptyMessage="No VLANs." />
        {!c.loading &&
          !c.error &&
          vlans.map((v) => (
            <TableRow key={v.id}>
              <TableCell className="font-medium">{v.number}</TableCell>
              <TableCell>{v.name || '—'}</TableCell>
              <TableCell>{v.zone_name || '—'}</TableCell>
              <TableCell>{v.site_name || '—'}</TableCell>
              <TableCell className="font-mono text-xs">{v.cidr ?? '—'}</TableCell>
              <TableCell className="font-mono text-xs">{v.gateway ?? '—'}</TableCell>
              <TableCell>
                <Link className="underline-offset-4 hover:underline" to={'/assets?vlan_id=' + v.id}>
                  {v.asset_count}
                </Link>
              </TableCell>
              <TableCell className="text-right">
                {c.canUpdate && (
                  <Button size="sm" variant="ghost" onClick={() => onEdit(v)} aria-label={'Edit VLAN ' + String(v.number)}>
                    Edit
                  </Button>
                )}
                {c.canDelete && <DeleteAction what="VLAN" name={String(v.number)} onDelete={() => deleteVlan(v.id)} onDone={c.onChanged} />}
              </TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
}
