// The embedded store: idempotency keys (exactly-once mutations), the audit trail,
// integration exceptions and leases.
export * from './config.ts';
export * from './database.ts';
export * from './idempotency.ts';
export * from './audit.ts';
export * from './exceptions.ts';
export * from './leases.ts';
export * from './jobs.ts';
