/** True when the permission list grants key: exact, `*`, or an area wildcard such as `assets.*`. */
export function hasPermission(permissions: readonly string[], key: string): boolean {
  if (permissions.includes('*') || permissions.includes(key)) return true;
  const parts = key.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    if (permissions.includes(parts.slice(0, i).join('.') + '.*')) return true;
  }
  return false;
}

export interface Guarded {
  permission?: string;
  feature?: string;
}

/** Keeps the entries the user may open: permission held and licensed feature on. */
export function allowed<T extends Guarded>(
  items: readonly T[],
  permissions: readonly string[],
  features: Readonly<Record<string, boolean>>,
): T[] {
  return items.filter(
    (i) => (!i.permission || hasPermission(permissions, i.permission)) && (!i.feature || features[i.feature] === true),
  );
}
