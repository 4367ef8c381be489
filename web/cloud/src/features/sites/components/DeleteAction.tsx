import { errorMessage, isApiError } from '@monozu/api';
import { Button, ConfirmDialog } from '@monozu/ui';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

/** "Delete" with confirmation; a 409 has_dependants shows the server's message and what blocks. */
export function DeleteAction({ what, name, onDelete, onDone, size = 'sm' }: { what: string; name: string; onDelete: () => Promise<unknown>; onDone: () => void; size?: 'sm' | 'default' }) {
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: onDelete,
    onSuccess: () => {
      setOpen(false);
      onDone();
    },
  });
  const blocked = isApiError(del.error) && del.error.code === 'has_dependants';
  return (
    <>
      <Button size={size} variant={size === 'sm' ? 'ghost' : 'destructive'} onClick={() => { del.reset(); setOpen(true); }} aria-label={'Delete ' + what + ' ' + name}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Delete ' + what + ' ' + name + '?'}
        description="This cannot be undone."
        error={
          del.error && (
            <>
              {errorMessage(del.error)}
              {blocked && isApiError(del.error) && (
                <span className="mt-1 block">Blocking: {Object.values(del.error.fieldErrors).join(', ')}.</span>
              )}
            </>
          )
        }
        confirmLabel="Delete"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}
