// The store on PostgreSQL (STORE_URL): the same store classes over a `pg` pool
// (store/sql.ts), the schema migrated at start-up by node-pg-migrate from
// store/migrations/postgres/*.sql. node-pg-migrate takes an advisory lock while
// it migrates, so replicas starting together apply each migration once.
import { readdirSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { appError, isAppError } from '../policy/errors.ts';
import { quoteIdent, toPostgresPlaceholders, type SqlExecutor, type SqlParam, type SqlTransaction, type Store, type StoreDurability } from './sql.ts';

export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/postgres/', import.meta.url));
/** node-pg-migrate's bookkeeping table, in the store's schema. */
export const POSTGRES_MIGRATIONS_TABLE = 'store_migrations';

const INT8_OID = 20;
/** BIGINT columns (ids, epoch milliseconds, counts) as numbers, like SQLite gives them. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresExecutorOptions {
  connectionString: string;
  /** The schema every statement resolves unqualified names in (search_path). */
  schema: string;
  maxConnections?: number;
  /** `process`: every session commits with synchronous_commit = off (default `disk`: the server's setting). */
  durability?: StoreDurability;
}

export class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(options: PostgresExecutorOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      types: pgTypes,
      options: `-c search_path=${quoteIdent(options.schema)}${options.durability === 'process' ? ' -c synchronous_commit=off' : ''}`,
      application_name: 'odoo-crm-supergraph',
    });
    // An idle client's error (server restart) must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return (await this.pool.query(toPostgresPlaceholders(sql), params as SqlParam[])).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    return { changes: (await this.pool.query(toPostgresPlaceholders(sql), params as SqlParam[])).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q = (sql: string, params: readonly SqlParam[] = []) => client.query(toPostgresPlaceholders(sql), params as SqlParam[]);
    const tx: SqlTransaction = {
      dialect: 'postgres',
      query: async <R>(sql: string, params?: readonly SqlParam[]) => (await q(sql, params)).rows as R[],
      get: async <R>(sql: string, params?: readonly SqlParam[]) => (await q(sql, params)).rows[0] as R | undefined,
      run: async (sql: string, params?: readonly SqlParam[]) => ({ changes: (await q(sql, params)).rowCount ?? 0 }),
      transaction: <R>(inner: (t: SqlTransaction) => Promise<R>) => inner(tx),
      lock: async (name: string) => void (await q('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name])),
    };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not hand it to the next caller
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly sql: PostgresExecutor;
  readonly schema: string;
}

export interface OpenPostgresStoreOptions {
  url: string;
  /** Created when missing. */
  schema: string;
  maxConnections?: number;
  /** Default true. False (STORE_MIGRATE=0, a service role that does not own the schema): only check it is current. */
  migrate?: boolean;
  /** When a commit returns (StoreDurability in store/sql.ts; default `disk`). */
  durability?: StoreDurability;
}

/** The migrations this build knows, by node-pg-migrate's name (file name without extension). */
export function postgresMigrationNames(): string[] {
  return readdirSync(POSTGRES_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => basename(f, extname(f))).sort();
}

/** Throws unless every migration of this build was applied to `schema` (a replica never runs on a schema behind its code). */
export async function assertPostgresMigrated(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const table = `${quoteIdent(schema)}.${quoteIdent(POSTGRES_MIGRATIONS_TABLE)}`;
    const applied = new Set((await client.query<{ name: string }>(`SELECT name FROM ${table}`)).rows.map((r) => r.name));
    const missing = postgresMigrationNames().filter((n) => !applied.has(n));
    if (missing.length) throw appError('STORE_UNAVAILABLE', `The Postgres store schema ${schema} lacks migrations ${missing.join(', ')}: run them as the schema owner (npm run store:migrate)`, { reason: 'schema behind' });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `postgres://user@host:port/db` without the password or query, for messages and logs. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable STORE_URL)';
  }
}

/**
 * Runs node-pg-migrate's `up` on `client` under a per-(table, schema) advisory lock that
 * WAITS: node-pg-migrate's own lock is one pg_try_advisory_lock id for the whole database
 * that fails ("Another migration is already running") instead of waiting, which stopped a
 * replica starting beside another (or the store's migration beside the queue's).
 */
export async function migrateLocked(client: pg.ClientBase, m: { dir: string; table: string; schema: string }): Promise<void> {
  const lockKey = `${m.table}:${m.schema}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  try {
    await runner({
      dbClient: client, dir: m.dir, direction: 'up', schema: m.schema, migrationsSchema: m.schema, migrationsTable: m.table,
      checkOrder: true, noLock: true,
      // Its default logger prints every statement to stdout.
      log: () => undefined, logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
  }
}

/** Brings the schema to the latest migration (idempotent; safe from several processes at once). */
export async function migratePostgres(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // Only when missing: a service role without CREATE on the database can still start against a prepared schema.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // IF NOT EXISTS is no guard against a replica creating it at the same instant: the
    // loser gets unique_violation on pg_namespace (or duplicate_schema); the schema is there.
    if (exists.rowCount === 0) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).catch((e: { code?: string }) => {
        if (e.code !== '23505' && e.code !== '42P06') throw e;
      });
    }
    await migrateLocked(client, { dir: POSTGRES_MIGRATIONS_DIR, table: POSTGRES_MIGRATIONS_TABLE, schema });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<PostgresStore> {
  try {
    if (options.migrate === false) await assertPostgresMigrated(options.url, options.schema);
    else await migratePostgres(options.url, options.schema);
  } catch (e) {
    if (isAppError(e)) throw e;
    // The driver's text may quote the URL; the operator gets where, not how to log in.
    throw appError('STORE_UNAVAILABLE', `The Postgres store at ${describePostgresUrl(options.url)} (schema ${options.schema}) could not be opened or migrated`, {
      reason: (e as { code?: string }).code ?? 'connect or migrate failed',
    }, e);
  }
  const sql = new PostgresExecutor({ connectionString: options.url, schema: options.schema, maxConnections: options.maxConnections, durability: options.durability });
  let closed = false;
  return {
    kind: 'postgres',
    sql,
    schema: options.schema,
    async health() {
      if (closed) return { ready: false, reason: 'the store is closed', journalMode: 'postgres' };
      try {
        await sql.query('SELECT 1');
        return { ready: true, journalMode: 'postgres' };
      } catch (e) {
        return { ready: false, reason: `Postgres unreachable (${(e as { code?: string }).code ?? 'error'})`, journalMode: 'postgres' };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await sql.close();
    },
  };
}
