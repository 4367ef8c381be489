import { errorMessage, isApiError } from '@monozu/api';
import { Alert, Button, Card, CardContent, CardHeader, CardTitle, FormField, Input, PageHeader, Progress } from '@monozu/ui';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useState } from 'react';
import { Link } from 'react-router-dom';
import { tenantKey } from '@monozu/api';
import { useTenantId } from '../../../hooks/useMe';
import { downloadFile } from '../../../lib/download';
import { dryRunImport, importQuery, isFinished, startImport } from '../api/imports';
import { ImportErrorsTable } from '../components/ErrorsTable';
import { canImport, initialWizard, progressPercent, wizardReducer } from '../components/wizard';

/** A problem of the whole file: the message plus the server's field errors (unknown columns …). */
function describe(e: unknown): string {
  if (isApiError(e) && Object.keys(e.fieldErrors).length) return errorMessage(e) + ' ' + Object.values(e.fieldErrors).join(' ');
  return errorMessage(e);
}

function Stat({ label, n }: { label: string; n: number }) {
  return (
    <div className="rounded-lg border p-3">
      <div className="text-2xl font-semibold">{n}</div>
      <div className="text-xs text-muted-foreground">{label}</div>
    </div>
  );
}

export function ImportWizardPage() {
  const t = useTenantId();
  const qc = useQueryClient();
  const [s, dispatch] = useReducer(wizardReducer, initialWizard);
  const [templateError, setTemplateError] = useState<string | null>(null);
  const importId = s.step === 'importing' ? s.importId : '';
  const poll = useQuery({ ...importQuery(t, importId), enabled: importId !== '' });

  useEffect(() => {
    if (poll.data && isFinished(poll.data.status)) {
      dispatch({ type: 'finished', result: poll.data });
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'assets') });
      void qc.invalidateQueries({ queryKey: tenantKey(t, 'sites') });
    }
  }, [poll.data, qc, t]);

  const check = async () => {
    if (s.step !== 'pick' || !s.file) return;
    const file = s.file;
    dispatch({ type: 'check' });
    try {
      dispatch({ type: 'checked', report: await dryRunImport(file) });
    } catch (e) {
      dispatch({ type: 'failed', error: describe(e) });
    }
  };
  const start = async () => {
    if (s.step !== 'report') return;
    const file = s.file;
    dispatch({ type: 'start' });
    try {
      const r = await startImport(file);
      dispatch({ type: 'started', importId: r.import_id });
    } catch (e) {
      dispatch({ type: 'failed', error: describe(e) });
    }
  };
  const template = async () => {
    setTemplateError(null);
    try {
      await downloadFile('/assets/import/template', undefined, 'assets-import-template.csv');
    } catch (e) {
      setTemplateError(errorMessage(e));
    }
  };

  const steps = ['Choose file', 'Check', 'Import', 'Result'];
  const current = s.step === 'pick' || s.step === 'checking' ? 0 : s.step === 'report' || s.step === 'starting' ? 1 : s.step === 'importing' ? 2 : 3;

  return (
    <>
      <PageHeader
        title="Import assets"
        description="Upload a CSV file: it is checked first (nothing is written), then imported as a whole or not at all."
        actions={
          <Button variant="outline" onClick={() => void template()}>
            Download template
          </Button>
        }
      />
      {templateError && (
        <Alert variant="destructive" className="mb-4">
          {templateError}
        </Alert>
      )}
      <ol className="mb-6 flex flex-wrap gap-4 text-sm" aria-label="Steps">
        {steps.map((label, i) => (
          <li key={label} aria-current={i === current ? 'step' : undefined} className={i === current ? 'font-semibold' : 'text-muted-foreground'}>
            {i + 1}. {label}
          </li>
        ))}
      </ol>

      {(s.step === 'pick' || s.step === 'checking') && (
        <Card>
          <CardHeader>
            <CardTitle>Choose a CSV file</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <FormField label="CSV file" hint="UTF-8, header row first, at most 20 MiB and 50,000 rows." error={s.step === 'pick' ? (s.error ?? undefined) : undefined}>
              <Input
                type="file"
                accept=".csv,text/csv"
                disabled={s.step === 'checking'}
                onChange={(e) => dispatch({ type: 'pick', file: e.target.files?.[0] ?? null })}
              />
            </FormField>
            <div>
              <Button onClick={() => void check()} disabled={!s.file} loading={s.step === 'checking'}>
                Check file
              </Button>
            </div>
          </CardContent>
        </Card>
      )}

      {(s.step === 'report' || s.step === 'starting') && (
        <Card>
          <CardHeader>
            <CardTitle>Dry run of {s.file.name}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <div className="grid grid-cols-2 gap-3 md:grid-cols-5" aria-live="polite">
              <Stat label="Rows" n={s.report.total_rows} />
              <Stat label="Would create" n={s.report.would_create} />
              <Stat label="Would update" n={s.report.would_update} />
              <Stat label="Unchanged" n={s.report.unchanged} />
              <Stat label="Errors" n={s.report.error_count} />
            </div>
            {s.report.error_count > 0 ? (
              <>
                <Alert variant="destructive">Fix these errors in the file and check it again; nothing is imported while any row has an error.</Alert>
                <ImportErrorsTable errors={s.report.errors} total={s.report.error_count} />
              </>
            ) : !canImport(s.report) ? (
              <Alert>The file changes nothing.</Alert>
            ) : (
              <Alert variant="success">The file is valid.</Alert>
            )}
            {s.step === 'report' && s.error && <Alert variant="destructive">{s.error}</Alert>}
            <div className="flex gap-2">
              <Button onClick={() => void start()} disabled={!canImport(s.report)} loading={s.step === 'starting'}>
                Import {s.report.would_create + s.report.would_update} assets
              </Button>
              <Button variant="outline" onClick={() => dispatch({ type: 'pick', file: null })} disabled={s.step === 'starting'}>
                Choose another file
              </Button>
            </div>
          </CardContent>
        </Card>
      )}

      {s.step === 'importing' && (
        <Card>
          <CardHeader>
            <CardTitle>Importing {s.file.name}…</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3" aria-live="polite">
            <Progress label="Import progress" value={poll.data ? progressPercent(poll.data) : undefined} max={100} />
            <p className="text-sm text-muted-foreground">
              {poll.data ? `${poll.data.status === 'queued' ? 'Queued' : 'Running'}: ${poll.data.rows_done} of ${poll.data.total_rows} rows` : 'Starting…'}
            </p>
            {poll.isError && <Alert variant="warning">Progress could not be read ({errorMessage(poll.error)}); retrying.</Alert>}
          </CardContent>
        </Card>
      )}

      {s.step === 'done' && (
        <Card>
          <CardHeader>
            <CardTitle>{s.result.status === 'succeeded' ? 'Import finished' : 'Import failed'}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            {s.result.status === 'succeeded' ? (
              <Alert variant="success">
                {s.result.created} assets created, {s.result.updated} updated.
              </Alert>
            ) : (
              <Alert variant="destructive">{s.result.message || 'Nothing was imported.'}</Alert>
            )}
            {s.result.errors.length > 0 && <ImportErrorsTable errors={s.result.errors} total={s.result.error_count} />}
            <div className="flex gap-2">
              <Button asChild>
                <Link to="/assets">View assets</Link>
              </Button>
              <Button variant="outline" onClick={() => dispatch({ type: 'reset' })}>
                Import another file
              </Button>
            </div>
          </CardContent>
        </Card>
      )}
    </>
  );
}
