// Test harness for the sync engine: both sandboxes with the seeded world on port 0,
// real connectors pointed at them, and a worker over a store (a file when the test
// restarts processes on it).
import { buildWorld, DEFAULT_NOW, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, type World } from '../../sandboxes/seed/index.ts';
import { protocolsOf } from '../../sandboxes/odoo/versions.ts';
import type { OdooVersion } from '../../connectors/odoo/versions.ts';
import { createOdooSandbox } from '../../sandboxes/odoo/server.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TIER, HUBSPOT_TIERS } from '../../sandboxes/hubspot/server.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient, type OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { loadHubSpotConfig } from '../../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../../connectors/crm/hubspot/adapter.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import type { Store } from '../../store/index.ts';
import type { SyncJobQueue } from '../../store/job-queue.ts';
import { openTestJobQueue, openTestStore, type TestStore } from './test-store.ts';
import { createWorker, type Worker, type WorkerOptions } from '../../worker/server.ts';

export interface SyncWorld {
  world: World;
  odooSandbox: ReturnType<typeof createOdooSandbox>;
  hubspotSandbox: ReturnType<typeof createHubSpotSandbox>;
  urls: { odoo: string; hubspot: string };
  /** The environment a worker process needs to reach these sandboxes. */
  env: Record<string, string>;
  odoo: OdooClient;
  crm: CrmPort;
  store: TestStore;
  worker: Worker;
  /** A new worker over the same store and sandboxes (a restart). */
  restart(opts?: Partial<WorkerOptions>): Worker;
  close(): Promise<void>;
}

export const SYNC_TEST_ENGINE = { batchSize: 20, leaseMs: 2_000, maxAttempts: 4, backoffBaseMs: 10, backoffMaxMs: 40, overlapMs: 5_000, jobTimeoutMs: 20_000 };

export async function startSyncWorld(opts: { storePath?: string; storeEngine?: 'sqlite'; worker?: Partial<WorkerOptions>; hubspotRetries?: number } = {}): Promise<SyncWorld> {
  const world = buildWorld();
  const odooSandbox = createOdooSandbox({ dataset: world.odoo });
  const hubspotSandbox = createHubSpotSandbox({ dataset: world.hubspot });
  const odooUrl = await odooSandbox.listen(0, '127.0.0.1');
  const hubspotUrl = await hubspotSandbox.listen(0, '127.0.0.1');
  const env = {
    ODOO_URL: odooUrl, ODOO_DB: world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    ODOO_PROTOCOL: protocolsOf(odooSandbox.version)[0]!, ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
    HUBSPOT_BASE_URL: hubspotUrl, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: String(opts.hubspotRetries ?? 1), HUBSPOT_TIMEOUT_MS: '5000',
    // The sandbox portal's tier (Professional: quote approvals need Sales Hub Professional or
    // Enterprise), as an operator of such a portal configures it: the connector paces itself to it.
    HUBSPOT_BURST_LIMIT: String(HUBSPOT_TIERS[DEFAULT_SANDBOX_TIER].max),
    // An outage in a test lasts milliseconds: the breakers probe again soon after.
    ODOO_BREAKER_HALF_OPEN_MS: '50', HUBSPOT_BREAKER_HALF_OPEN_MS: '50',
  };
  const odoo = createOdooClient(loadOdooConfig(env));
  const crm = createHubSpotCrm(createHubSpotClient(loadHubSpotConfig(env)));
  const store = await openTestStore(opts.storePath ?? ':memory:', opts.storeEngine);
  // The queue production picks for this store (pg-boss on Postgres): a worker started as a child shares it.
  const jobQueue = await openTestJobQueue(store);
  const make = (extra: Partial<WorkerOptions> = {}) => createWorker({
    odoo, crm, store, queue: jobQueue.queue, engine: SYNC_TEST_ENGINE, idempotencyLeaseMs: 1_000, idempotencyWaitMs: 200,
    now: () => new Date(DEFAULT_NOW), ...opts.worker, ...extra,
  });
  const self: SyncWorld = {
    world, odooSandbox, hubspotSandbox, urls: { odoo: odooUrl, hubspot: hubspotUrl }, env, odoo, crm, store,
    worker: make(),
    restart(extra) {
      self.worker.engine.stop();
      self.worker = make(extra);
      return self.worker;
    },
    async close() {
      await self.worker.stop();
      await jobQueue.close();
      await store.close();
      await Promise.allSettled([odooSandbox.close(), hubspotSandbox.close()]);
    },
  };
  return self;
}

/** Odoo's stored datetime for "now" (naive UTC, seconds). */
export const odooNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

/** Polls every flow and runs every due job until none is left (retries included: test backoff is milliseconds). */
export async function syncAll(worker: Worker, rounds = 50): Promise<void> {
  for (const f of worker.flows) await worker.engine.poll(f.name);
  for (let i = 0; i < rounds; i++) {
    await worker.engine.drain();
    const s = await worker.queue.stats();
    if (s.queued === 0 && s.running === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Notes created in the HubSpot sandbox so far. */
export const notesCreated = (w: SyncWorld) => w.hubspotSandbox.log.count({ operation: 'create', objectType: 'notes' });

/** Moves every cursor to just before now: a test then syncs only what it changes itself. */
export async function skipHistory(worker: Worker): Promise<void> {
  const version = new Date(Date.now() - 60_000).toISOString();
  for (const f of worker.flows) for (const m of f.models) await worker.cursors.set(f.name, m, { version, id: '' });
}

/** A worker over a running test stack's sandboxes and store (the writes subgraph queues replays there). */
export function workerOnStack(stack: { urls: { odooSandbox: string; hubspotSandbox: string }; odooSandbox: { version: OdooVersion }; world: World; store: Store; jobQueue: SyncJobQueue }, extra: Partial<WorkerOptions> = {}): Worker {
  const env = {
    ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    ODOO_PROTOCOL: protocolsOf(stack.odooSandbox.version)[0]!, ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
    HUBSPOT_BASE_URL: stack.urls.hubspotSandbox, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: '1', HUBSPOT_TIMEOUT_MS: '5000',
  };
  return createWorker({
    odoo: createOdooClient(loadOdooConfig(env)), crm: createHubSpotCrm(createHubSpotClient(loadHubSpotConfig(env))), store: stack.store, queue: stack.jobQueue,
    engine: SYNC_TEST_ENGINE, idempotencyLeaseMs: 1_000, idempotencyWaitMs: 200, now: () => new Date(DEFAULT_NOW), ...extra,
  });
}
