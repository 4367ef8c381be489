import { errorMessage } from '@monozu/api';
import { Input, Spinner, cn } from '@monozu/ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { useTenantId } from '../hooks/useMe';
import { assetSearchQuery, type Asset } from '../lib/cmdb';

/** Typing settles this long before the search is sent. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Shorter text is not searched (the API's index needs three characters; two still filter). */
export const SEARCH_MIN_CHARS = 2;

type Choice = { kind: 'asset'; asset: Asset } | { kind: 'all' };

/** Site, first IP and first MAC of an asset, as the search box lists them. */
export function assetSummary(a: Pick<Asset, 'site_name' | 'ip_addresses' | 'mac_addresses'>): string {
  return [a.site_name, a.ip_addresses[0], a.mac_addresses[0]].filter(Boolean).join(' · ');
}

/**
 * The shell's search box: a combobox listing the first assets matching the text (name, hostname, IP,
 * MAC in any notation, serial, model). Arrow keys move through the options, Enter or a click opens the
 * asset (Enter without a chosen option opens the full list), Escape closes the list, then clears.
 */
export function GlobalSearch() {
  const tenantId = useTenantId();
  const navigate = useNavigate();
  const id = useId();
  const listId = id + '-list';
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const term = text.trim();
  const debounced = useDebouncedValue(term, SEARCH_DEBOUNCE_MS);
  const enabled = debounced.length >= SEARCH_MIN_CHARS;
  const search = useQuery({ ...assetSearchQuery(tenantId, debounced), enabled, placeholderData: keepPreviousData });

  const settling = term !== debounced;
  const items = enabled ? (search.data?.items ?? []) : [];
  const choices: Choice[] = [...items.map((asset): Choice => ({ kind: 'asset', asset })), { kind: 'all' }];
  const expanded = open && term.length >= SEARCH_MIN_CHARS;
  const optionId = (i: number) => id + '-option-' + String(i);

  const choose = (c: Choice | undefined) => {
    setOpen(false);
    setActive(-1);
    setText('');
    if (c?.kind === 'asset') navigate('/assets/' + c.asset.id);
    else navigate('/assets?' + new URLSearchParams({ q: term }).toString());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (!expanded) {
          setOpen(true);
          return;
        }
        const n = choices.length;
        const down = e.key === 'ArrowDown';
        setActive((i) => (down ? (i + 1) % n : i <= 0 ? n - 1 : i - 1));
        return;
      }
      case 'Enter':
        if (term.length < SEARCH_MIN_CHARS) return;
        e.preventDefault();
        choose(active >= 0 ? choices[active] : { kind: 'all' });
        return;
      case 'Escape':
        e.preventDefault();
        if (expanded) setOpen(false);
        else setText('');
        setActive(-1);
        return;
    }
  };

  return (
    <div className="relative w-full max-w-md">
      <label htmlFor={id} className="sr-only">
        Search assets
      </label>
      <Input
        id={id}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        placeholder="Search assets by name, IP or MAC"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {expanded && (
        <div className="absolute left-0 top-full z-40 mt-1 w-full min-w-[20rem] rounded-md border bg-popover p-1 text-popover-foreground shadow-md">
          {search.isError && !settling ? (
            <p role="alert" className="px-2 py-1.5 text-sm text-destructive">
              Search failed: {errorMessage(search.error)}
            </p>
          ) : items.length === 0 && (settling || search.isFetching) ? (
            <p className="flex items-center gap-2 px-2 py-1.5 text-sm text-muted-foreground">
              <Spinner size="sm" label="" /> <span role="status">Searching…</span>
            </p>
          ) : items.length === 0 ? (
            <p role="status" className="px-2 py-1.5 text-sm text-muted-foreground">
              No assets match “{term}”.
            </p>
          ) : null}
          <ul id={listId} role="listbox" aria-label="Matching assets">
            {choices.map((c, i) => (
              <li
                key={c.kind === 'asset' ? c.asset.id : 'all'}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => e.preventDefault()}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(c)}
                className={cn(
                  'cursor-pointer rounded-sm px-2 py-1.5 text-sm',
                  i === active && 'bg-accent text-accent-foreground',
                  c.kind === 'all' && items.length > 0 && 'mt-1 border-t',
                )}
              >
                {c.kind === 'asset' ? (
                  <>
                    <span className="block truncate font-medium">{c.asset.name}</span>
                    <span className="block truncate text-xs text-muted-foreground">{assetSummary(c.asset)}</span>
                  </>
                ) : (
                  <span className="text-primary">See all assets matching “{term}”</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
