// Named leases in the store: one writer at a time per business object (e.g. "the
// order of quote 123"), across requests and processes sharing the database. A
// holder that dies leaves a lease that expires, so the next caller takes over.
import { randomUUID } from 'node:crypto';
import { appError } from '../policy/errors.ts';
import type { Store } from './database.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Leases {
  constructor(private readonly store: Store, private readonly leaseMs = 60_000) {}

  /** Runs `work` holding the lease `name`; waits (up to twice the lease) while another holder has it. */
  async withLease<T>(name: string, work: () => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const db = this.store.db;
    const take = db.prepare(
      `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE leases.expires_at < ?`,
    );
    const held = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM leases WHERE name = ? AND owner = ?');
    const deadline = Date.now() + 2 * this.leaseMs;
    for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
      const now = Date.now();
      take.run(name, owner, now + this.leaseMs, now);
      if (held.get(name, owner)!.n === 1) break;
      if (now > deadline) throw appError('CONFLICT', `Another request is still working on ${name}; try again shortly`);
      await sleep(wait);
    }
    try {
      return await work();
    } finally {
      db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
    }
  }
}
