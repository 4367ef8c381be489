import { cn } from '../lib/cn';

export interface ProgressProps {
  /** 0…max; undefined shows an indeterminate bar. */
  value?: number;
  max?: number;
  label: string;
  className?: string;
}

/** An accessible progress bar (role=progressbar with value text). */
export function Progress({ value, max = 100, label, className }: ProgressProps) {
  const pct = value === undefined || max <= 0 ? undefined : Math.max(0, Math.min(100, (value / max) * 100));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cn('h-full bg-primary transition-all', pct === undefined && 'w-1/3 animate-pulse')}
        style={pct === undefined ? undefined : { width: String(pct) + '%' }}
      />
    </div>
  );
}
