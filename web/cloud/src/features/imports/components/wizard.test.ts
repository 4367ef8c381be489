import { describe, expect, it } from 'vitest';
import type { AssetImport, ImportReport } from '../api/imports';
import { canImport, initialWizard, progressPercent, wizardReducer, type WizardEvent, type WizardState } from './wizard';

const file = new File(['name,category,type,site\n'], 'assets.csv', { type: 'text/csv' });
const clean: ImportReport = { total_rows: 3, would_create: 2, would_update: 1, unchanged: 0, error_count: 0, errors: [] };
const bad: ImportReport = { ...clean, error_count: 1, errors: [{ row: 2, column: 'ip_addresses', code: 'invalid', message: 'bad' }] };
const result = { id: 'i', status: 'succeeded', rows_done: 3, total_rows: 3 } as AssetImport;

const run = (events: WizardEvent[], from: WizardState = initialWizard) => events.reduce(wizardReducer, from);

describe('import wizard', () => {
  it('walks pick → dry run → report → import → done', () => {
    const s = run([{ type: 'pick', file }, { type: 'check' }, { type: 'checked', report: clean }, { type: 'start' }, { type: 'started', importId: 'i' }]);
    expect(s).toEqual({ step: 'importing', file, importId: 'i' });
    expect(wizardReducer(s, { type: 'finished', result })).toEqual({ step: 'done', file, result });
  });

  it('does not check without a file nor import a report with errors', () => {
    expect(run([{ type: 'check' }]).step).toBe('pick');
    const s = run([{ type: 'pick', file }, { type: 'check' }, { type: 'checked', report: bad }, { type: 'start' }]);
    expect(s.step).toBe('report');
    expect(canImport(bad)).toBe(false);
    expect(canImport({ ...clean, would_create: 0, would_update: 0, unchanged: 3 })).toBe(false);
  });

  it('returns to the previous step with the error when a request fails', () => {
    expect(run([{ type: 'pick', file }, { type: 'check' }, { type: 'failed', error: 'Unknown columns' }])).toEqual({ step: 'pick', file, error: 'Unknown columns' });
    const s = run([{ type: 'pick', file }, { type: 'check' }, { type: 'checked', report: clean }, { type: 'start' }, { type: 'failed', error: 'licence' }]);
    expect(s).toEqual({ step: 'report', file, report: clean, error: 'licence' });
  });

  it('ignores events that do not fit the step (late poll results, double clicks)', () => {
    const s = run([{ type: 'pick', file }]);
    expect(wizardReducer(s, { type: 'finished', result })).toBe(s);
    expect(wizardReducer(s, { type: 'started', importId: 'x' })).toBe(s);
  });

  it('computes progress', () => {
    expect(progressPercent({ status: 'queued', rows_done: 0, total_rows: 0 })).toBe(0);
    expect(progressPercent({ status: 'running', rows_done: 500, total_rows: 1500 })).toBe(33);
    expect(progressPercent({ status: 'succeeded', rows_done: 0, total_rows: 0 })).toBe(100);
  });
});
