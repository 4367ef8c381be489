import { errorMessage } from '@monozu/api';
import { Alert } from '@monozu/ui';
import { fieldErrorsOf, unplacedErrors } from '../lib/field-errors';

/**
 * The error of a form's submit, above the fields: the server's message and the field errors no
 * control shows. Nothing when every field error already stands beside its field.
 */
export function FormErrorSummary({ error, shownFields, message = errorMessage }: { error: unknown; shownFields: readonly string[]; message?: (e: unknown) => string }) {
  if (error == null) return null;
  const fe = fieldErrorsOf(error);
  const other = unplacedErrors(fe, shownFields);
  const placedOnly = Object.keys(fe.fields).length + Object.keys(fe.items).length > 0 && other.length === 0;
  if (placedOnly) return null;
  return (
    <Alert variant="destructive">
      {message(error)}
      {other.map((m) => (
        <div key={m}>{m}</div>
      ))}
    </Alert>
  );
}
