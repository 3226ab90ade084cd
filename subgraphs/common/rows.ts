// Reading a field a canonical type cannot do without. Backend data that breaks
// the mapping becomes a typed MAPPING_ERROR naming model, id and field — the one
// field fails, the rest of the response still arrives.
import { appError, type SystemName } from '../../policy/errors.ts';

export function mapped<T extends Record<string, string>>(
  table: T,
  value: unknown,
  where: { system: SystemName; model: string; recordId: string | number; field: string },
): T[keyof T] {
  const out = value == null ? undefined : (table as unknown as Record<string, T[keyof T]>)[String(value)];
  if (out === undefined) {
    throw appError('MAPPING_ERROR', `${where.system} ${where.model} ${where.recordId}: ${where.field} has a value the canonical model does not know`, where);
  }
  return out;
}
