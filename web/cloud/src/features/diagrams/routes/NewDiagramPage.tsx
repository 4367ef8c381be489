import { tenantKey } from '@monozu/api';
import { Button, FormField, Input, PageHeader, Select, Textarea } from '@monozu/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { useFieldErrors } from '../../../hooks/useFieldErrors';
import { useTenantId } from '../../../hooks/useMe';
import { siteOptionsQuery } from '../../../lib/cmdb';
import { createDiagram, validateNewDiagram, type NewDiagram, type Preset } from '../api/diagrams';

/** Diagrams → New: a site's diagram, empty or drawn from the inventory by a preset. */
export function NewDiagramPage() {
  const t = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const sites = useQuery(siteOptionsQuery(t));
  const [v, setV] = useState({ name: '', description: '', site_id: params.get('site_id') ?? '', preset: 'full_stack' as Preset | '' });
  const create = useMutation({
    mutationFn: (b: NewDiagram) => createDiagram(b),
    onSuccess: (d) => {
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'diagrams') });
      navigate('/diagrams/' + d.id, { replace: true });
    },
  });
  const { err, check } = useFieldErrors(create.error);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const b: NewDiagram = { name: v.name.trim(), description: v.description.trim(), site_id: v.site_id, ...(v.preset ? { preset: v.preset } : {}) };
    if (check(validateNewDiagram(b))) create.mutate(b);
  };
  return (
    <>
      <PageHeader title="New diagram" description="Draw a site by hand or start from its inventory." />
      <form className="grid max-w-lg gap-4" onSubmit={submit} noValidate aria-label="New diagram">
        <FormErrorSummary error={create.error} shownFields={['name', 'description', 'site_id', 'preset']} />
        <FormField label="Name" error={err('name')}>
          <Input value={v.name} onChange={set('name')} maxLength={200} autoFocus />
        </FormField>
        <FormField label="Site" error={err('site_id')}>
          <Select value={v.site_id} onChange={set('site_id')}>
            <option value="">{sites.isPending ? 'Loading sites…' : 'Choose a site'}</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Start with" error={err('preset')}>
          <Select value={v.preset} onChange={set('preset')}>
            <option value="full_stack">The whole site: zones, VLANs and assets</option>
            <option value="cmdb_only">VLANs and assets only</option>
            <option value="">An empty canvas</option>
          </Select>
        </FormField>
        <FormField label="Description" error={err('description')}>
          <Textarea value={v.description} onChange={set('description')} rows={3} maxLength={4000} />
        </FormField>
        <div className="flex gap-2">
          <Button type="submit" loading={create.isPending}>
            Create diagram
          </Button>
          <Button variant="outline" asChild>
            <Link to="/diagrams">Cancel</Link>
          </Button>
        </div>
      </form>
    </>
  );
}
