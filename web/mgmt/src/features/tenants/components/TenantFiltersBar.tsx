import { Button, FormField, Input, Select } from '@monozu/ui';
import { useState, type FormEvent } from 'react';
import type { TenantFilters } from '../api/tenants';

export function TenantFiltersBar({ value, onChange }: { value: TenantFilters; onChange: (f: TenantFilters) => void }) {
  const [q, setQ] = useState(value.q ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ...value, q: q.trim() || undefined });
  };
  return (
    <form role="search" aria-label="Filter tenants" onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3">
      <FormField label="Search" className="w-full sm:w-72">
        <Input type="search" placeholder="Account or organisation name" value={q} onChange={(e) => setQ(e.target.value)} />
      </FormField>
      <FormField label="Status" className="w-48">
        <Select value={value.status ?? ''} onChange={(e) => onChange({ ...value, status: e.target.value || undefined })}>
          <option value="">Any status</option>
          <option value="pending">Pending</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="deleted">Deleted</option>
        </Select>
      </FormField>
      <Button type="submit">Search</Button>
      <Button
        variant="ghost"
        onClick={() => {
          setQ('');
          onChange({});
        }}
      >
        Clear
      </Button>
    </form>
  );
}
