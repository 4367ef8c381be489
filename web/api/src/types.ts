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

/**
 * The API's schema S with some fields narrowed to what the SPA knows of them (the keys of a map, the
 * shape of a raw JSON field): `Narrow<Schema<'Device'>, { latest_telemetry: LatestTelemetry | null }>`.
 * A narrowed field must be one of S's and fit its type there, or this fails to compile.
 */
export type Narrow<S, N extends { [K in keyof N]: K extends keyof S ? S[K] : never }> = Omit<S, keyof N> & N;
