// The one seam between the store logic and its database. Every store class (keys,
// audit, exceptions, leases, rate limits, jobs) is written once against
// `SqlExecutor`; only its two implementations know a dialect:
//
// - SQLite (better-sqlite3, synchronous). The connection is shared by the whole
//   process while the store API is asynchronous, so statements and transactions go
//   through one in-process queue: nothing else runs on the connection while a
//   transaction is open (an interleaved statement would silently join it). A
//   transaction is BEGIN IMMEDIATE: it takes the file's write lock up front, which
//   serialises it against every other process on the host too.
// - PostgreSQL (`pg` Pool), in store/postgres.ts: only a process configured for
//   Postgres loads `pg`. A transaction runs on one pooled client. What SQLite got
//   from IMMEDIATE (no two read-then-write sections interleave) Postgres gets from
//   `lock(name)`: a transaction-scoped advisory lock, so claims stay exactly-once
//   across processes and hosts.
//
// SQL is written once with `?` placeholders (converted to $1, $2 … for Postgres)
// and a common subset: ON CONFLICT upserts, RETURNING, row values. Integers come
// back as JS numbers on both (BIGINT is parsed; epoch milliseconds fit exactly).
import type Database from 'better-sqlite3';

export type SqlDialect = 'sqlite' | 'postgres';
export type SqlParam = string | number | null;

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** Every row of a query. */
  query<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  /** A statement without rows; how many rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one transaction (committed when it resolves, rolled back when it
   * throws). Inside, use only the `tx` it is given. A nested call runs inline.
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

export interface SqlTransaction extends SqlExecutor {
  /**
   * Serialises this transaction against every other one taking the same lock name,
   * in any process, until it ends. SQLite: already so (IMMEDIATE holds the write lock).
   */
  lock(name: string): Promise<void>;
}

/** Converts `?` placeholders (outside quoted literals) to Postgres's `$n`. */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** A FIFO mutex: each task starts when the previous one settled. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * One queue for every SQLite connection of the process: a transaction awaits between
 * its statements, and a second connection (to the same file) starting BEGIN IMMEDIATE
 * meanwhile would block the only thread in busy_timeout while the holder cannot go
 * on. Other processes wait in busy_timeout as before (their own thread).
 */
const sqliteQueue = new SerialQueue();

export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly queue = sqliteQueue;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Statements are prepared once per text (the store's SQL is a fixed set plus a few filter shapes). */
  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size < 500) this.statements.set(sql, st);
    }
    return st;
  }

  query<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.queue.run(() => this.prepare(sql).all(...params) as T[]);
  }

  async get<T>(sql: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
    return this.queue.run(() => this.prepare(sql).get(...params) as T | undefined);
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    return this.queue.run(() => ({ changes: this.prepare(sql).run(...params).changes }));
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const db = this.db;
      db.exec('BEGIN IMMEDIATE');
      const tx: SqlTransaction = {
        dialect: 'sqlite',
        query: async <R>(sql: string, params: readonly SqlParam[] = []) => this.prepare(sql).all(...params) as R[],
        get: async <R>(sql: string, params: readonly SqlParam[] = []) => this.prepare(sql).get(...params) as R | undefined,
        run: async (sql: string, params: readonly SqlParam[] = []) => ({ changes: this.prepare(sql).run(...params).changes }),
        transaction: <R>(inner: (t: SqlTransaction) => Promise<R>) => inner(tx),
        lock: async () => undefined,
      };
      try {
        const result = await fn(tx);
        db.exec('COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    });
  }
}

/** A Postgres identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * When a commit returns. `disk` (the default): once it is on disk (SQLite
 * synchronous = FULL, one fsync of the WAL per commit; Postgres' default
 * synchronous_commit) — what idempotency keys and the audit trail need. `process`:
 * once the database has it, safe from a crash of this process but not of the host
 * (SQLite synchronous = NORMAL in WAL mode; Postgres synchronous_commit = off), for
 * a connection that only counts, like the gateway's rate-limit windows: losing the
 * last counts of a window on power loss costs nothing, an fsync per request costs
 * about 0.3 ms of a blocked event loop on this machine's disk, more on slower ones.
 */
export type StoreDurability = 'disk' | 'process';

/** One opened store, whichever engine: what the store classes are built on. */
export interface Store {
  readonly kind: SqlDialect;
  readonly sql: SqlExecutor;
  /** Whether the store can take writes now, for readiness probes. */
  health(): Promise<StoreHealth>;
  /** Closes the connection (SQLite: at once; Postgres: the pool, after running queries end). */
  close(): Promise<void>;
}

export interface StoreHealth {
  ready: boolean;
  /** Why not, for an operator. */
  reason?: string;
  /** SQLite's journal mode (wal), or `postgres`. */
  journalMode: string;
}
