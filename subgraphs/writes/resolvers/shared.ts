// Shapes the write resolvers share.

export interface SystemWrite {
  system: 'hubspot' | 'odoo';
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
export class PartialWrite extends Error {
  readonly code = 'PARTIAL_WRITE';
  constructor(readonly payload: unknown) {
    super('Some systems of record were not written; retry with the same idempotency key');
    this.name = 'PartialWrite';
  }
}
