import { Alert, PageHeader, QueryError, Spinner } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { assetDetailQuery, createAsset, updateAsset, type AssetInput } from '../api/assets';
import { AssetForm } from '../components/AssetForm';
import { emptyAsset, inputFromAsset } from '../components/asset-form-model';
import { tenantKey } from '@monozu/api';

/** /assets/new (optionally ?site_id=) */
export function AssetCreatePage() {
  const tenantId = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const create = useMutation({
    mutationFn: (v: AssetInput) => createAsset(v),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'assets') });
      void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'options') });
      navigate('/assets/' + a.id);
    },
  });
  return (
    <>
      <PageHeader title="New asset" />
      <AssetForm
        initial={emptyAsset(params.get('site_id') ?? '')}
        submitLabel="Create asset"
        busy={create.isPending}
        error={create.error}
        onSubmit={(v) => create.mutate(v)}
        onCancel={() => navigate('/assets')}
      />
    </>
  );
}

/** /assets/:id/edit */
export function AssetEditPage() {
  const { id = '' } = useParams();
  const tenantId = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const detail = useQuery(assetDetailQuery(tenantId, id));
  const save = useMutation({
    mutationFn: (v: AssetInput) => updateAsset(id, detail.data?.version ?? 0, v),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKey(tenantId, 'assets') });
      navigate('/assets/' + id);
    },
  });
  if (detail.isPending) return <Spinner label="Loading asset…" />;
  if (detail.isError) return <QueryError error={detail.error} onRetry={detail.refetch} title="The asset could not be loaded" />;
  return (
    <>
      <PageHeader title={'Edit ' + detail.data.name} />
      {save.error && (save.error as { code?: string }).code === 'version_conflict' && (
        <Alert variant="warning" className="mb-4">
          Someone changed this asset since you opened it. Reload to see their changes before saving again.
        </Alert>
      )}
      <AssetForm
        key={detail.data.version}
        initial={inputFromAsset(detail.data)}
        submitLabel="Save changes"
        busy={save.isPending}
        error={save.error}
        onSubmit={(v) => save.mutate(v)}
        onCancel={() => navigate('/assets/' + id)}
      />
    </>
  );
}
