// The master-data flows over the wire: both sandboxes on port 0 with the demo world,
// the real connectors, an in-memory store, and a small loop that drives a flow the
// way the engine contract (worker/flow.ts) describes — detect from a durable cursor,
// apply each hint, a flowFailure recorded as an exception — so the flows' own
// behaviour (batching, idempotency, conflicts, resuming) is what the tests measure.
import { createOdooSandbox, type OdooSandbox } from '../../sandboxes/odoo/server.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../sandboxes/hubspot/server.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS, type World } from '../../sandboxes/seed/index.ts';
import { loadOdooConfig } from '../../connectors/odoo/config.ts';
import { createOdooClient, type OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { loadHubSpotConfig } from '../../connectors/crm/hubspot/config.ts';
import { createHubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../../connectors/crm/hubspot/adapter.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import { AuditTrail, ExceptionQueue, IdempotencyStore, openStore, type Store } from '../../store/index.ts';
import { createLogger } from '../../core/logger.ts';
import { isAppError } from '../../policy/errors.ts';
import { flowFailureOf, type Flow, type FlowContext, type StreamPosition } from '../../worker/flow.ts';

export interface MasterDataRig {
  world: World;
  odooSandbox: OdooSandbox;
  hubspotSandbox: HubSpotSandbox;
  odoo: OdooClient;
  crm: CrmPort;
  store: Store;
  exceptions: ExceptionQueue;
  audit: AuditTrail;
  /** Durable per flow+model cursors, as the engine keeps them. */
  cursors: Map<string, StreamPosition>;
  context(flow: Flow): FlowContext;
  close(): Promise<void>;
}

export async function startMasterDataRig(opts: { hubspotMaxRetries?: number } = {}): Promise<MasterDataRig> {
  const world = buildWorld();
  const odooSandbox = createOdooSandbox({ dataset: world.odoo });
  const hubspotSandbox = createHubSpotSandbox({ dataset: world.hubspot });
  const odooUrl = await odooSandbox.listen(0);
  const hubspotUrl = await hubspotSandbox.listen(0);
  const odoo = createOdooClient(loadOdooConfig({
    ODOO_URL: odooUrl, ODOO_DB: world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
    ODOO_PROTOCOL: 'json2', ODOO_MAX_RETRIES: '1', ODOO_TIMEOUT_MS: '5000',
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
  const cursors = new Map<string, StreamPosition>();
  const logger = createLogger('master-data-test');
  let seq = 0;
  return {
    world, odooSandbox, hubspotSandbox, odoo, crm, store, exceptions, audit, cursors,
    context(flow: Flow): FlowContext {
      const done = new Map<string, unknown>();
      return {
        flow: flow.name, odoo, crm, idempotency, audit, logger, signal: new AbortController().signal,
        requestId: `test-${flow.name}-${++seq}`, actor: { sub: flow.name, role: 'integration' },
        now: () => new Date(),
        async once<T>(key: string, _fingerprint: unknown, work: () => Promise<T>) {
          if (done.has(key)) return { result: done.get(key) as T, replayed: true };
          const result = await work();
          done.set(key, result);
          return { result, replayed: false };
        },
        recordException: (input) => {
          exceptions.record({ ...input, requestId: `test-${flow.name}`, actor: flow.name, payload: { flow: flow.name, change: input.payload } });
        },
      };
    },
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
  exceptions: number;
  /** detect calls made (pages read). */
  pages: number;
}

/**
 * Runs a flow's streams until drained (or `maxPages` detect calls), advancing the
 * durable cursor after each hint is handled. An error other than a classified
 * flowFailure stops the run there, like a crashed worker: the cursor stays put.
 */
export async function runFlow(rig: MasterDataRig, flow: Flow, opts: { models?: string[]; limit?: number; maxPages?: number; since?: string } = {}): Promise<RunSummary> {
  const summary: RunSummary = { applied: 0, unchanged: 0, skipped: 0, exceptions: 0, pages: 0 };
  for (const model of opts.models ?? flow.models) {
    const key = `${flow.name}:${model}`;
    for (;;) {
      if (opts.maxPages !== undefined && summary.pages >= opts.maxPages) return summary;
      const ctx = rig.context(flow);
      const { changes, drained } = await flow.detect(ctx, { model, after: rig.cursors.get(key) ?? null, since: opts.since ?? null }, opts.limit ?? 100);
      summary.pages++;
      for (const change of changes) {
        try {
          const r = await flow.apply(rig.context(flow), change);
          summary[r.outcome]++;
        } catch (e) {
          // As the engine classifies: the flow's own verdict, a record that does not fit
          // the mapping (ERP admin), a refusal for the content (the flow's team); anything
          // else is transient and stops the run with the cursor where it is.
          const err = e as Error & { code?: string };
          const failure = flowFailureOf(e) ?? (err.code === 'MAPPING_ERROR'
            ? { type: 'MAPPING' as const, team: 'ERP_ADMIN' as const }
            : err.code === 'BACKEND_VALIDATION' || err.code === 'BACKEND_CONFLICT' ? { type: 'VALIDATION' as const, team: flow.team } : undefined);
          if (!failure || !isAppError(e)) throw e;
          rig.context(flow).recordException({ ...failure, object: failure.object ?? model, objectId: failure.objectId ?? change.recordId, code: e.code, message: e.message, payload: change });
          summary.exceptions++;
        }
        rig.cursors.set(key, { version: change.version, id: change.recordId });
      }
      if (drained || changes.length === 0) break;
    }
  }
  return summary;
}
