import { Alert, Button, Card, CardContent, CardHeader, CardTitle, PageHeader, QueryError } from '@monozu/ui';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { DescriptionList } from '../../../components/DescriptionList';
import { FullPageSpinner } from '../../../components/FullPageSpinner';
import { TenantStatusBadge } from '../../../components/TenantStatusBadge';
import { useIsAdmin, useScope } from '../../../hooks/useOperator';
import { formatDate, formatDateTime } from '../../../lib/format';
import { tenantDetailQuery } from '../api/tenants';
import { HistoryTable } from '../components/HistoryTable';
import { LicenceSummary } from '../components/LicenceSummary';
import { TenantActions } from '../components/TenantActions';

const registrationLabel = { pending: 'Awaiting approval', approved: 'Approved', rejected: 'Rejected' } as const;

export function TenantDetailPage() {
  const { id = '' } = useParams();
  const scope = useScope();
  const admin = useIsAdmin();
  const q = useQuery(tenantDetailQuery(scope, id));

  if (q.isPending) return <FullPageSpinner label="Loading tenant…" />;
  if (q.isError)
    return (
      <>
        <PageHeader title="Tenant" />
        <QueryError error={q.error} onRetry={q.refetch} title="The tenant could not be loaded" notFound="This tenant does not exist.">
          <Button size="sm" variant="link" asChild>
            <Link to="/">Back to tenants</Link>
          </Button>
        </QueryError>
      </>
    );
  const t = q.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/" className="text-muted-foreground underline-offset-4 hover:underline">
          Tenants
        </Link>{' '}
        / <span aria-current="page">{t.organization_name}</span>
      </nav>
      <PageHeader
        title={t.organization_name}
        description={
          <span className="inline-flex items-center gap-2">
            <TenantStatusBadge status={t.status} />
            <span className="font-mono">{t.account_name}</span>
          </span>
        }
      />
      {t.deletion_scheduled_at && (
        <Alert variant="warning" className="mb-4">
          Deleted; its data is purged on {formatDate(t.deletion_scheduled_at)}.
        </Alert>
      )}
      {t.registration === 'pending' && (
        <Alert variant="warning" className="mb-4">
          This self-registration awaits a decision. <Link to="/registrations" className="underline underline-offset-4">Open pending registrations</Link>{' '}
          or assign a licence here to approve it.
        </Alert>
      )}
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Organisation</CardTitle>
          </CardHeader>
          <CardContent>
            <DescriptionList
              items={[
                { label: 'Contact', value: `${t.contact_name || '—'}${t.contact_email ? ` <${t.contact_email}>` : ''}` },
                { label: 'Source', value: t.source === 'self_registered' ? 'Self-registered' : 'Created by an operator' },
                { label: 'Registration', value: t.registration ? registrationLabel[t.registration] : 'Not applicable' },
                { label: 'Created', value: formatDateTime(t.created_at) },
                { label: 'Updated', value: formatDateTime(t.updated_at) },
                { label: 'Cloud tenant id', value: <span className="font-mono text-xs">{t.cloud_tenant_id}</span> },
              ]}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Licence</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-6">
            <LicenceSummary license={t.license} />
            {admin ? (
              <TenantActions tenant={t} />
            ) : (
              <p className="text-sm text-muted-foreground">Support operators can read licences; admins change them.</p>
            )}
          </CardContent>
        </Card>
        <section aria-labelledby="history-heading" className="grid gap-3">
          <h2 id="history-heading" className="text-lg font-semibold">
            Licence history
          </h2>
          <HistoryTable history={t.history} />
        </section>
      </div>
    </>
  );
}
