// The Odoo connector: one client, two wire transports (JSON-2 or JSON-RPC, chosen
// by configuration), identical behaviour above them:
//   - bounded concurrency (a FIFO semaphore, ODOO_MAX_CONCURRENCY),
//   - a per-attempt timeout (ODOO_TIMEOUT_MS),
//   - retries with exponential backoff + jitter, honouring Retry-After, on
//     429 / 502 / 503 / 504 / connection errors — for read methods only; create,
//     write, unlink and business methods (action_*) are never replayed blindly,
//   - results checked against the shape Odoo documents (BACKEND_PROTOCOL if not),
//   - every failure an AppError from the registry (see errors.ts), never the key.
// Point it at a real Odoo or at the sandbox: the code cannot tell them apart.
import { appError, isAppError, type AppError } from '../../policy/errors.ts';
import type { OdooConfig } from './config.ts';
import { protocolError, unavailable } from './errors.ts';
import { createAgent } from './http.ts';
import { Json2Transport } from './json2-transport.ts';
import { JsonRpcTransport } from './jsonrpc-transport.ts';
import type { OdooTransport } from './transport.ts';

// Declared with the wire call it travels in (transport.ts), so the transports need nothing from this file.
import type { OdooContext } from './transport.ts';
export type { OdooContext };

export interface CallOptions {
  context?: OdooContext;
  /** Sent as X-Request-Id (traceability across gateway, subgraph and Odoo logs). */
  requestId?: string;
  signal?: AbortSignal;
}

export type Domain = unknown[];

/** A record as Odoo returns it (wire form: false for empty, [id, name] many2one…). Normalise with mapping/records.ts. */
export type RawRecord = { id: number } & Record<string, unknown>;

export interface OdooPage {
  limit?: number;
  offset?: number;
  order?: string;
}

/** Observability hooks (R9): one `onCall` per logical call, one `onRetry` per retry. */
export interface OdooClientHooks {
  onCall?(info: { model: string; method: string; attempts: number; durationMs: number; ok: boolean; code?: string; requestId?: string }): void;
  onRetry?(info: { model: string; method: string; attempt: number; delayMs: number; code: string; httpStatus?: number }): void;
}

/** Methods that change nothing in Odoo: the only ones retried. */
export const READ_METHODS: ReadonlySet<string> = new Set(['search_read', 'read', 'search', 'search_count', 'fields_get', 'name_search']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.max) {
      this.active++;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new Error('aborted'));
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over
      else this.active--;
    };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

export class OdooClient {
  readonly protocol: 'json2' | 'jsonrpc';
  private readonly config: OdooConfig;
  private readonly transport: OdooTransport;
  private readonly semaphore: Semaphore;
  private readonly agent: ReturnType<typeof createAgent>;
  private readonly hooks: OdooClientHooks;

  constructor(config: OdooConfig, hooks: OdooClientHooks = {}) {
    this.config = config;
    this.protocol = config.protocol;
    this.hooks = hooks;
    this.agent = createAgent(config.maxConcurrency);
    this.semaphore = new Semaphore(config.maxConcurrency);
    this.transport = config.protocol === 'jsonrpc' ? new JsonRpcTransport(config, this.agent) : new Json2Transport(config, this.agent);
  }

