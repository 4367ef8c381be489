import { Button, Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@monozu/ui';

/** Asks what to do when a save met a newer version: reload theirs or overwrite it with ours. */
export function ConflictDialog({ open, onReload, onOverwrite, busy }: { open: boolean; onReload: () => void; onOverwrite: () => void; busy: boolean }) {
  return (
    <Dialog open={open}>
      <DialogContent onEscapeKeyDown={(e) => e.preventDefault()} onPointerDownOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>Someone else saved this diagram</DialogTitle>
          <DialogDescription>
            It changed since you opened it, so your changes are not saved yet. Reload to see their version (your changes since your last save are
            dropped), or overwrite their version with yours.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={onReload}>
            Reload their version
          </Button>
          <Button variant="destructive" loading={busy} onClick={onOverwrite}>
            Overwrite with mine
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
