// The embedded store: one SQLite file (better-sqlite3, WAL, busy_timeout) holding
// what must survive a restart and be shared by every process on the host —
// idempotency keys with their per-step progress (R7), the append-only audit
// trail (R6), integration exceptions (R8) and leases. The schema is versioned: `MIGRATIONS` is an ordered list applied
// once each, recorded in `schema_migrations`, every one in its own IMMEDIATE
// transaction so two processes starting together cannot both apply it.
//
// Durability: WAL with synchronous = FULL. In WAL mode NORMAL survives a crash of
// the process but may lose the last commits on power loss or an OS crash; a write
// is reported done only after its key and audit entry are committed, so that
// commit must reach the disk (one fsync of the WAL per commit — writes are few).
//
// The file cannot vanish unnoticed: SQLite keeps writing to the inode it opened
// even after its directory was moved or the file deleted, so writes would still
// "succeed" into a file nobody will open again, and a restart would start from an
// empty store and re-run old idempotency keys. Every write to a guarded table
// first checks that the path still names the open file (device and inode, as
// recorded at open): a per-connection TEMP trigger calls back into this process,
// so the rule holds for every statement of every store class without their help.
import { mkdirSync, statSync, type BigIntStats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { appError } from '../policy/errors.ts';
import { loadStoreConfig, type StoreConfig } from './config.ts';
import { SqliteExecutor, type SqlDialect, type SqlExecutor, type StoreDurability } from './sql.ts';

export type SqliteDatabase = Database.Database;

export interface Migration {
  /** 1, 2, 3 … with no gaps; never renumber or edit an applied migration, add a new one. */
  readonly version: number;
  readonly name: string;
  readonly up: (db: SqliteDatabase) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency keys and step progress',
    up: (db) =>
      db.exec(`
        CREATE TABLE idempotency_keys (
          scope            TEXT    NOT NULL,
          key              TEXT    NOT NULL,
          actor            TEXT    NOT NULL,
          fingerprint      TEXT    NOT NULL,
          status           TEXT    NOT NULL CHECK (status IN ('in_progress', 'completed', 'failed')),
          owner            TEXT,
          lease_expires_at INTEGER,
          attempts         INTEGER NOT NULL DEFAULT 1,
          result_json      TEXT,
          error_code       TEXT,
          error_message    TEXT,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;
        CREATE INDEX idempotency_keys_updated_at ON idempotency_keys (updated_at);
        CREATE TABLE idempotency_progress (
          scope       TEXT    NOT NULL,
          key         TEXT    NOT NULL,
          step        TEXT    NOT NULL,
          value_json  TEXT    NOT NULL,
          recorded_at INTEGER NOT NULL,
          PRIMARY KEY (scope, key, step),
          FOREIGN KEY (scope, key) REFERENCES idempotency_keys (scope, key) ON DELETE CASCADE
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 2,
    name: 'append-only audit trail',
    up: (db) =>
      db.exec(`
        CREATE TABLE audit_log (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          at              TEXT    NOT NULL,
          at_ms           INTEGER NOT NULL,
          actor_sub       TEXT    NOT NULL,
          actor_role      TEXT    NOT NULL,
          action          TEXT    NOT NULL,
          system          TEXT    NOT NULL CHECK (system IN ('odoo', 'hubspot', 'gateway')),
          object          TEXT    NOT NULL,
          object_id       TEXT    NOT NULL,
          fields_json     TEXT    NOT NULL,
          before_json     TEXT    NOT NULL,
          after_json      TEXT    NOT NULL,
          idempotency_key TEXT,
          request_id      TEXT    NOT NULL,
          outcome         TEXT    NOT NULL CHECK (outcome IN ('applied', 'refused', 'failed', 'replayed')),
          error_code      TEXT,
          error_message   TEXT
        );
        CREATE INDEX audit_log_object ON audit_log (object, object_id, id);
        CREATE INDEX audit_log_actor  ON audit_log (actor_sub, id);
        CREATE INDEX audit_log_action ON audit_log (action, id);
        CREATE INDEX audit_log_at     ON audit_log (at_ms, id);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        -- INSERT OR REPLACE deletes the old row without firing DELETE triggers (unless
        -- recursive_triggers is on), so an insert may never name an existing id.
        CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
          WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      `),
  },
  {
    version: 3,
    name: 'integration exceptions routed to owning teams',
    up: (db) =>
      db.exec(`
        CREATE TABLE integration_exceptions (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          TEXT    NOT NULL,
          team        TEXT    NOT NULL CHECK (team IN ('FINANCE', 'SALES_OPERATIONS', 'ERP_ADMIN')),
          status      TEXT    NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED', 'DISCARDED')),
          code        TEXT    NOT NULL,
          message     TEXT    NOT NULL,
          object      TEXT    NOT NULL,
          object_id   TEXT    NOT NULL,
          field       TEXT,
          request_id  TEXT    NOT NULL
        );
        CREATE INDEX integration_exceptions_team ON integration_exceptions (team, status, id);
      `),
  },
  {
    version: 4,
    name: "exception details only the owning team may read",
    up: (db) => db.exec('ALTER TABLE integration_exceptions ADD COLUMN detail TEXT;'),
  },
  {
    version: 5,
    name: 'named leases (one writer per business object across processes)',
    up: (db) => db.exec('CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;'),
  },
  {
    version: 6,
    name: 'rate-limit counters (one fixed window per caller)',
    up: (db) => db.exec('CREATE TABLE rate_limits (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;'),
  },
  {
    version: 7,
    name: 'sync engine: durable jobs, per flow+model cursors, counters',
    up: (db) =>
      db.exec(`
        CREATE TABLE sync_jobs (
          id               INTEGER PRIMARY KEY AUTOINCREMENT,
          flow             TEXT    NOT NULL,
          model            TEXT    NOT NULL,
          record_id        TEXT    NOT NULL,
          version          TEXT    NOT NULL,
          origin           TEXT    NOT NULL CHECK (origin IN ('poll', 'webhook', 'replay', 'cli')),
          ordering_key     TEXT    NOT NULL,
          dedupe_key       TEXT    NOT NULL UNIQUE,
          status           TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
          attempts         INTEGER NOT NULL DEFAULT 0,
          max_attempts     INTEGER NOT NULL,
          run_at           INTEGER NOT NULL,
          owner            TEXT,
          lease_expires_at INTEGER,
          exception_id     INTEGER,
          last_error_code  TEXT,
          last_error_message TEXT,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL
        );
        CREATE INDEX sync_jobs_due ON sync_jobs (status, run_at, id);
        CREATE INDEX sync_jobs_ordering ON sync_jobs (ordering_key, status, id);
        CREATE TABLE sync_cursors (
          flow       TEXT    NOT NULL,
          model      TEXT    NOT NULL,
          version    TEXT    NOT NULL,
          record_id  TEXT    NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (flow, model)
        ) WITHOUT ROWID;
        CREATE TABLE sync_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      `),
  },
  {
    version: 8,
    name: 'exception lifecycle: OPEN → RETRYING → RESOLVED | DISCARDED, type, occurrences, failed payload',
    // SQLite cannot change a CHECK in place: the table is rebuilt with its rows.
    up: (db) =>
      db.exec(`
        CREATE TABLE integration_exceptions_v8 (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          TEXT    NOT NULL,
          team        TEXT    NOT NULL CHECK (team IN ('FINANCE', 'SALES_OPERATIONS', 'ERP_ADMIN')),
          status      TEXT    NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RETRYING', 'RESOLVED', 'DISCARDED')),
          code        TEXT    NOT NULL,
          message     TEXT    NOT NULL,
          object      TEXT    NOT NULL,
          object_id   TEXT    NOT NULL,
          field       TEXT,
          request_id  TEXT    NOT NULL,
          detail      TEXT,
          type        TEXT    NOT NULL DEFAULT 'VALIDATION' CHECK (type IN ('VALIDATION', 'MAPPING', 'CROSS_REFERENCE_CONFLICT', 'DEAD_LETTER')),
          actor       TEXT    NOT NULL DEFAULT 'writes',
          fingerprint TEXT    NOT NULL,
          first_at    TEXT    NOT NULL,
          last_at     TEXT    NOT NULL,
          last_at_ms  INTEGER NOT NULL DEFAULT 0,
          occurrences INTEGER NOT NULL DEFAULT 1,
          attempts    INTEGER NOT NULL DEFAULT 1,
          payload_json TEXT,
          resolution  TEXT,
          closed_by   TEXT,
          closed_at   TEXT
        );
        INSERT INTO integration_exceptions_v8 (id, at, team, status, code, message, object, object_id, field, request_id, detail, fingerprint, first_at, last_at)
          SELECT id, at, team, status, code, message, object, object_id, field, request_id, detail, 'legacy:' || id, at, at FROM integration_exceptions;
        DROP TABLE integration_exceptions;
        ALTER TABLE integration_exceptions_v8 RENAME TO integration_exceptions;
        CREATE INDEX integration_exceptions_team ON integration_exceptions (team, status, id);
        CREATE INDEX integration_exceptions_object ON integration_exceptions (object, object_id, id);
        CREATE UNIQUE INDEX integration_exceptions_live ON integration_exceptions (fingerprint) WHERE status IN ('OPEN', 'RETRYING');
      `),
  },
  {
    version: 9,
    name: 'sync jobs remember when their last attempt started (same-second changes are not deduplicated away)',
    up: (db) => db.exec('ALTER TABLE sync_jobs ADD COLUMN claimed_at INTEGER;'),
  },
];

/** What every store class needs, whichever engine holds the data (store/sql.ts). */
// Store and StoreHealth live beside the SQL seam (sql.ts), so the Postgres store needs nothing from this file.
export type { Store, StoreDurability, StoreHealth } from './sql.ts';
import type { Store, StoreHealth } from './sql.ts';

/** The embedded store: one SQLite file (or `:memory:`) and its open connection. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  /** The open connection (schema tests and tools; the store classes go through `sql`). */
  readonly db: SqliteDatabase;
  /** As given to `openStore` (`:memory:` or a file path). */
  readonly path: string;
  /** Highest applied migration version. */
  readonly schemaVersion: number;
  readonly open: boolean;
  /** Throws STORE_UNAVAILABLE unless the path still names the open file; guarded tables run it before every write. */
  assertIntact(): void;
}


/**
 * Tables whose writes are not guarded: the gateway's rate-limit counters are
 * disposable (a lost window only resets a count), and refusing every read because
 * they cannot be counted would turn a store incident into a full outage.
 */
export const UNGUARDED_TABLES: ReadonlySet<string> = new Set(['rate_limits']);

export interface OpenStoreOptions {
  /** Milliseconds a statement waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** When a commit on this connection returns (default `disk`). */
  durability?: StoreDurability;
  /** Only for tests of the migration runner. */
  migrations?: readonly Migration[];
}

const MEMORY = ':memory:';

export function openStore(path: string, options: OpenStoreOptions = {}): SqliteStore {
  const migrations = options.migrations ?? MIGRATIONS;
  checkMigrationList(migrations);
  if (path !== MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });

  const db = new Database(path);
  try {
    // Recorded before anything else: the file this connection holds open.
    const opened = path === MEMORY ? undefined : statSync(path, { bigint: true });
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5_000))}`);
    const journalMode = String(path !== MEMORY ? db.pragma('journal_mode = WAL', { simple: true }) : db.pragma('journal_mode', { simple: true }));
    db.pragma(`synchronous = ${options.durability === 'process' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    const schemaVersion = migrate(db, migrations);

    const problem = (): string | undefined => {
      if (!db.open) return 'the store is closed';
      if (!opened) return undefined;
      let now: BigIntStats;
      try {
        now = statSync(path, { bigint: true });
      } catch (e) {
        return `${path} no longer exists (${(e as NodeJS.ErrnoException).code ?? 'stat failed'}): the open store file was moved or removed`;
      }
      return now.dev === opened.dev && now.ino === opened.ino ? undefined : `${path} now names another file than the store opened`;
    };
    const assertIntact = () => {
      const reason = problem();
      if (reason) throw appError('STORE_UNAVAILABLE', 'The write cannot be recorded durably: the store is unavailable', { reason });
    };
    guardWrites(db, assertIntact);
    return {
      kind: 'sqlite',
      sql: new SqliteExecutor(db),
      db,
      path,
      schemaVersion,
      get open() {
        return db.open;
      },
      assertIntact,
      async health() {
        const reason = problem();
        return reason ? { ready: false, reason, journalMode } : { ready: true, journalMode };
      },
      // Synchronous underneath: the file is closed when this returns, awaited or not.
      close() {
        if (db.open) db.close();
        return Promise.resolve();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Opens the store the environment names: PostgreSQL when `STORE_URL` is set (schema
 * `STORE_SCHEMA`, migrated to the latest version first), else the SQLite file
 * `STORE_PATH` (default `.data/supergraph.sqlite`).
 */
export async function openStoreFromEnv(env: Record<string, string | undefined> = process.env, options: { durability?: StoreDurability } = {}): Promise<{ store: Store; config: StoreConfig }> {
  const config = loadStoreConfig(env);
  if (config.STORE_URL) {
    // Loaded only when configured: pg and node-pg-migrate are some 200 modules and 10 MiB a process on the embedded store does not need.
    const { openPostgresStore } = await import('./postgres.ts');
    return { store: await openPostgresStore({ url: config.STORE_URL, schema: config.STORE_SCHEMA, maxConnections: config.STORE_POOL_MAX, migrate: config.STORE_MIGRATE, durability: options.durability }), config };
  }
  return { store: openStore(config.STORE_PATH, { durability: options.durability }), config };
}

/** A TEMP trigger per guarded table and statement kind runs `check` before the row is written; what it throws aborts the statement (and the transaction around it). */
function guardWrites(db: SqliteDatabase, check: () => void): void {
  db.function('store_guard', { deterministic: false }, () => {
    check();
    return null;
  });
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .all()
    .map((r) => r.name)
    .filter((name) => !UNGUARDED_TABLES.has(name));
  for (const table of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER "guard_${table}_${op.toLowerCase()}" BEFORE ${op} ON main."${table}" BEGIN SELECT store_guard(); END`);
    }
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw appError('INTERNAL', `store migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  const insert = db.prepare<[number, string, string]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const latest = migrations.length;

  const applied = current.get()?.v ?? 0;
  if (applied > latest) {
    throw appError('INTERNAL', `store schema version ${applied} is newer than this code knows (${latest}); refusing to open`);
  }
  for (const m of migrations) {
    // Re-read inside the write lock: another process may have applied it meanwhile.
    db.transaction(() => {
      const now = current.get()?.v ?? 0;
      if (now >= m.version) return;
      m.up(db);
      insert.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
  return current.get()?.v ?? 0;
}
