import { Button, FormField, Input, Select } from '@monozu/ui';
import { useState, type FormEvent } from 'react';
import type { AssetFilters, SiteOption } from '../api/assets';

export interface AssetFiltersBarProps {
  value: AssetFilters;
  sites: SiteOption[];
  onChange: (next: AssetFilters) => void;
}

/** Selects apply at once; the free-text search applies on Enter or "Search". */
export function AssetFiltersBar({ value, sites, onChange }: AssetFiltersBarProps) {
  const [q, setQ] = useState(value.q ?? '');
  const set = (k: keyof AssetFilters, v: string) => onChange({ ...value, [k]: v || undefined });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set('q', q.trim());
  };

  return (
    <form role="search" aria-label="Filter assets" onSubmit={submit} className="mb-4 grid gap-3 md:grid-cols-3 xl:grid-cols-6 xl:items-end">
      <FormField label="Search" className="md:col-span-3 xl:col-span-2">
        <Input type="search" placeholder="Name, hostname, IP, MAC, serial, model" value={q} onChange={(e) => setQ(e.target.value)} />
      </FormField>
      <FormField label="Site">
        <Select value={value.site_id ?? ''} onChange={(e) => set('site_id', e.target.value)}>
          <option value="">All sites</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </FormField>
      <FormField label="Category">
        <Select value={value.category ?? ''} onChange={(e) => set('category', e.target.value)}>
          <option value="">IT and OT</option>
          <option value="it">IT</option>
          <option value="ot">OT</option>
        </Select>
      </FormField>
      <FormField label="Criticality">
        <Select value={value.criticality ?? ''} onChange={(e) => set('criticality', e.target.value)}>
          <option value="">Any</option>
          <option value="critical">Critical</option>
          <option value="high">High</option>
          <option value="high,critical">High or critical</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </Select>
      </FormField>
      <FormField label="Lifecycle">
        <Select value={value.lifecycle ?? ''} onChange={(e) => set('lifecycle', e.target.value)}>
          <option value="">Planned, active, decommissioned</option>
          <option value="active">Active</option>
          <option value="planned">Planned</option>
          <option value="decommissioned">Decommissioned</option>
          <option value="discovered">Discovered</option>
        </Select>
      </FormField>
      <div className="flex gap-2 md:col-span-3 xl:col-span-6">
        <Button type="submit">Search</Button>
        <Button
          variant="ghost"
          onClick={() => {
            setQ('');
            onChange(value.sort ? { sort: value.sort } : {});
          }}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}
