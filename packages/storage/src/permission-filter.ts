import type { EffectivePermission } from '@accessgraph/contract';

/** Access answers narrowed to one local permission (lower-cased) and one canonical type (`canonicalKey`). */
export interface PermissionFilter {
  permission?: string;
  canonicalType?: string;
}

/** `DataRead`, `DATA_READ` and `data_read` name one canonical type. */
export function canonicalKey(type: string): string {
  return type.replace(/_/g, '').toLowerCase();
}

/** A row with only the paths of the asked permission and canonical type; undefined when none is left. */
export function narrowPaths<Row extends EffectivePermission>(row: Row, filter: PermissionFilter): Row | undefined {
  if (filter.permission === undefined && filter.canonicalType === undefined) return row;
  const paths = row.paths.filter(
    (p) =>
      (filter.permission === undefined || p.permission.toLowerCase() === filter.permission) &&
      (filter.canonicalType === undefined || p.canonical_types.some((t) => canonicalKey(t) === filter.canonicalType)),
  );
  if (paths.length === 0) return undefined;
  return { ...row, paths, permissions: [...new Set(paths.map((p) => p.permission))].sort(), canonical_types: [...new Set(paths.flatMap((p) => p.canonical_types))].sort() };
}
