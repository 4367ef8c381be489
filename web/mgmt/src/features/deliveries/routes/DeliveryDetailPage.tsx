import { Button, Card, CardContent, CardHeader, CardTitle, PageHeader, QueryError, Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableState } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { DescriptionList } from '../../../components/DescriptionList';
import { FullPageSpinner } from '../../../components/FullPageSpinner';
import { useIsAdmin, useScope } from '../../../hooks/useOperator';
import { formatDateTime } from '../../../lib/format';
import { deliveryQuery } from '../api/deliveries';
import { DeliveryStatusBadge } from '../components/DeliveryStatusBadge';
import { RedeliverButton } from '../components/RedeliverButton';

export function DeliveryDetailPage() {
  const { id = '' } = useParams();
  const scope = useScope();
  const admin = useIsAdmin();
  const q = useQuery(deliveryQuery(scope, id));
  if (q.isPending) return <FullPageSpinner label="Loading delivery…" />;
  if (q.isError)
    return (
      <>
        <PageHeader title="Delivery" />
        <QueryError error={q.error} onRetry={q.refetch} title="The delivery could not be loaded" notFound="This delivery does not exist.">
          <Button size="sm" variant="link" asChild>
            <Link to="/deliveries">Back to deliveries</Link>
          </Button>
        </QueryError>
      </>
    );
  const d = q.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/deliveries" className="text-muted-foreground underline-offset-4 hover:underline">
          Webhook deliveries
        </Link>{' '}
        / <span aria-current="page">{d.event_id}</span>
      </nav>
      <PageHeader
        title="Licence push"
        description={<DeliveryStatusBadge status={d.status} />}
        actions={
          <>
            <Button variant="outline" loading={q.isRefetching} onClick={() => void q.refetch()}>
              Refresh
            </Button>
            {admin && <RedeliverButton delivery={d} size="default" />}
          </>
        }
      />
      <div className="grid gap-6">
        <Card>
          <CardContent className="pt-6">
            <DescriptionList
              items={[
                { label: 'Event id', value: <span className="font-mono text-xs">{d.event_id}</span> },
                { label: 'Tenant id', value: <span className="font-mono text-xs">{d.tenant_id}</span> },
                { label: 'Created', value: formatDateTime(d.created_at) },
                { label: 'Delivered', value: formatDateTime(d.delivered_at) },
                { label: 'Gives up at', value: formatDateTime(d.give_up_at) },
                { label: 'Attempts', value: d.attempts },
                { label: 'Last error', value: d.last_error || '—' },
              ]}
            />
          </CardContent>
        </Card>
        <section aria-labelledby="attempts-heading" className="grid gap-3">
          <h2 id="attempts-heading" className="text-lg font-semibold">
            Attempts
          </h2>
          <Table>
            <TableCaption>Delivery attempts</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>HTTP status</TableHead>
                <TableHead>Latency</TableHead>
                <TableHead>Error</TableHead>
                <TableHead>Response</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              <TableState colSpan={5} empty={d.attempt_log.length === 0} emptyMessage="Not attempted yet." />
              {d.attempt_log.map((a, i) => (
                <TableRow key={`${a.at}-${String(i)}`}>
                  <TableCell className="whitespace-nowrap">{formatDateTime(a.at)}</TableCell>
                  <TableCell>{a.status_code ?? 'no answer'}</TableCell>
                  <TableCell>{a.latency_ms} ms</TableCell>
                  <TableCell className="text-xs text-destructive">{a.error || '—'}</TableCell>
                  <TableCell>
                    <code className="block max-w-md whitespace-pre-wrap break-all text-xs">{a.response || '—'}</code>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>
        <Card>
          <CardHeader>
            <CardTitle>Payload</CardTitle>
          </CardHeader>
          <CardContent>
            <pre className="overflow-auto rounded-md bg-muted p-3 text-xs">{JSON.stringify(d.payload, null, 2)}</pre>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
