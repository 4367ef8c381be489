import { useState, type KeyboardEvent } from 'react';
import { cn } from '../lib/cn';
import { Button } from './button';
import { Input } from './input';

export interface ListInputProps {
  id?: string;
  value: readonly string[];
  onChange: (next: string[]) => void;
  /** Accessible name of one item, e.g. "IP address". */
  itemLabel: string;
  placeholder?: string;
  /** Per-item messages by index (the server's `ip_addresses[1]`). */
  itemErrors?: Readonly<Record<number, string>>;
  'aria-invalid'?: boolean | 'true' | 'false';
  'aria-describedby'?: string;
  className?: string;
  mono?: boolean;
}

/**
 * A list of strings: type and press Enter (or Add) to append; each item has a Remove button and
 * shows its own error. Pasting "a, b; c" adds several items at once.
 */
export function ListInput({
  id,
  value,
  onChange,
  itemLabel,
  placeholder,
  itemErrors,
  className,
  mono,
  ...aria
}: ListInputProps) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const parts = draft
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (!parts.length) return;
    onChange([...value, ...parts.filter((p) => !value.includes(p))]);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && draft === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className={cn('grid gap-2', className)}>
      {value.length > 0 && (
        <ul className="flex flex-col gap-1" aria-label={itemLabel + ' list'}>
          {value.map((v, i) => (
            <li key={v + String(i)} className="flex flex-col">
              <span className="flex items-center gap-2">
                <span className={cn('min-w-0 flex-1 truncate rounded border bg-muted/40 px-2 py-1 text-sm', mono && 'font-mono text-xs', itemErrors?.[i] && 'border-destructive')}>
                  {v}
                </span>
                <Button type="button" variant="ghost" size="sm" aria-label={'Remove ' + itemLabel + ' ' + v} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              </span>
              {itemErrors?.[i] && <span className="text-xs font-medium text-destructive">{itemErrors[i]}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="flex gap-2">
        <Input
          id={id}
          value={draft}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
          onBlur={add}
          className={mono ? 'font-mono' : undefined}
          {...aria}
        />
        <Button type="button" variant="outline" onClick={add} aria-label={'Add ' + itemLabel}>
          Add
        </Button>
      </div>
    </div>
  );
}
