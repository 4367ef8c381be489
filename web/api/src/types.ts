/** A keyset page of a list endpoint. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
