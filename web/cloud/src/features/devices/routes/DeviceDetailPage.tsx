import { PageHeader, QueryError, Spinner, Tabs } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { deviceQuery } from '../api/devices';
import { CommandsPanel } from '../components/CommandsPanel';
import { LogsPanel } from '../components/LogsPanel';
import { OverviewPanel } from '../components/OverviewPanel';
import { StatusBadge } from '../components/StatusBadge';

// The chart library is large: load it only when the telemetry tab opens.
const TelemetryPanel = lazy(() => import('../components/TelemetryPanel').then((m) => ({ default: m.TelemetryPanel })));

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'telemetry', label: 'Telemetry' },
  { value: 'logs', label: 'Logs' },
  { value: 'commands', label: 'Commands' },
];

export function DeviceDetailPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'overview';
  const q = useQuery(deviceQuery(t, id));
  if (q.isPending) return <Spinner label="Loading the device…" />;
  if (q.isError)
    return (
      <QueryError error={q.error} onRetry={q.refetch} title="The device did not load">
        <Link to="/devices" className="underline">Back to devices</Link>
      </QueryError>
    );
  const d = q.data;
  return (
    <>
      <PageHeader title={d.name} description={(d.site_name ? d.site_name + ' · ' : '') + (d.hostname || d.type)} actions={<StatusBadge status={d.status} />} />
      <Tabs label="Device" tabs={TABS} value={tab} onValueChange={(v) => setParams({ tab: v }, { replace: true })}>
        {tab === 'overview' && <OverviewPanel device={d} />}
        {tab === 'telemetry' && (
          <Suspense fallback={<Spinner label="Loading the charts…" />}>
            <TelemetryPanel deviceId={d.id} />
          </Suspense>
        )}
        {tab === 'logs' && <LogsPanel deviceId={d.id} />}
        {tab === 'commands' && <CommandsPanel deviceId={d.id} live={d.status !== 'deregistered'} />}
      </Tabs>
    </>
  );
}