  /** Any public model method with named parameters (`ids` for recordset methods). */
  async call<T = unknown>(model: string, method: string, params: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<T> {
    const { ids, ...rest } = params;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every(isInt))) {
      throw appError('BAD_USER_INPUT', `ids for ${model}.${method} must be a list of integers`, { system: 'odoo', model, field: 'ids' });
    }
    return (await this.run(model, method, ids as number[] | undefined, rest, opts)) as T;
  }

  async searchRead(model: string, domain: Domain, fields: string[], page: OdooPage = {}, opts: CallOptions = {}): Promise<RawRecord[]> {
    const params: Record<string, unknown> = { domain, fields };
    if (page.offset) params.offset = page.offset;
    if (page.limit !== undefined) params.limit = page.limit;
    if (page.order) params.order = page.order;
    return this.records(model, 'search_read', await this.run(model, 'search_read', undefined, params, opts));
  }

  async read(model: string, ids: number[], fields: string[], opts: CallOptions = {}): Promise<RawRecord[]> {
    if (!ids.length) return [];
    return this.records(model, 'read', await this.run(model, 'read', ids, { fields }, opts));
  }

  async search(model: string, domain: Domain, page: OdooPage = {}, opts: CallOptions = {}): Promise<number[]> {
    const params: Record<string, unknown> = { domain };
    if (page.offset) params.offset = page.offset;
    if (page.limit !== undefined) params.limit = page.limit;
    if (page.order) params.order = page.order;
    const out = await this.run(model, 'search', undefined, params, opts);
    if (!Array.isArray(out) || !out.every(isInt)) throw protocolError({ model, method: 'search' }, 'search did not return a list of ids');
    return out;
  }

  async searchCount(model: string, domain: Domain, opts: CallOptions = {}): Promise<number> {
    const out = await this.run(model, 'search_count', undefined, { domain }, opts);
    if (!isInt(out) || out < 0) throw protocolError({ model, method: 'search_count' }, 'search_count did not return an integer');
    return out;
  }

  async create(model: string, valsList: Record<string, unknown>[], opts: CallOptions = {}): Promise<number[]> {
    const out = await this.run(model, 'create', undefined, { vals_list: valsList }, opts);
    const ids = isInt(out) ? [out] : out;
    if (!Array.isArray(ids) || !ids.every(isInt) || ids.length !== valsList.length) {
      throw protocolError({ model, method: 'create' }, 'create did not return one id per value set');
    }
    return ids;
  }

  async write(model: string, ids: number[], vals: Record<string, unknown>, opts: CallOptions = {}): Promise<boolean> {
    const out = await this.run(model, 'write', ids, { vals }, opts);
    if (typeof out !== 'boolean') throw protocolError({ model, method: 'write' }, 'write did not return a boolean');
    return out;
  }

  async fieldsGet(model: string, attributes?: string[], opts: CallOptions = {}): Promise<Record<string, unknown>> {
    const out = await this.run(model, 'fields_get', undefined, attributes ? { attributes } : {}, opts);
    if (!isObj(out)) throw protocolError({ model, method: 'fields_get' }, 'fields_get did not return an object');
    return out;
  }

  /** A business method on records, e.g. callMethod('sale.order', 'action_confirm', [42]). Never retried. */
  async callMethod<T = unknown>(model: string, method: string, ids: number[], kwargs: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<T> {
    return (await this.run(model, method, ids, kwargs, opts)) as T;
  }

  /** Close pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  // ------------------------------------------------------------------ internals

  private records(model: string, method: string, out: unknown): RawRecord[] {
    if (!Array.isArray(out)) throw protocolError({ model, method }, `${method} did not return a list`);
    for (const r of out) {
      if (!isObj(r) || !isInt(r.id)) throw protocolError({ model, method }, `${method} returned a record without an integer id`);
    }
    return out as RawRecord[];
  }

  private retryDelay(err: AppError, attempt: number): number | undefined {
    const status = err.details.httpStatus;
    const retryable =
      err.key === 'BACKEND_RATE_LIMITED' ||
      (err.key === 'BACKEND_UNAVAILABLE' && ((typeof status === 'number' && RETRYABLE_STATUS.has(status)) || err.details.connection === true));
    if (!retryable) return undefined;
    const base = this.config.retryBaseMs;
    const exp = Math.min(base * 2 ** (attempt - 1), base * 32);
    const jittered = Math.round(exp / 2 + (Math.random() * exp) / 2);
    const retryAfter = err.details.retryAfterMs;
    if (typeof retryAfter === 'number') {
      if (retryAfter > this.config.maxRetryAfterMs) return undefined;
      return Math.max(retryAfter, jittered);
    }
    return jittered;
  }

  private async run(model: string, method: string, ids: number[] | undefined, params: Record<string, unknown>, opts: CallOptions): Promise<unknown> {
    const started = performance.now();
    const maxAttempts = READ_METHODS.has(method) ? this.config.maxRetries + 1 : 1;
    const site = { model, method };
    let attempt = 0;
    for (;;) {
      attempt++;
      let release: (() => void) | undefined;
      try {
        try {
          release = await this.semaphore.acquire(opts.signal);
        } catch {
          throw unavailable(site, 'request aborted by the caller while queued', { aborted: true });
        }
        const out = await this.transport.call({ model, method, ids, params, context: opts.context, requestId: opts.requestId, signal: opts.signal });
        this.hooks.onCall?.({ model, method, attempts: attempt, durationMs: performance.now() - started, ok: true, requestId: opts.requestId });
        return out;
      } catch (e) {
        const err = isAppError(e) ? e : appError('BACKEND_ERROR', `Odoo call failed: ${(e as Error)?.message ?? String(e)}`, { system: 'odoo', model, method }, e);
        const delay = attempt < maxAttempts ? this.retryDelay(err, attempt) : undefined;
        if (delay === undefined) {
          err.details.attempts = attempt;
          if (err.key === 'BACKEND_RATE_LIMITED' && attempt > 1) {
            const final = appError('BACKEND_RATE_LIMITED', `Odoo answered 429 Too Many Requests ${attempt} times`, { ...err.details });
            this.hooks.onCall?.({ model, method, attempts: attempt, durationMs: performance.now() - started, ok: false, code: final.code, requestId: opts.requestId });
            throw final;
          }
          this.hooks.onCall?.({ model, method, attempts: attempt, durationMs: performance.now() - started, ok: false, code: err.code, requestId: opts.requestId });
          throw err;
        }
        this.hooks.onRetry?.({ model, method, attempt, delayMs: delay, code: err.code, httpStatus: err.details.httpStatus });
        release?.();
        release = undefined;
        try {
          await sleep(delay, opts.signal);
        } catch {
          throw unavailable(site, 'request aborted by the caller during backoff', { aborted: true });
        }
      } finally {
        release?.();
      }
    }
  }
}

export function createOdooClient(config: OdooConfig, hooks: OdooClientHooks = {}): OdooClient {
  return new OdooClient(config, hooks);
}
