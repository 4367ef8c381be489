import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Badge, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, PageHeader, QueryError, Spinner, Tabs } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { formatDateTime, humanize } from '../../../lib/cmdb';
import { assetDetailQuery, deleteAsset, type AssetDetail } from '../api/assets';
import { critVariant } from '../components/AssetsTable';
import { DriftPanel } from '../components/DriftPanel';
import { RelationshipsPanel } from '../components/RelationshipsPanel';
import { TimelinePanel } from '../components/TimelinePanel';

const TAB_VALUES = ['overview', 'relationships', 'timeline', 'drift', 'diagrams'] as const;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 break-words text-sm">{children === '' || children === null || children === undefined ? '—' : children}</dd>
    </div>
  );
}

function Overview({ a }: { a: AssetDetail }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Identity</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-3">
            <Field label="Category">{a.category.toUpperCase()}</Field>
            <Field label="Type">{humanize(a.type)}</Field>
            <Field label="Site">
              <Link className="underline-offset-4 hover:underline" to={'/sites/' + a.site_id}>
                {a.site_name}
              </Link>
            </Field>
            <Field label="Lifecycle">{humanize(a.lifecycle)}</Field>
            <Field label="Criticality">
              <Badge variant={critVariant[a.criticality]}>{a.criticality}</Badge>
            </Field>
            <Field label="Source">{humanize(a.source)}</Field>
            <Field label="Owner">{a.owner}</Field>
            <Field label="Location detail">{a.location_detail}</Field>
            <Field label="Tags">{a.tags.join(', ')}</Field>
            <Field label="First / last seen">
              {formatDateTime(a.first_seen)} / {formatDateTime(a.last_seen)}
            </Field>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Network</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-3">
            <Field label="Hostname">{a.hostname}</Field>
            <Field label="IP addresses">
              <span className="font-mono text-xs">{a.ip_addresses.join(', ')}</span>
            </Field>
            <Field label="MAC addresses">
              <span className="font-mono text-xs">{a.mac_addresses.join(', ')}</span>
            </Field>
            <Field label="VLANs">
              {a.vlans.length === 0
                ? ''
                : a.vlans.map((v) => (
                    <div key={v.id}>
                      VLAN {v.number} {v.name} {v.zone_name ? '· ' + v.zone_name : ''} {v.cidr ? '· ' + v.cidr : ''}
                    </div>
                  ))}
            </Field>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Product</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-3">
            <Field label="Vendor">{a.vendor_name}</Field>
            <Field label="Model">{a.model}</Field>
            <Field label="Serial number">{a.serial_number}</Field>
            <Field label="Firmware version">{a.firmware_version}</Field>
            <Field label="Operating system">{a.os}</Field>
            <Field label="CPE">
              {a.cpe.map((c) => (
                <code key={c} className="block break-all text-xs">
                  {c}
                </code>
              ))}
              {a.cpe.length === 0 && a.cpe_suggestions.length > 0 && (
                <div className="text-xs text-muted-foreground">
                  Suggested:
                  {a.cpe_suggestions.map((s) => (
                    <code key={s.cpe} className="block break-all">
                      {s.cpe}
                    </code>
                  ))}
                </div>
              )}
            </Field>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Notes</CardTitle>
        </CardHeader>
        <CardContent>
          <p className="whitespace-pre-wrap text-sm">{a.notes || '—'}</p>
          <p className="mt-3 text-xs text-muted-foreground">
            Version {a.version} · created {formatDateTime(a.created_at)} · updated {formatDateTime(a.updated_at)}
          </p>
        </CardContent>
      </Card>
    </div>
  );
}

/** /assets/:id — the asset with tabs. */
export function AssetDetailPage() {
  const { id = '' } = useParams();
  const tenantId = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab = TAB_VALUES.find((t) => t === tabParam) ?? 'overview';
  const detail = useQuery(assetDetailQuery(tenantId, id));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const del = useMutation({
    mutationFn: () => deleteAsset(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'assets') });
      navigate('/assets', { replace: true });
    },
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'assets', 'detail', id) });
    void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'assets', 'timeline', id) });
  };

  if (detail.isPending) return <Spinner label="Loading asset…" />;
  if (detail.isError)
    return (
      <QueryError error={detail.error} onRetry={detail.refetch} title="The asset could not be loaded">
        <Link to="/assets" className="underline">
          Back to assets
        </Link>
      </QueryError>
    );
  const a = detail.data;
  const drift = a.panels.drift ?? [];
  const diagrams = a.panels.diagrams ?? [];

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link to="/assets" className="hover:underline">
          Assets
        </Link>{' '}
        / {a.name}
      </nav>
      <PageHeader
        title={a.name}
        description={
          <>
            {humanize(a.type)} in {a.site_name}
            {a.lifecycle === 'discovered' && ' · awaiting review'}
          </>
        }
        actions={
          <>
            {can('assets.update') && a.lifecycle !== 'discovered' && (
              <Button asChild>
                <Link to={'/assets/' + a.id + '/edit'}>Edit</Link>
              </Button>
            )}
            {can('assets.delete') && (
              <Button variant="destructive" onClick={() => setConfirmDelete(true)}>
                Delete
              </Button>
            )}
          </>
        }
      />
      <Tabs
        label="Asset sections"
        value={tab}
        onValueChange={(t) => setParams(t === 'overview' ? {} : { tab: t }, { replace: true })}
        tabs={[
          { value: 'overview', label: 'Overview' },
          { value: 'relationships', label: `Relationships (${a.relationships.length})` },
          { value: 'timeline', label: 'Timeline' },
          { value: 'drift', label: `Drift (${drift.length})` },
          { value: 'diagrams', label: `Diagrams (${diagrams.length})` },
        ]}
      >
        {tab === 'overview' && <Overview a={a} />}
        {tab === 'relationships' && <RelationshipsPanel assetId={a.id} items={a.relationships} canEdit={can('assets.update')} onChanged={refresh} />}
        {tab === 'timeline' && <TimelinePanel assetId={a.id} />}
        {tab === 'drift' && <DriftPanel items={drift} canEdit={can('assets.update')} onChanged={refresh} />}
        {tab === 'diagrams' &&
          (diagrams.length === 0 ? (
            <p className="text-sm text-muted-foreground">This asset is not on any diagram.</p>
          ) : (
            <ul className="grid gap-1">
              {diagrams.map((d) => (
                <li key={d.id}>
                  <Link className="underline-offset-4 hover:underline" to={'/diagrams/' + d.id}>
                    {d.name}
                  </Link>
                </li>
              ))}
            </ul>
          ))}
      </Tabs>
      {del.isError && (
        <Alert variant="destructive" className="mt-4">
          {errorMessage(del.error)}
        </Alert>
      )}
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={'Delete ' + a.name + '?'}
        description="The asset, its VLAN memberships, relationships, drift, observations and diagram links are removed. This cannot be undone."
        confirmLabel="Delete asset"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}
