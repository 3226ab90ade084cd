// A canonical record's field as a resolver answers it: its value, or the
// MAPPING_ERROR the adapter recorded for it — which fails that one field only.
import type { AppError } from '../../../policy/errors.ts';

type WithErrors = { errors: Partial<Record<string, AppError>> };

export function field<R extends WithErrors, F extends keyof R & string>(record: R, name: F): R[F] | AppError {
  return record.errors[name] ?? record[name];
}

/** A resolver for a field of the parent record. */
export const fieldOf = <R extends WithErrors, F extends keyof R & string>(name: F) => (record: R) => field(record, name);
