import { allOf, checkFields, tenantKey, type Page } from '@monozu/api';
import { infiniteQueryOptions } from '@tanstack/react-query';
import * as z from 'zod/mini';
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

const newOperatorSchema = z.object({
  email: z.string().check(z.trim(), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter a valid e-mail address.')),
  name: z.string().check(z.trim(), z.minLength(1, 'Enter a name.')),
  role: z.enum(allOf<NewOperator['role']>()(['admin', 'support']), { error: 'Choose a role.' }),
  password: z.string().check(z.refine((p) => [...p].length >= 12, 'Use at least 12 characters.')),
});

/** Client checks before creating an operator (the server checks again). */
export const validateNewOperator = (v: NewOperator): Partial<Record<keyof NewOperator, string>> => checkFields(newOperatorSchema, v);
