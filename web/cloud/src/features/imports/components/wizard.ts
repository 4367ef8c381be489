import type { AssetImport, ImportReport } from '../api/imports';

/** The import wizard as a state machine: pick → dry run → report → import → progress → result. */
export type WizardState =
  | { step: 'pick'; file: File | null; error: string | null }
  | { step: 'checking'; file: File }
  | { step: 'report'; file: File; report: ImportReport; error: string | null }
  | { step: 'starting'; file: File; report: ImportReport }
  | { step: 'importing'; file: File; importId: string }
  | { step: 'done'; file: File; result: AssetImport };

export type WizardEvent =
  | { type: 'pick'; file: File | null }
  | { type: 'check' }
  | { type: 'checked'; report: ImportReport }
  | { type: 'failed'; error: string }
  | { type: 'start' }
  | { type: 'started'; importId: string }
  | { type: 'finished'; result: AssetImport }
  | { type: 'reset' };

export const initialWizard: WizardState = { step: 'pick', file: null, error: null };

export function wizardReducer(s: WizardState, e: WizardEvent): WizardState {
  switch (e.type) {
    case 'reset':
      return initialWizard;
    case 'pick':
      return s.step === 'pick' || s.step === 'report' || s.step === 'done' ? { step: 'pick', file: e.file, error: null } : s;
    case 'check':
      return s.step === 'pick' && s.file ? { step: 'checking', file: s.file } : s;
    case 'checked':
      return s.step === 'checking' ? { step: 'report', file: s.file, report: e.report, error: null } : s;
    case 'failed':
      if (s.step === 'checking') return { step: 'pick', file: s.file, error: e.error };
      if (s.step === 'starting') return { step: 'report', file: s.file, report: s.report, error: e.error };
      return s;
    case 'start':
      return s.step === 'report' && canImport(s.report) ? { step: 'starting', file: s.file, report: s.report } : s;
    case 'started':
      return s.step === 'starting' ? { step: 'importing', file: s.file, importId: e.importId } : s;
    case 'finished':
      return s.step === 'importing' ? { step: 'done', file: s.file, result: e.result } : s;
  }
}

/** A report can be imported when it has no errors and something to write. */
export function canImport(r: ImportReport): boolean {
  return r.error_count === 0 && r.would_create + r.would_update > 0;
}

/** Whole-percent progress of a running import (0 while the total is unknown). */
export function progressPercent(i: Pick<AssetImport, 'rows_done' | 'total_rows' | 'status'>): number {
  if (i.status === 'succeeded') return 100;
  if (i.total_rows <= 0) return 0;
  return Math.min(100, Math.floor((i.rows_done / i.total_rows) * 100));
}
