import { Button, FormField, Input } from '@monozu/ui';
import { useState, type FormEvent, type ReactNode } from 'react';

export interface FilterBarProps {
  /** Names the search landmark, e.g. "Filter users". */
  label: string;
  /** The applied search text (from the URL). */
  search: string;
  placeholder: string;
  onSearch: (q: string) => void;
  /** Filters that apply at once (selects), placed after the search box. */
  children?: ReactNode;
  /** Shows "Clear" when any filter is set. */
  onClear?: () => void;
}

/** The search box (applied on Enter or "Search") and immediate filters above a list. */
export function FilterBar({ label, search, placeholder, onSearch, children, onClear }: FilterBarProps) {
  const [q, setQ] = useState(search);
  // The URL can change under the box (the shell's search box opens the list with another q).
  const [shown, setShown] = useState(search);
  if (search !== shown) {
    setShown(search);
    setQ(search);
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" aria-label={label} onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3">
      <FormField label="Search">
        <Input type="search" value={q} placeholder={placeholder} onChange={(e) => setQ(e.target.value)} />
      </FormField>
      {children}
      <Button type="submit">Search</Button>
      {onClear && (
        <Button
          type="button"
          variant="ghost"
          onClick={() => {
            setQ('');
            onClear();
          }}
        >
          Clear
        </Button>
      )}
    </form>
  );
}
