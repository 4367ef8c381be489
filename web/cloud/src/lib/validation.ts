/**
 * Field schemas (zod/mini) that several forms share. A form's schema checks its values with these and
 * its own rules; `checkFields`/`parseFields` of @monozu/api turn the result into field → message.
 */
import * as z from 'zod/mini';

/** A check of text: something besides spaces in it. */
export const filled = (message: string) => z.refine<string>((s) => s.trim() !== '', message);

/** A check of text: at most max characters, not counting the spaces around it. */
export const atMost = (max: number) => z.refine<string>((s) => s.trim().length <= max, 'At most ' + String(max) + ' characters.');

/** A whole number from min to max as typed in a field (spaces around it are fine) → that number. */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s) => (s.trim() === '' ? NaN : Number(s))),
    ),
    z.int({ error: message }).check(z.minimum(min, message), z.maximum(max, message)),
  );

/** A field that may stay blank: blank → undefined (left out of the request), else checked by schema. */
export const unlessBlank = <T>(schema: z.ZodMiniType<T, string>) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s) => (s.trim() === '' ? undefined : s)),
    ),
    z.optional(schema),
  );
