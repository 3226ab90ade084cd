// The gateway's store connection only counts rate-limit windows, so its commits do
// not wait for the disk (StoreDurability `process`): an fsync per request blocked
// the event loop for about 0.3 ms on this machine. Everything else keeps `disk`.
// Both settings share one file (or one schema) and count into the same windows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { openStore, openStoreFromEnv } from '../store/database.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { tempDb } from './support/store.ts';
import { dropSchema, TEST_POSTGRES_URL } from './support/test-store.ts';

/** PRAGMA synchronous as SQLite reports it: 1 NORMAL, 2 FULL. */
const SYNCHRONOUS = { NORMAL: 1, FULL: 2 } as const;

test('SQLite: the counting connection commits without fsync, every other keeps FULL, and both count into the same window', async (t) => {
  const path = tempDb(t, 'data');
  const durable = openStore(path);
  const counting = openStore(path, { durability: 'process' });
  t.after(async () => {
    await counting.close();
    await durable.close();
  });
  assert.equal(durable.db.pragma('synchronous', { simple: true }), SYNCHRONOUS.FULL);
  assert.equal(counting.db.pragma('synchronous', { simple: true }), SYNCHRONOUS.NORMAL);
  assert.equal(counting.db.pragma('journal_mode', { simple: true }), 'wal', 'NORMAL is crash-safe for the process only in WAL mode');

  const now = Date.UTC(2026, 11, 7, 12, 0, 30);
  const a = new StoreRateLimitCounter(durable);
  const b = new StoreRateLimitCounter(counting);
  assert.equal((await b.hit('caller-1', 60_000, now)).count, 1);
  assert.equal((await a.hit('caller-1', 60_000, now + 1)).count, 2);
  assert.equal((await b.hit('caller-1', 60_000, now + 2)).count, 3);

  // A restart of the counting process (its connection closed, a new one opened) finds its counts.
  await counting.close();
  const again = openStore(path, { durability: 'process' });
  t.after(() => again.close());
  assert.equal((await new StoreRateLimitCounter(again).hit('caller-1', 60_000, now + 3)).count, 4);
});

test('openStoreFromEnv passes the durability on; without it a store stays durable', async (t) => {
  const path = tempDb(t, 'env');
  const { store: counting } = await openStoreFromEnv({ STORE_PATH: path }, { durability: 'process' });
  t.after(() => counting.close());
  const { store: durable } = await openStoreFromEnv({ STORE_PATH: path });
  t.after(() => durable.close());
  const synchronous = async (store: typeof counting) => (await store.sql.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous;
  assert.equal(await synchronous(counting), SYNCHRONOUS.NORMAL);
  assert.equal(await synchronous(durable), SYNCHRONOUS.FULL);
});

test('Postgres: the counting pool commits with synchronous_commit off, every other keeps the server\'s setting', {
  skip: process.env.TEST_STORE === 'postgres' ? undefined : 'the Postgres store is tested in the Postgres configuration (TEST_STORE=postgres)',
}, async (t) => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  t.after(() => dropSchema(schema));
  const counting = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, maxConnections: 2, durability: 'process' });
  t.after(() => counting.close());
  const durable = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, maxConnections: 2 });
  t.after(() => durable.close());

  const server = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await server.connect();
  const serverSetting = (await server.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
  await server.end();
  const setting = async (store: typeof counting) => (await store.sql.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]!.synchronous_commit;
  assert.equal(await setting(counting), 'off');
  assert.equal(await setting(durable), serverSetting);

  const now = Date.UTC(2026, 11, 7, 12, 0, 30);
  assert.equal((await new StoreRateLimitCounter(counting).hit('caller-1', 60_000, now)).count, 1);
  assert.equal((await new StoreRateLimitCounter(durable).hit('caller-1', 60_000, now + 1)).count, 2);
});
