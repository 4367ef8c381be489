import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { cn } from '../lib/cn';

export interface TabItem {
  value: string;
  label: ReactNode;
}

export interface TabsProps {
  tabs: readonly TabItem[];
  value: string;
  onValueChange: (value: string) => void;
  label: string;
  /** The panel of the selected tab. */
  children: ReactNode;
  className?: string;
}

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs; only the selected panel renders. */
export function Tabs({ tabs, value, onValueChange, label, children, className }: TabsProps) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = Math.max(
    0,
    tabs.findIndex((t) => t.value === value),
  );
  const move = (e: KeyboardEvent) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (current + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (current - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const t = tabs[next];
    if (t) {
      onValueChange(t.value);
      refs.current[next]?.focus();
    }
  };
  return (
    <div className={className}>
      <div role="tablist" aria-label={label} className="mb-4 flex flex-wrap gap-1 border-b" onKeyDown={move}>
        {tabs.map((t, i) => {
          const selected = i === current;
          return (
            <button
              key={t.value}
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={base + '-tab-' + t.value}
              aria-selected={selected}
              aria-controls={base + '-panel'}
              tabIndex={selected ? 0 : -1}
              onClick={() => onValueChange(t.value)}
              className={cn(
                '-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                selected ? 'border-primary text-foreground' : 'border-transparent text-muted-foreground hover:text-foreground',
              )}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={base + '-panel'} aria-labelledby={base + '-tab-' + (tabs[current]?.value ?? '')} tabIndex={0}>
        {children}
      </div>
    </div>
  );
}
