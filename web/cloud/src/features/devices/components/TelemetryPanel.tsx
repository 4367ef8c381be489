import { errorMessage } from '@monozu/api';
import { Alert, Button, FormField, Select, Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTenantId } from '../../../hooks/useMe';
import { telemetryQuery } from '../api/devices';

const RANGES = { '1h': 3600_000, '6h': 6 * 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
type Range = keyof typeof RANGES;

const SERIES = [
  { key: 'cpu_avg', name: 'CPU %', color: '#2563eb' },
  { key: 'memory_avg', name: 'Memory %', color: '#16a34a' },
  { key: 'disk_avg', name: 'Disk %', color: '#d97706' },
] as const;

/** CPU, memory and disk averages per bucket over a chosen range. */
export function TelemetryPanel({ deviceId }: { deviceId: string }) {
  const t = useTenantId();
  const [range, setRange] = useState<Range>('24h');
  // The window is fixed when the range is chosen, so the query key stays stable between renders.
  const [window, setWindow] = useState(() => ({ to: new Date().toISOString(), from: new Date(Date.now() - RANGES['24h']).toISOString() }));
  const q = useQuery(telemetryQuery(t, deviceId, window.from, window.to));
  const data = useMemo(() => (q.data?.buckets ?? []).map((b) => ({ ...b, time: new Date(b.start).toLocaleString() })), [q.data]);
  const choose = (r: Range) => {
    setRange(r);
    const now = Date.now();
    setWindow({ to: new Date(now).toISOString(), from: new Date(now - RANGES[r]).toISOString() });
  };
  return (
    <div className="grid gap-3">
      <div className="flex items-end gap-3">
        <FormField label="Range">
          <Select value={range} onChange={(e) => choose(e.target.value as Range)}>
            <option value="1h">Last hour</option>
            <option value="6h">Last 6 hours</option>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
          </Select>
        </FormField>
        <Button variant="outline" onClick={() => choose(range)}>
          Refresh
        </Button>
        {q.data && <span className="pb-2 text-xs text-muted-foreground">{q.data.bucket} buckets</span>}
      </div>
      {q.isPending && <Spinner label="Loading telemetry…" />}
      {q.isError && (
        <Alert variant="destructive" title="Telemetry did not load">
          {errorMessage(q.error)}
        </Alert>
      )}
      {q.isSuccess && data.length === 0 && <p className="text-sm text-muted-foreground">No telemetry in this range.</p>}
      {data.length > 0 && (
        <figure aria-label="CPU, memory and disk use over time" className="h-80 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="time" minTickGap={40} tick={{ fontSize: 12 }} />
              <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
              <Tooltip />
              <Legend />
              {SERIES.map((s) => (
                <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} dot={false} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </div>
  );
}
