import { Alert, Button, CopyButton } from '@monozu/ui';

/** Recovery codes, shown once: copy or download them before leaving. */
export function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const text = codes.join('\n') + '\n';
  const download = () => {
    const href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = href;
    a.download = 'monozu-recovery-codes.txt';
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(href);
  };
  return (
    <div className="grid gap-4">
      <Alert variant="warning" title="Save these recovery codes now">
        Each code signs you in once when your authenticator app is not at hand. They are shown only this once.
      </Alert>
      <ol aria-label="Recovery codes" className="grid grid-cols-2 gap-2 rounded-lg border bg-muted/40 p-4 font-mono text-sm">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton value={text} label="Copy codes" />
        <Button variant="outline" size="sm" onClick={download}>
          Download as text
        </Button>
        <Button className="ml-auto" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
