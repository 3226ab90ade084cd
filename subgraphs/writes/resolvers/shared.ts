// Shapes the write resolvers share.
import { AppError } from '../../../policy/errors.ts';
import type { CrmSystem } from '../../../core/crm-system.ts';

export interface SystemWrite {
  system: CrmSystem | 'odoo';
  status: 'APPLIED' | 'FAILED' | 'SKIPPED' | 'ALREADY_APPLIED';
  fields: string[];
  errorCode?: string;
  errorMessage?: string;
}

/**
 * Thrown out of an idempotent unit of work when part of it reached its system and
 * part did not: the key is stored as failed (so a retry resumes from the recorded
 * steps) while the caller still gets the exact per-system outcome.
 */
export class PartialWrite extends AppError {
  constructor(readonly payload: unknown) {
    // A registered code, so a concurrent caller in another process (which gets the stored error) learns what happened.
    super('PARTIAL_WRITE', 'Some systems of record were not written; retry with the same idempotency key');
    this.name = 'PartialWrite';
  }
}
