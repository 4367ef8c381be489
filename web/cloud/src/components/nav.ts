import type { Guarded } from '../lib/access';

export interface NavEntry extends Guarded {
  to: string;
  label: string;
  end?: boolean;
}

/** The sidebar; entries the user may not open are filtered out (see lib/access). */
export const navEntries: readonly NavEntry[] = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/assets', label: 'Assets', permission: 'assets.read' },
];
