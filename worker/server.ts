// The worker component, built without listening: the sync engine over the store,
// its loop (poll each flow when due, run due jobs), and its HTTP server —
// /health, /ready, /stats and the webhook endpoints.
import http from 'node:http';
import { createLogger, type Logger } from '../core/logger.ts';
import { applyServerTimeouts, DEFAULT_MAX_BODY_BYTES, refuse, requestIdOf, sendJson } from '../core/http.ts';
import { appError } from '../policy/errors.ts';
import type { OdooClient } from '../connectors/odoo/odoo-client.ts';
import { invalidatingWrites } from '../connectors/odoo/master-data-cache.ts';
import { IN_PROCESS_INVALIDATION, type CacheInvalidation } from '../core/cache-invalidation.ts';
import type { CrmPort } from '../connectors/crm/port.ts';
import { AuditTrail, ExceptionQueue, IdempotencyStore, StoreCursorStore, StoreJobQueue, type Store } from '../store/index.ts';
import type { SyncJobQueue } from '../store/job-queue.ts';
import { SyncEngine, type EngineOptions } from './engine.ts';
import type { Flow } from './flow.ts';
import { createFlows } from './flows/index.ts';
import { hubspotEventKind, hubspotWebhookSchema, odooWebhookSchema, verifyHubSpotRequest, secretsEqual, HUBSPOT_SIGNATURE_HEADER, HUBSPOT_TIMESTAMP_HEADER } from './webhooks.ts';

export interface WorkerOptions {
  odoo: OdooClient;
  crm: CrmPort;
  store: Store;
  /** The sync jobs' queue (openJobQueue: pg-boss with STORE_URL); default the store's own. */
  queue?: SyncJobQueue;
  /** Default: every registered flow (worker/flows/index.ts). */
  flows?: readonly Flow[];
  /** Only these flow names run here (WORKER_FLOWS). */
  only?: readonly string[];
  engine?: Partial<EngineOptions>;
  pollMs?: number;
  tickMs?: number;
  odooWebhookSecret?: string;
  hubspotAppSecret?: string;
  publicUrl?: string;
  idempotencyLeaseMs?: number;
  idempotencyWaitMs?: number;
  logger?: Logger;
  now?: () => Date;
  /** How the flows' Odoo writes (partners of the customer master) reach the read subgraphs' caches; default: this process's. */
  cacheInvalidation?: CacheInvalidation;
}

