import { tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Operator, Schema } from '../../../lib/types';

/** An operator as the list shows it (the API's Operator has every field). */
export type OperatorRow = Operator;

export type NewOperator = Schema<'NewOperator'>;

export type Enrollment = Schema<'Enrollment'>;

export type OperatorUpdate = Schema<'Update'>;

export const operatorsQuery = (scope: string | null) =>
  infiniteQueryOptions({
    queryKey: tenantKey(scope, 'operators', 'list'),
    queryFn: ({ pageParam, signal }) => api.get<Page<OperatorRow>>('/operators', { cursor: pageParam, limit: 100 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export function createOperator(input: NewOperator): Promise<Enrollment> {
  return api.post<Enrollment>('/operators', input);
}

export function updateOperator(id: string, patch: OperatorUpdate): Promise<OperatorRow> {
  return api.patch<OperatorRow>('/operators/' + encodeURIComponent(id), patch);
}

/** Client checks before creating an operator (the server checks again). */
export function validateNewOperator(v: NewOperator): Partial<Record<keyof NewOperator, string>> {
  const e: Partial<Record<keyof NewOperator, string>> = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) e.email = 'Enter a valid e-mail address.';
  if (!v.name.trim()) e.name = 'Enter a name.';
  if (v.role !== 'admin' && v.role !== 'support') e.role = 'Choose a role.';
  if ([...v.password].length < 12) e.password = 'Use at least 12 characters.';
  return e;
}
