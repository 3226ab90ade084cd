// The Odoo connector: one client, two wire transports (JSON-2 or JSON-RPC, chosen
// by configuration), identical behaviour above them:
//   - the shared resilience policy (connectors/shared/resilience.ts) configured from
//     ODOO_*: bounded concurrency, a per-attempt timeout, a circuit breaker, and
//     retries with backoff + jitter honouring Retry-After on 429 / 502 / 503 / 504 /
//     connection errors (errors.ts decides) — for read methods only; create, write,
//     unlink and business methods (action_*) are never replayed blindly,
//   - results checked against the shape Odoo documents (BACKEND_PROTOCOL if not),
//   - every failure an AppError from the registry (see errors.ts), never the key.
// Point it at a real Odoo or at the sandbox: the code cannot tell them apart.
import { appError, isAppError } from '../../policy/errors.ts';
import { createResiliencePolicy, type ResilienceEvent, type ResiliencePolicy } from '../shared/resilience.ts';
import type { Deadline } from '../../core/deadline.ts';
import type { OdooConfig } from './config.ts';
import { classifyOdooFailure, protocolError, unavailable } from './errors.ts';
import { createAgent } from './http.ts';
import { Json2Transport } from './json2-transport.ts';
import { JsonRpcTransport } from './jsonrpc-transport.ts';
import type { OdooTransport } from './transport.ts';
import { parseOdooVersion, toCanonicalRecord, wireContext, wireDomain, wireFieldName, wireFields, wireOrder, wireVals, type OdooVersion } from './versions.ts';
import type { CallBudget } from '../../core/call-budget.ts';

// Declared with the wire call it travels in (transport.ts), so the transports need nothing from this file.
import type { OdooContext } from './transport.ts';
export type { OdooContext };

export interface CallOptions {
  context?: OdooContext;
  /** Sent as X-Request-Id (traceability across gateway, subgraph and Odoo logs). */
  requestId?: string;
  signal?: AbortSignal;
  /** The request's deadline (core/deadline.ts); defaults to the one the client was bound to. */
  deadline?: Deadline;
  /** The request's backend-call budget: each call spends one before it is sent. */
  budget?: CallBudget;
}

export type Domain = unknown[];

/** A record as Odoo returns it (wire form: false for empty, [id, name] many2one…). Normalise with mapping/records.ts. */
export type RawRecord = { id: number } & Record<string, unknown>;

export interface OdooPage {
  limit?: number;
  offset?: number;
  order?: string;
}

/**
 * Observability hooks (R9): `onEvent` sees every resilience event (attempts, retries,
 * breaker state, bulkhead refusals — the shape both connectors share); `onCall` (one
 * per logical call) and `onRetry` (one per retry) are views of the same events.
 */
export interface OdooClientHooks {
  onCall?(info: { model: string; method: string; attempts: number; durationMs: number; ok: boolean; code?: string; requestId?: string }): void;
  onRetry?(info: { model: string; method: string; attempt: number; delayMs: number; code: string; httpStatus?: number }): void;
  onEvent?(event: ResilienceEvent): void;
}

function observerFor(hooks: OdooClientHooks) {
  return (e: ResilienceEvent) => {
    hooks.onEvent?.(e);
    if (e.type === 'call') {
      const { model = '', operation: method, attempts, durationMs, ok, code, requestId } = e;
      hooks.onCall?.({ model, method, attempts, durationMs, ok, ...(code !== undefined ? { code } : {}), ...(requestId !== undefined ? { requestId } : {}) });
    } else if (e.type === 'retry') {
      const { model = '', operation: method, attempt, delayMs, reason: code, httpStatus } = e;
      hooks.onRetry?.({ model, method, attempt, delayMs, code, ...(httpStatus !== undefined ? { httpStatus } : {}) });
    }
  };
}

