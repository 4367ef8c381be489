import { Card, CardContent, PageHeader, QueryError, Spinner } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime, humanize } from '../../../lib/cmdb';
import { alertQuery } from '../api/alerts';
import { AcknowledgeButton } from '../components/AcknowledgeButton';
import { SeverityBadge } from '../components/SeverityBadge';

export function AlertDetailPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const can = useCan();
  const q = useQuery(alertQuery(t, id));
  if (q.isPending) return <Spinner label="Loading the alert…" />;
  if (q.isError)
    return (
      <QueryError error={q.error} onRetry={q.refetch} title="The alert did not load">
        <Link to="/security/alerts" className="underline">Back to alerts</Link>
      </QueryError>
    );
  const a = q.data;
  const endpoint = (ip: string | null, port: number | null) => (ip ?? '—') + (port ? ':' + String(port) : '');
  const rows: [string, React.ReactNode][] = [
    ['Severity', <SeverityBadge key="s" severity={a.severity} />],
    ['Status', humanize(a.status) + (a.acknowledged_at ? ' at ' + formatDateTime(a.acknowledged_at) : '')],
    ['Observed', formatDateTime(a.observed_at)],
    ['Category', a.category || '—'],
    ['Source', endpoint(a.source_ip, a.source_port)],
    ['Destination', endpoint(a.destination_ip, a.destination_port)],
    ['Protocol', a.protocol || '—'],
    ['Signature', a.signature_id || '—'],
    ['Device', a.device_id ? <Link key="d" to={'/devices/' + a.device_id} className="underline">Open the device</Link> : '—'],
    ['Asset', a.asset_id ? <Link key="a" to={'/assets/' + a.asset_id} className="underline">Open the asset</Link> : '—'],
  ];
  return (
    <>
      <PageHeader title={a.title} description={a.description || 'A security alert from an edge appliance.'} actions={a.status === 'new' && can('security.manage') && <AcknowledgeButton alert={a} size="default" />} />
      <Card>
        <CardContent className="pt-6">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
            {rows.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted-foreground">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </CardContent>
      </Card>
      <p className="mt-4 text-sm">
        <Link to="/security/alerts" className="underline">All alerts</Link>
      </p>
    </>
  );
}
