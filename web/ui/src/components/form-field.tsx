import { cloneElement, isValidElement, useId, type ReactElement } from 'react';
import { cn } from '../lib/cn';
import { Label } from './label';

interface ControlProps {
  id?: string;
  'aria-invalid'?: boolean | 'true' | 'false';
  'aria-describedby'?: string;
}

export interface FormFieldProps {
  label: string;
  /** A single control (Input, Select, textarea); it gets id, aria-invalid and aria-describedby. */
  children: ReactElement<ControlProps>;
  /** The server's (or client's) message for this field. */
  error?: string | undefined;
  hint?: string;
  className?: string;
}

/** Label + control + hint + error, wired for assistive technology. */
export function FormField({ label, children, error, hint, className }: FormFieldProps) {
  const auto = useId();
  const id = (isValidElement(children) && children.props.id) || auto;
  const hintId = hint ? id + '-hint' : undefined;
  const errorId = error ? id + '-error' : undefined;
  const describedBy = [children.props['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('grid gap-1.5', className)}>
      <Label htmlFor={id}>{label}</Label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
