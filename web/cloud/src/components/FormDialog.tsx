import { Button, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@monozu/ui';
import type { FormEvent, ReactNode } from 'react';
import { FormErrorSummary } from './FormErrorSummary';

export interface FormDialogProps {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  title: string;
  description: string;
  busy: boolean;
  /** The mutation's error: field errors go beside their fields, the rest into the summary. */
  error: unknown;
  /** The fields the form shows next to a control. */
  shownFields: readonly string[];
  submitLabel: string;
  onSubmit: () => void;
  children: ReactNode;
}

/** The frame of a form in a dialog: error summary (what no field shows), fields, Cancel / submit. */
export function FormDialog({ open, onOpenChange, title, description, busy, error, shownFields, submitLabel, onSubmit, children }: FormDialogProps) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-auto">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} noValidate className="grid gap-3">
          <FormErrorSummary error={error} shownFields={shownFields} />
          {children}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
