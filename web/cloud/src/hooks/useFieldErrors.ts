import { useState } from 'react';
import { fieldErrorsOf } from '../lib/field-errors';

/**
 * The message for each field of a form: the client's check first, else the server's 422 answer.
 * `check(errors)` stores the client's result and says whether the form may be sent.
 */
export function useFieldErrors(serverError: unknown) {
  const [client, setClient] = useState<Record<string, string>>({});
  const server = fieldErrorsOf(serverError).fields;
  const err = (field: string): string | undefined => client[field] ?? server[field];
  const check = (errors: Record<string, string>): boolean => {
    setClient(errors);
    return Object.keys(errors).length === 0;
  };
  return { err, check };
}
