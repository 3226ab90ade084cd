// The master-data flows over the wire: both sandboxes on port 0 with the demo world,
// the real connectors, an in-memory store, and the sync engine (worker/engine.ts) with
// its durable cursors, job queue and exceptions — what the worker runs, in-process.
import { protocolsOf } from '../../sandboxes/odoo/versions.ts';
import { createOdooSandbox, type OdooSandbox } from '../../sandboxes/odoo/server.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot/server.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, type World } from '../../sandboxes/seed/index.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient, type OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { loadHubSpotConfig } from '../../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../../connectors/crm/hubspot/adapter.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import { AuditTrail, ExceptionQueue, IdempotencyStore, openStore, SqliteCursorStore, SqliteJobQueue, type Store } from '../../store/index.ts';
import { createLogger } from '../../core/logger.ts';
import type { Flow, StreamPosition } from '../../worker/flow.ts';
import { SyncEngine } from '../../worker/engine.ts';

export interface MasterDataRig {
  world: World;
  odooSandbox: OdooSandbox;
  hubspotSandbox: HubSpotSandbox;
  odoo: OdooClient;
  crm: CrmPort;
  store: Store;
  exceptions: ExceptionQueue;
  audit: AuditTrail;
  queue: SqliteJobQueue;
  cursorStore: SqliteCursorStore;
  idempotency: IdempotencyStore;
  /** The engine's durable cursors by `flow:model`, for tests that place or read them. */
  cursors: { get(key: string): Promise<StreamPosition | null>; set(key: string, position: StreamPosition): Promise<void>; clear(): void };
  close(): Promise<void>;
}

export async function startMasterDataRig(opts: { hubspotMaxRetries?: number; searchDelayMs?: number } = {}): Promise<MasterDataRig> {
  const world = buildWorld();
  const odooSandbox = createOdooSandbox({ dataset: world.odoo });
  // These tests write a record and poll at once; HubSpot search's lag (3 s by default in
  // the sandbox) is covered by the engine's overlap and tested on its own
  // (customer-master-sync: 'a company search does not show yet …'), so it is off here unless asked.
  const hubspotSandbox = createHubSpotSandbox({ dataset: world.hubspot, searchDelayMs: opts.searchDelayMs ?? 0 });
  const odooUrl = await odooSandbox.listen(0);
  const hubspotUrl = await hubspotSandbox.listen(0);
  const odoo = createOdooClient(loadOdooConfig({
    ODOO_URL: odooUrl, ODOO_DB: world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    ODOO_PROTOCOL: protocolsOf(odooSandbox.version)[0]!, ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
  }));
  const hubspotClient = createHubSpotClient(loadHubSpotConfig({
    HUBSPOT_BASE_URL: hubspotUrl, HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN, HUBSPOT_MAX_RETRIES: String(opts.hubspotMaxRetries ?? 1),
    HUBSPOT_TIMEOUT_MS: '5000', HUBSPOT_RETRY_BASE_MS: '1',
  }));
  const crm = createHubSpotCrm(hubspotClient);
  const store = openStore(':memory:');
  const exceptions = new ExceptionQueue(store);
  const audit = new AuditTrail(store);
  const idempotency = new IdempotencyStore(store);
  const queue = new SqliteJobQueue(store);
  const cursorStore = new SqliteCursorStore(store);
  const split = (key: string) => [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)] as const;
  const cursors = {
    get: (key: string) => cursorStore.get(...split(key)),
    set: (key: string, position: StreamPosition) => cursorStore.set(...split(key), position),
    clear: () => void store.db.prepare('DELETE FROM sync_cursors').run(),
  };
  return {
    world, odooSandbox, hubspotSandbox, odoo, crm, store, exceptions, audit, queue, cursorStore, idempotency, cursors,
    async close() {
      hubspotClient.close();
      await odoo.close();
      store.close();
      await Promise.allSettled([odooSandbox.close(), hubspotSandbox.close()]);
    },
  };
}

export interface RunSummary {
  applied: number;
  unchanged: number;
  skipped: number;
  /** Jobs that ended as an exception (classified or dead-lettered). */
  exceptions: number;
  /** Jobs left for a later retry (a transient failure). */
  retries: number;
}

/**
 * One poll of a flow's streams (all, or `models`) by the sync engine (worker/engine.ts),
 * then every job it queued run to the end — what the worker does each round, and
 * what `npm run sync` does once. A detect that fails rejects, the cursor unmoved.
 */
export async function runFlow(rig: MasterDataRig, flow: Flow, opts: { models?: string[]; limit?: number; maxPages?: number; since?: string } = {}): Promise<RunSummary> {
  const polled: Flow = { ...flow, models: opts.models ?? flow.models, detect: flow.detect, apply: flow.apply };
  const engine = new SyncEngine({
    flows: [polled], odoo: rig.odoo, crm: rig.crm, queue: rig.queue, cursors: rig.cursorStore, exceptions: rig.exceptions, audit: rig.audit,
    idempotency: rig.idempotency, logger: createLogger('master-data-test'),
    options: { ...(opts.limit !== undefined ? { batchSize: opts.limit } : {}), backoffBaseMs: 1, backoffMaxMs: 5 },
  });
  await engine.poll(flow.name, { since: opts.since ?? null, ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}) });
  const summary: RunSummary = { applied: 0, unchanged: 0, skipped: 0, exceptions: 0, retries: 0 };
  for (const o of await engine.drain({ flows: [flow.name] })) {
    if (o.result === 'dead') summary.exceptions++;
    else if (o.result === 'retry') summary.retries++;
    else summary[o.result]++;
  }
  return summary;
}

/** runFlow for each flow that reads one of `models` (all of them when absent), summed. */
export async function runFlows(rig: MasterDataRig, flows: readonly Flow[], opts: { models?: string[] } = {}): Promise<RunSummary> {
  const total: RunSummary = { applied: 0, unchanged: 0, skipped: 0, exceptions: 0, retries: 0 };
  for (const flow of flows) {
    const models = flow.models.filter((m) => !opts.models || opts.models.includes(m));
    if (models.length === 0) continue;
    const r = await runFlow(rig, flow, { models });
    for (const k of Object.keys(total) as Array<keyof RunSummary>) total[k] += r[k];
  }
  return total;
}

/**
 * replayException as the writes subgraph does it (subgraphs/writes/resolvers/exceptions.ts):
 * the exception goes RETRYING and its step is queued once more; then the engine runs it.
 */
export async function replay(rig: MasterDataRig, flows: readonly Flow[], exceptionId: string): Promise<void> {
  const done = rig.exceptions.markRetrying(exceptionId, (e) =>
    rig.queue.enqueue({ flow: e.payload!.flow, change: e.payload!.change, origin: 'replay', maxAttempts: 1, exceptionId: e.id, dedupeSuffix: `replay:${exceptionId}:${Date.now()}:${Math.random()}` }));
  if (!done) throw new Error(`exception ${exceptionId} is not OPEN`);
  await done.result;
  const engine = new SyncEngine({
    flows, odoo: rig.odoo, crm: rig.crm, queue: rig.queue, cursors: rig.cursorStore, exceptions: rig.exceptions, audit: rig.audit,
    idempotency: rig.idempotency, logger: createLogger('master-data-test'), options: { backoffBaseMs: 1, backoffMaxMs: 5 },
  });
  await engine.drain();
}
