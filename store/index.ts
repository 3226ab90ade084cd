// The store: idempotency keys (exactly-once mutations), the audit trail, integration
// exceptions, leases, rate-limit counters, sync jobs — in SQLite (default) or PostgreSQL (STORE_URL).
export * from './config.ts';
export * from './database.ts';
export * from './idempotency.ts';
export * from './audit.ts';
export * from './exceptions.ts';
export * from './leases.ts';
export * from './jobs.ts';
export * from './sql.ts';
export * from './postgres.ts';
export * from './rate-limits.ts';
