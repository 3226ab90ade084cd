// Named leases in the store: one writer at a time per business object (e.g. "the
// order of quote 123"), across requests and processes sharing the database. A live
// holder renews its lease (heartbeat, every third of `leaseMs`); a holder that dies
// stops renewing, so its lease expires `leaseMs` after its last heartbeat and the
// next caller takes over. A caller waits at most `waitMs` for a live holder, then
// gets IN_PROGRESS with the time after which to retry.
import { randomUUID } from 'node:crypto';
import { appError } from '../policy/errors.ts';
import type { Store } from './database.ts';
import { DEFAULT_IDEMPOTENCY_LEASE_MS, DEFAULT_IDEMPOTENCY_WAIT_MS } from './config.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LeaseOptions {
  /** How long a lease outlives its holder's last heartbeat. */
  leaseMs?: number;
  /** The longest a caller waits for a live holder before IN_PROGRESS. */
  waitMs?: number;
}

export class Leases {
  readonly leaseMs: number;
  readonly waitMs: number;

  constructor(private readonly store: Store, options: LeaseOptions | number = {}) {
    const o = typeof options === 'number' ? { leaseMs: options } : options;
    this.leaseMs = o.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
    this.waitMs = o.waitMs ?? DEFAULT_IDEMPOTENCY_WAIT_MS;
  }

  /**
   * Runs `work` holding the lease `name`, renewed while `work` runs; waits up to `waitMs` while another holder has it.
   * `work` may `holdUntil` an instant: the lease then outlives it until then (e.g. until a write whose outcome is
   * unknown can no longer commit), instead of being released.
   */
  async withLease<T>(name: string, work: (lease: { holdUntil(epochMs: number): void }) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const sql = this.store.sql;
    const renew = (until: number) => sql.run('UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?', [until, name, owner]);
    const giveUpAt = Date.now() + this.waitMs;
    for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
      const now = Date.now();
      // One upsert: it takes a free or expired lease atomically on both engines.
      await sql.run(
        `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE leases.expires_at < ?`,
        [name, owner, now + this.leaseMs, now],
      );
      const current = await sql.get<{ owner: string; expires_at: number }>('SELECT owner, expires_at FROM leases WHERE name = ?', [name]);
      if (current?.owner === owner) break;
      if (now >= giveUpAt) {
        const retryAfterMs = Math.max(1_000, (current?.expires_at ?? now) - now);
        throw appError('IN_PROGRESS', `Another request is still working on ${name}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
      }
      await sleep(wait);
    }
    const heartbeat = setInterval(() => {
      renew(Date.now() + this.leaseMs).then(
        (r) => { if (r.changes !== 1) clearInterval(heartbeat); },
        () => clearInterval(heartbeat), // the store is closing
      );
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    let holdUntil = 0;
    try {
      return await work({ holdUntil: (at) => void (holdUntil = Math.max(holdUntil, at)) });
    } finally {
      clearInterval(heartbeat);
      if (holdUntil > Date.now()) await renew(holdUntil);
      else await sql.run('DELETE FROM leases WHERE name = ? AND owner = ?', [name, owner]);
    }
  }
}
