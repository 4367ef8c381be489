import { Badge, DataTable, FormField, LoadMore, Select, TableCell, TableRow } from '@monozu/ui';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime } from '../../../lib/cmdb';
import { pageItems } from '../../../lib/paged';
import { logsQuery } from '../api/devices';

const LEVEL_VARIANT = { debug: 'outline', info: 'secondary', warn: 'warning', error: 'destructive' } as const;

export function LogsPanel({ deviceId }: { deviceId: string }) {
  const t = useTenantId();
  const [level, setLevel] = useState('');
  const list = useInfiniteQuery(logsQuery(t, deviceId, level));
  const logs = pageItems(list.data);
  return (
    <>
      <div className="mb-3">
        <FormField label="Lowest level">
          <Select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">Any</option>
            <option value="info">Info</option>
            <option value="warn">Warning</option>
            <option value="error">Error</option>
          </Select>
        </FormField>
      </div>
      <DataTable caption="Device logs" columns={['Time', 'Level', 'Source', 'Message']} query={list} empty={logs.length === 0} emptyMessage="No log lines.">
        {logs.map((l) => (
          <TableRow key={l.id}>
            <TableCell className="whitespace-nowrap">{formatDateTime(l.ts)}</TableCell>
            <TableCell>
              <Badge variant={LEVEL_VARIANT[l.level]}>{l.level}</Badge>
            </TableCell>
            <TableCell>{l.source || '—'}</TableCell>
            <TableCell className="font-mono text-xs">{l.message}</TableCell>
          </TableRow>
        ))}
      </DataTable>
      <LoadMore count={logs.length} query={list} />
    </>
  );
}
