import { errorMessage, tenantKey } from '@monozu/api';
import { Button, ConfirmDialog } from '@monozu/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTenantId } from '../../../hooks/useMe';
import { deleteDiagram, type Diagram } from '../api/diagrams';

/** The Delete button of a diagram, with its confirmation; back to the list once done. */
export function DeleteDiagram({ diagram }: { diagram: Diagram }) {
  const t = useTenantId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => deleteDiagram(diagram.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'diagrams') });
      navigate('/diagrams', { replace: true });
    },
  });
  return (
    <>
      <Button variant="outline" onClick={() => { del.reset(); setOpen(true); }}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={'Delete the diagram ' + diagram.name + '?'}
        description="The inventory it draws stays as it is."
        error={del.error && errorMessage(del.error)}
        confirmLabel="Delete"
        destructive
        busy={del.isPending}
        onConfirm={() => del.mutate()}
      />
    </>
  );
}
