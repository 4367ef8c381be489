import { Card, CardContent, CardHeader, CardTitle, FormField, QueryError, Select, Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTenantId } from '../../../hooks/useMe';
import { alertTimelineQuery, type AlertTimeline, type TimelineBucket } from '../api/fleet';

// Mildest at the bottom of each stack.
const SERIES = [
  { key: 'info', name: 'Info', color: 'hsl(215 16% 60%)' },
  { key: 'low', name: 'Low', color: 'hsl(200 70% 45%)' },
  { key: 'medium', name: 'Medium', color: 'hsl(38 92% 45%)' },
  { key: 'high', name: 'High', color: 'hsl(20 85% 50%)' },
  { key: 'critical', name: 'Critical', color: 'hsl(0 72% 45%)' },
] as const;

/** The timeline as chart rows: a label per bucket and its counts. */
export function chartRows(t: AlertTimeline) {
  const fmt = new Intl.DateTimeFormat(undefined, t.bucket === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' });
  return t.points.map((p) => ({ label: fmt.format(new Date(p.start)), ...p.counts }));
}

/** Security alerts over time, stacked by severity: the last 24 hours by hour or 30 days by day. */
export function AlertsChart() {
  const t = useTenantId();
  const [bucket, setBucket] = useState<TimelineBucket>('hour');
  const q = useQuery(alertTimelineQuery(t, bucket));
  const rows = q.data ? chartRows(q.data) : [];
  const total = rows.reduce((n, r) => n + r.info + r.low + r.medium + r.high + r.critical, 0);
  return (
    <Card className="mt-4">
      <CardHeader className="flex flex-row items-end justify-between gap-2 space-y-0 pb-2">
        <CardTitle className="text-base">Alerts over time</CardTitle>
        <FormField label="Period">
          <Select value={bucket} onChange={(e) => setBucket(e.target.value as TimelineBucket)}>
            <option value="hour">Last 24 hours, by hour</option>
            <option value="day">Last 30 days, by day</option>
          </Select>
        </FormField>
      </CardHeader>
      <CardContent>
        {q.isPending ? (
          <Spinner label="Loading the alert timeline" />
        ) : q.isError ? (
          <QueryError error={q.error} onRetry={q.refetch} title="The alert timeline could not be loaded" />
        ) : (
          <figure aria-label={'Alerts over time, stacked by severity: ' + String(total) + ' in the period'} className="h-64 w-full">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={rows}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" minTickGap={24} tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={32} />
                <Tooltip />
                <Legend />
                {SERIES.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.name} stackId="severity" fill={s.color} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </figure>
        )}
      </CardContent>
    </Card>
  );
}
