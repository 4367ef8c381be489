/** A keyset page of a list endpoint. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * A list of every member of the union T, checked at compile time: `allOf<Severity>()(['low', …])` fails
 * to compile when T (an enum of the API's generated types) gains a member the list lacks.
 */
export const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): readonly T[] =>
    list;