export function createWorker(opts: WorkerOptions) {
  const logger = opts.logger ?? createLogger('worker');
  const all = opts.flows ?? createFlows();
  const flows = opts.only?.length ? all.filter((f) => opts.only!.includes(f.name)) : all;
  const unknown = (opts.only ?? []).filter((n) => !all.some((f) => f.name === n));
  if (unknown.length) throw appError('CONFIG_INVALID', `WORKER_FLOWS names unknown flows: ${unknown.join(', ')}`, { field: 'WORKER_FLOWS' });
  const queue: SyncJobQueue = opts.queue ?? new StoreJobQueue(opts.store, { maxAttempts: opts.engine?.maxAttempts });
  const cursors = new StoreCursorStore(opts.store);
  const exceptions = new ExceptionQueue(opts.store);
  const audit = new AuditTrail(opts.store);
  const idempotency = new IdempotencyStore(opts.store, { leaseMs: opts.idempotencyLeaseMs, waitMs: opts.idempotencyWaitMs });
  const engine = new SyncEngine({ flows, odoo: invalidatingWrites(opts.odoo, opts.cacheInvalidation ?? IN_PROCESS_INVALIDATION), crm: opts.crm, queue, cursors, exceptions, audit, idempotency, logger, options: opts.engine, now: opts.now });
  const pollMs = opts.pollMs ?? 30_000;
  const tickMs = opts.tickMs ?? 1_000;

  // ---- the loop -----------------------------------------------------------
  const lastPoll = new Map<string, number>();
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const pollErrors = new Map<string, string>();

  async function tick(): Promise<void> {
    for (const flow of flows) {
      if (engine.stopped) return;
      const due = (lastPoll.get(flow.name) ?? 0) + (flow.pollMs ?? pollMs) <= Date.now();
      if (!due) continue;
      lastPoll.set(flow.name, Date.now());
      try {
        const s = await engine.poll(flow.name);
        pollErrors.delete(flow.name);
        if (s.enqueued) logger.info(s, 'changes detected');
      } catch (e) {
        // A backend down during detection: the cursor did not move, the next poll reads the same stream.
        const code = (e as { code?: string }).code ?? 'INTERNAL_SERVER_ERROR';
        pollErrors.set(flow.name, code);
        logger.warn({ flow: flow.name, code }, 'change detection failed; retried at the next poll');
      }
    }
    while (!engine.stopped) {
      const outcomes = await engine.work();
      if (outcomes.length === 0) break;
    }
  }

  function start(): void {
    if (loop) return;
    loop = (async () => {
      while (!engine.stopped) {
        try {
          await tick();
        } catch (e) {
          logger.error({ err: e }, 'worker tick failed');
        }
        if (engine.stopped) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, tickMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
    })();
  }

  async function stop(): Promise<void> {
    engine.stop();
    wake?.();
    await loop;
  }

  // ---- HTTP -----------------------------------------------------------------
  const server = applyServerTimeouts(http.createServer((req, res) => {
    const requestId = requestIdOf(req);
    handle(req, res, requestId).catch((e) => {
      logger.error({ err: e, requestId }, 'worker request failed');
      if (!res.headersSent) refuse(res, appError('INTERNAL', 'The request failed; details are in the worker log under the request id'), requestId);
    });
  }));

  async function readBody(req: http.IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > DEFAULT_MAX_BODY_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://worker.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (method === 'GET' && url.pathname === '/ready') {
      const store = await opts.store.health();
      const ready = store.ready && !engine.stopped;
      return sendJson(res, ready ? 200 : 503, { ready, store: { ready: store.ready, journalMode: store.journalMode }, flows: engine.flowNames, detectionFailing: Object.fromEntries(pollErrors) });
    }
    if (method === 'GET' && url.pathname === '/stats') {
      const flows = await Promise.all(engine.flowNames.map(async (f) => [f, await queue.stats(f)] as const));
      return sendJson(res, 200, { total: await queue.stats(), flows: Object.fromEntries(flows) });
    }
    if (method === 'POST' && url.pathname === '/webhooks/odoo') return odooWebhook(req, res, url, requestId);
    if (method === 'POST' && url.pathname === '/webhooks/hubspot') return hubspotWebhook(req, res, requestId);
    return sendJson(res, 404, { error: 'not found' });
  }

  const unauthenticated = (res: http.ServerResponse, requestId: string) =>
    refuse(res, appError('UNAUTHENTICATED', 'The webhook call is not authenticated'), requestId);

  async function odooWebhook(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string): Promise<void> {
    const token = url.searchParams.get('token') ?? (req.headers['x-webhook-token'] as string | undefined);
    // Checked before the body is read: an unauthenticated caller costs nothing.
    if (!opts.odooWebhookSecret || !token || !secretsEqual(token, opts.odooWebhookSecret)) return unauthenticated(res, requestId);
    const text = await readBody(req);
    const parsed = text === null ? undefined : odooWebhookSchema.safeParse(parseJson(text));
    if (!parsed?.success) return refuse(res, appError('BAD_USER_INPUT', 'The body is not an Odoo webhook notification ({_model, _id, …})', { field: 'body' }), requestId);
    const { _model: model, _id: id } = parsed.data;
    const targets = engine.flowsFor('odoo', model);
    // The version for deduplication is what Odoo holds now (one read), so a poll seeing the same write adds nothing.
    let version = new Date().toISOString();
    if (targets.length) {
      try {
        const [row] = await opts.odoo.searchRead(model, [['id', '=', id]], ['write_date'], { limit: 1 }, { requestId, context: { active_test: false } });
        if (row && typeof row.write_date === 'string') version = new Date(`${row.write_date.replace(' ', 'T')}Z`).toISOString();
      } catch (e) {
        logger.info({ requestId, model, code: (e as { code?: string }).code }, 'webhook: write_date not readable now; queued with the arrival time');
      }
    }
    let enqueued = 0;
    let duplicates = 0;
    for (const flow of targets) {
      const r = await engine.hint(flow.name, { model, recordId: String(id), version }, 'webhook');
      if (r.duplicate) duplicates++;
      else enqueued++;
    }
    wake?.();
    return sendJson(res, 202, { enqueued, duplicates });
  }

  async function hubspotWebhook(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
    if (!opts.hubspotAppSecret) return unauthenticated(res, requestId);
    const text = await readBody(req);
    if (text === null) return refuse(res, appError('BAD_USER_INPUT', 'The body is too large', { field: 'body' }), requestId);
    const base = opts.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
    const verdict = verifyHubSpotRequest({
      secret: opts.hubspotAppSecret, method: req.method ?? 'POST', uri: `${base.replace(/\/$/, '')}${req.url ?? ''}`, body: text,
      signature: req.headers[HUBSPOT_SIGNATURE_HEADER] as string | undefined, timestamp: req.headers[HUBSPOT_TIMESTAMP_HEADER] as string | undefined, now: Date.now(),
    });
    if (!verdict.ok) {
      logger.warn({ requestId, reason: verdict.reason }, 'HubSpot webhook refused');
      return unauthenticated(res, requestId);
    }
    const parsed = hubspotWebhookSchema.safeParse(parseJson(text));
    if (!parsed.success) return refuse(res, appError('BAD_USER_INPUT', 'The body is not a HubSpot webhook event list', { field: 'body' }), requestId);
    let enqueued = 0;
    let duplicates = 0;
    for (const event of parsed.data) {
      const kind = hubspotEventKind(event);
      if (!kind) continue;
      for (const flow of engine.flowsFor('crm', kind)) {
        const r = await engine.hint(flow.name, { model: kind, recordId: String(event.objectId), version: new Date(event.occurredAt).toISOString() }, 'webhook');
        if (r.duplicate) duplicates++;
        else enqueued++;
      }
    }
    wake?.();
    return sendJson(res, 202, { enqueued, duplicates });
  }

  return { engine, queue, cursors, exceptions, audit, idempotency, server, start, stop, tick, flows };
}

export type Worker = ReturnType<typeof createWorker>;
