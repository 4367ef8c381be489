import { errorMessage, tenantKey } from '@monozu/api';
import { Alert, Button, Card, CardContent, LoadMore, PageHeader, QueryError, Spinner } from '@monozu/ui';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCan } from '../../../hooks/useCan';
import { useTenantId } from '../../../hooks/useMe';
import { humanize, type Vlan, type Zone } from '../../../lib/cmdb';
import { createPurdueZones, deleteSite, siteQuery, vlansListQuery, zonesListQuery } from '../api/sites';
import { DeleteAction } from '../components/DeleteAction';
import { SiteFormDialog, VlanFormDialog, ZoneFormDialog } from '../components/FormDialogs';
import { VlansTable, ZonesTable } from '../components/HierarchyTables';

export function SiteDetailPage() {
  const { id = '' } = useParams();
  const t = useTenantId();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const site = useQuery(siteQuery(t, id));
  const zones = useInfiniteQuery(zonesListQuery(t, { site_id: id }));
  const vlans = useInfiniteQuery(vlansListQuery(t, { site_id: id }));
  const [editSite, setEditSite] = useState(false);
  const [zoneEdit, setZoneEdit] = useState<Zone | 'new' | null>(null);
  const [vlanEdit, setVlanEdit] = useState<Vlan | 'new' | null>(null);
  const changed = () => {
    for (const k of ['sites', 'zones', 'vlans', 'options']) void qc.invalidateQueries({ queryKey: tenantKey(t, k) });
  };
  const preset = useMutation({ mutationFn: () => createPurdueZones(id), onSuccess: changed });

  if (site.isPending) return <Spinner label="Loading site…" />;
  if (site.isError) return <QueryError error={site.error} onRetry={site.refetch} title="The site could not be loaded" />;
  const s = site.data;
  const zoneItems = zones.data?.pages.flatMap((p) => p.items) ?? [];
  const vlanItems = vlans.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link to="/sites" className="hover:underline">
          Sites
        </Link>{' '}
        / {s.name}
      </nav>
      <PageHeader
        title={s.name}
        description={[s.code, humanize(s.status), s.location, s.timezone].filter(Boolean).join(' · ')}
        actions={
          <>
            <Button variant="outline" asChild>
              <Link to={'/assets?site_id=' + s.id}>{s.counts.assets} assets</Link>
            </Button>
            {can('sites.update') && <Button onClick={() => setEditSite(true)}>Edit</Button>}
            {can('sites.delete') && <DeleteAction size="default" what="site" name={s.name} onDelete={() => deleteSite(s.id)} onDone={() => { changed(); navigate('/sites', { replace: true }); }} />}
          </>
        }
      />
      {(s.description || s.contact || s.latitude !== null) && (
        <Card className="mb-6">
          <CardContent className="grid gap-1 pt-6 text-sm">
            {s.description && <p className="whitespace-pre-wrap">{s.description}</p>}
            {s.contact && <p>Contact: {s.contact}</p>}
            {s.latitude !== null && s.longitude !== null && (
              <p>
                Coordinates: {s.latitude}, {s.longitude}
              </p>
            )}
          </CardContent>
        </Card>
      )}
      <section aria-labelledby="zones-h" className="mb-8">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 id="zones-h" className="text-lg font-semibold">
            Zones
          </h2>
          <div className="flex gap-2">
            {can('sites.create') && (
              <>
                <Button variant="outline" size="sm" loading={preset.isPending} onClick={() => preset.mutate()}>
                  Create Purdue zones
                </Button>
                <Button size="sm" onClick={() => setZoneEdit('new')}>
                  New zone
                </Button>
              </>
            )}
          </div>
        </div>
        <div aria-live="polite">
          {preset.isSuccess && (
            <Alert variant="success" className="mb-3">
              {preset.data.created.length === 0 ? 'The site already has every Purdue zone.' : 'Created ' + preset.data.created.map((z) => z.name).join(', ') + '.'}
            </Alert>
          )}
          {preset.isError && (
            <Alert variant="destructive" className="mb-3">
              {errorMessage(preset.error)}
            </Alert>
          )}
        </div>
        <ZonesTable
          zones={zoneItems}
          showSite={false}
          loading={zones.isPending}
          error={zones.isError && zoneItems.length === 0 ? errorMessage(zones.error) : null}
          onRetry={() => void zones.refetch()}
          canUpdate={can('sites.update')}
          canDelete={can('sites.delete')}
          onChanged={changed}
          onEdit={setZoneEdit}
        />
        <LoadMore count={zoneItems.length} query={zones} />
      </section>
      <section aria-labelledby="vlans-h">
        <div className="mb-3 flex items-center justify-between">
          <h2 id="vlans-h" className="text-lg font-semibold">
            VLANs
          </h2>
          {can('sites.create') && (
            <Button size="sm" onClick={() => setVlanEdit('new')}>
              New VLAN
            </Button>
          )}
        </div>
        <VlansTable
          vlans={vlanItems}
          loading={vlans.isPending}
          error={vlans.isError && vlanItems.length === 0 ? errorMessage(vlans.error) : null}
          onRetry={() => void vlans.refetch()}
          canUpdate={can('sites.update')}
          canDelete={can('sites.delete')}
          onChanged={changed}
          onEdit={setVlanEdit}
        />
        <LoadMore count={vlanItems.length} query={vlans} />
      </section>
      {editSite && <SiteFormDialog open onOpenChange={setEditSite} site={s} />}
      {zoneEdit && <ZoneFormDialog open onOpenChange={(o) => !o && setZoneEdit(null)} zone={zoneEdit === 'new' ? undefined : zoneEdit} siteId={id} />}
      {vlanEdit && <VlanFormDialog open onOpenChange={(o) => !o && setVlanEdit(null)} vlan={vlanEdit === 'new' ? undefined : vlanEdit} siteId={id} />}
    </>
  );
}
