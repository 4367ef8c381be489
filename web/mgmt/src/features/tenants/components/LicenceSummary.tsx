import { Badge } from '@monozu/ui';
import { DescriptionList } from '../../../components/DescriptionList';
import { formatDate, formatDateTime, formatLimit } from '../../../lib/format';
import { FEATURES, licenceState, licenceStateLabel } from '../../../lib/licence';
import type { License } from '../../../lib/types';

const stateVariant = {
  none: 'secondary',
  scheduled: 'secondary',
  active: 'success',
  expiring: 'warning',
  grace: 'warning',
  expired: 'destructive',
} as const;

export function LicenceSummary({ license }: { license: License | null }) {
  const st = licenceState(license);
  if (!license) {
    return <p className="text-sm text-muted-foreground">No licence assigned. The tenant stays pending until one is.</p>;
  }
  const featureLabel = (id: string) => FEATURES.find((f) => f.id === id)?.label ?? id;
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-lg font-semibold capitalize">{license.plan}</span>
        <Badge variant={stateVariant[st.state]}>{licenceStateLabel(st)}</Badge>
        <span className="text-xs text-muted-foreground">version {license.version}</span>
      </div>
      <DescriptionList
        items={[
          {
            label: 'Modules',
            value: license.features.length ? license.features.map(featureLabel).join(', ') : 'Core only',
          },
          { label: 'Max assets', value: formatLimit(license.limits.max_assets) },
          { label: 'Max edge devices', value: formatLimit(license.limits.max_devices) },
          { label: 'Max users', value: formatLimit(license.limits.max_users) },
          { label: 'Starts', value: formatDate(license.starts_at) },
          { label: 'Expires', value: license.expires_at ? formatDate(license.expires_at) : 'No end' },
          { label: 'Grace', value: `${String(license.grace_days)} days` },
          { label: 'Issued', value: formatDateTime(license.issued_at) },
          { label: 'Notes', value: license.notes || '—' },
        ]}
      />
    </div>
  );
}