/** Methods that change nothing in Odoo: the only ones retried. */
export const READ_METHODS: ReadonlySet<string> = new Set(['search_read', 'read', 'search', 'search_count', 'read_group', 'formatted_read_group', 'fields_get', 'name_search']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

export class OdooClient {
  readonly protocol: 'json2' | 'jsonrpc';
  private readonly config: OdooConfig;
  private readonly transport: OdooTransport;
  private readonly policy: ResiliencePolicy;
  private readonly agent: ReturnType<typeof createAgent>;
  /** Set on a request's view (forRequest): every call it makes runs within this deadline. */
  private deadline: Deadline | undefined;
  /** The server's major version, detected once and shared by every request view (forRequest). */
  private readonly detected: { version?: Promise<OdooVersion> } = {};

  constructor(config: OdooConfig, hooks: OdooClientHooks = {}) {
    this.config = config;
    this.protocol = config.protocol;
    this.agent = createAgent(config.maxConcurrency);
    this.policy = createResiliencePolicy(config, { system: 'odoo', label: 'Odoo', classify: classifyOdooFailure }, observerFor(hooks));
    this.transport = config.protocol === 'jsonrpc' ? new JsonRpcTransport(config, this.agent) : new Json2Transport(config, this.agent);
  }

  /**
   * This client for one request: the same connections, breaker and bulkhead, every
   * call bounded by the request's deadline and cancelled with it. Subgraphs hand
   * this view to their loaders and row scopes, so no backend call of a request can
   * outlive it.
   */
  forRequest(deadline: Deadline): OdooClient {
    const view = Object.create(this) as OdooClient;
    view.deadline = deadline;
    return view;
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

  /**
   * `read` by id (Odoo 16–19 alike): ids that do not exist are left out of the
   * answer (HTTP 200, no MissingError); an id hidden by a record rule or another
   * company fails the whole call with AccessError (BACKEND_ACCESS_DENIED).
   */
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

  /**
   * `read_group(domain, fields, groupby, offset, limit, orderby, lazy)` (Odoo 14–19;
   * deprecated in 19 in favour of formatted_read_group). `fields` are `name:agg`
   * specs (e.g. `id:array_agg`); with `lazy: false` each group counts its records in
   * `__count` and is grouped by every `groupby` field.
   */
  async readGroup(model: string, domain: Domain, fields: string[], groupby: string[], page: OdooPage & { lazy?: boolean } = {}, opts: CallOptions = {}): Promise<Array<Record<string, unknown>>> {
    const params: Record<string, unknown> = { domain, fields, groupby, lazy: page.lazy ?? true };
    if (page.offset) params.offset = page.offset;
    if (page.limit !== undefined) params.limit = page.limit;
    if (page.order) params.orderby = page.order;
    const out = await this.run(model, 'read_group', undefined, params, opts);
    if (!Array.isArray(out) || !out.every(isObj)) throw protocolError({ model, method: 'read_group' }, 'read_group did not return a list of groups');
    return out;
  }

  /**
   * `formatted_read_group(domain, groupby, aggregates, having, offset, limit, order)`
   * (Odoo 19+, read_group's successor; read_group is gone after 19.0): each group
   * carries its groupby values, `__count`, and every aggregate under its spec
   * (`'id:array_agg'`).
   */
  async formattedReadGroup(model: string, domain: Domain, groupby: string[], aggregates: string[], page: OdooPage = {}, opts: CallOptions = {}): Promise<Array<Record<string, unknown>>> {
    const params: Record<string, unknown> = { domain, groupby, aggregates };
    if (page.offset) params.offset = page.offset;
    if (page.limit !== undefined) params.limit = page.limit;
    if (page.order) params.order = page.order;
    const out = await this.run(model, 'formatted_read_group', undefined, params, opts);
    if (!Array.isArray(out) || !out.every(isObj)) throw protocolError({ model, method: 'formatted_read_group' }, 'formatted_read_group did not return a list of groups');
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

  /**
   * The server's major version (16–19), asked once — common.version on JSON-RPC,
   * GET /web/version on JSON-2 — and cached; every model call waits for it, since
   * field names and states differ per version (versions.ts). A failed detection is
   * not cached: the next call asks again.
   */
  serverVersion(opts: Pick<CallOptions, 'requestId' | 'signal' | 'deadline'> = {}): Promise<OdooVersion> {
    const known = this.detected.version;
    if (known) return known;
    const site = { model: 'common', method: 'version' };
    const p = this.policy
      .execute(
        {
          operation: 'version',
          model: 'common',
          requestId: opts.requestId,
          idempotent: true,
          signal: opts.signal,
          deadline: opts.deadline ?? this.deadline,
          details: site,
          timeoutError: () => unavailable(site, `no answer within ${this.config.timeoutMs} ms`, { timeout: true, timeoutMs: this.config.timeoutMs }),
          finalError: (e, attempts) => {
            const err = isAppError(e) ? e : appError('BACKEND_ERROR', 'Odoo version detection failed', { system: 'odoo', ...site }, e);
            err.details.attempts = attempts;
            return err;
          },
        },
        (attempt) => this.transport.version(attempt.signal, opts.requestId),
      )
      .then((info) => parseOdooVersion(info.versionInfo, info.version));
    this.detected.version = p;
    p.catch(() => {
      if (this.detected.version === p) this.detected.version = undefined;
    });
    return p;
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

  private async run(model: string, method: string, ids: number[] | undefined, canonical: Record<string, unknown>, opts: CallOptions): Promise<unknown> {
    const site = { model, method };
    opts.budget?.spend('odoo', `${model}.${method}`);
    const version = await this.serverVersion(opts);
    const params = toWireParams(version, model, method, canonical);
    const context = wireContext(version, opts.context);
    const out = await this.policy.execute(
      {
        operation: method,
        model,
        requestId: opts.requestId,
        idempotent: READ_METHODS.has(method),
        signal: opts.signal,
        deadline: opts.deadline ?? this.deadline,
        details: site,
        timeoutError: () => unavailable(site, `no answer within ${this.config.timeoutMs} ms`, { timeout: true, timeoutMs: this.config.timeoutMs }),
        finalError: (e, attempts) => {
          const err = isAppError(e) ? e : appError('BACKEND_ERROR', `Odoo call failed: ${(e as Error)?.message ?? String(e)}`, { system: 'odoo', model, method }, e);
          err.details.attempts = attempts;
          if (err.key === 'BACKEND_RATE_LIMITED' && attempts > 1) return appError('BACKEND_RATE_LIMITED', `Odoo answered 429 Too Many Requests ${attempts} times`, { ...err.details });
          return err;
        },
      },
      (attempt) => this.transport.call({ model, method, ids, params, context, requestId: opts.requestId, signal: attempt.signal }),
    );
    return fromWireResult(version, model, method, out, canonical.fields);
  }
}

const FIELD_LIST_METHODS = new Set(['search_read', 'read']);

/** A call's canonical parameters in the server version's dialect (versions.ts). */
function toWireParams(v: OdooVersion, model: string, method: string, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  if (FIELD_LIST_METHODS.has(method) && Array.isArray(params.fields)) out.fields = wireFields(v, model, params.fields as string[]);
  if ('domain' in params) out.domain = wireDomain(v, model, params.domain);
  if (typeof params.order === 'string') out.order = wireOrder(v, model, params.order);
  if (typeof params.orderby === 'string') out.orderby = wireOrder(v, model, params.orderby);
  if (Array.isArray(params.groupby)) out.groupby = (params.groupby as unknown[]).map((g) => (typeof g === 'string' ? (wireFieldName(v, model, g) ?? g) : g));
  if (method === 'write') out.vals = wireVals(v, model, params.vals);
  if (method === 'create' && Array.isArray(params.vals_list)) out.vals_list = (params.vals_list as unknown[]).map((vals) => wireVals(v, model, vals));
  return out;
}

/** An answer back in canonical names and values: records of read/search_read, the groups of a grouped read. */
function fromWireResult(v: OdooVersion, model: string, method: string, out: unknown, fields: unknown): unknown {
  if (!Array.isArray(out)) return out;
  const asked = Array.isArray(fields) ? (fields as string[]) : undefined;
  if (FIELD_LIST_METHODS.has(method)) return out.map((r) => (isObj(r) ? toCanonicalRecord(v, model, r, asked) : r));
  if (method === 'read_group' || method === 'formatted_read_group') return out.map((g) => (isObj(g) ? toCanonicalRecord(v, model, g) : g));
  return out;
}

export function createOdooClient(config: OdooConfig, hooks: OdooClientHooks = {}): OdooClient {
  return new OdooClient(config, hooks);
}
