// The HubSpot connector: the code a customer points at a real portal. It drives the
// official @hubspot/api-client (v13: URL building, auth header, request models) — the
// hot reads (batch read, get, search, v4 association batch read, owners) send the very same
// request through transport.ts's sendRaw, a CPU cost its per-call machinery made
// larger than the rest of the call — and adds what an integration needs around it:
//   - the shared resilience policy (connectors/shared/resilience.ts) configured from
//     HUBSPOT_*: a cap on requests in flight, a per-attempt timeout, a circuit breaker,
//     and bounded retries with backoff + jitter only where safe (errors.ts decides):
//     429 (except the DAILY policy) for every call; 5xx, resets and timeouts only for
//     idempotent calls (reads, PATCH, upsert, PUT association) — a create is never
//     re-sent after HubSpot may have processed it. The client's own RetryDecorator is
//     left off: it is process-global (ApiDecoratorService is a singleton shared by every
//     Client), waits a fixed 10 s × n on 429, counts attempts not retries, logs with
//     console.error and never retries network errors.
//   - an agent that really aborts a timed-out socket (transport.ts);
//   - X-Request-Id forwarded on every call (per-call middleware);
//   - every payload validated with zod (wire.ts), errors mapped to the registry (errors.ts);
//   - batch reads chunked by 100, association reads by 1,000 inputs with per-input paging;
//   - every attempt paced to the portal's rate limits (pacing.ts, shared per token by
//     the whole process), so a big read or a catalog push slows down instead of
//     collecting 429s; 429s are counted (hubspotPacing.stats()).
import { Client } from '@hubspot/api-client';
import type { AssociationSpec } from '@hubspot/api-client/lib/codegen/crm/objects/models/AssociationSpec.js';
import type http from 'node:http';
import type { HubSpotObject, HubSpotObjectType, HubSpotOwner } from './mapping/objects.ts';
import { appError, isAppError } from '../../../policy/errors.ts';
import { createResiliencePolicy, MIN_ATTEMPT_MS, type Attempt, type ResilienceEvent, type ResiliencePolicy } from '../../shared/resilience.ts';
import type { Deadline } from '../../../core/deadline.ts';
import type { HubSpotConfig } from './config.ts';
import type { CallBudget } from '../../../core/call-budget.ts';
import { classifyHubSpotFailure, HubSpotAttemptError, parseErrorBody, retryAfterMs, toAppError, type CallDescription } from './errors.ts';
import { callOptions, createTimeoutAgent, errorCode, sendRaw, TIMEOUT_CODE, type Capture, type RawRequest } from './transport.ts';
import { hubspotPacing, PaceTooLongError, type Pacer } from './pacing.ts';
import {
  associationBatchSchema,
  batchErrorSchema,
  batchSchema,
  collectionSchema,
  defaultAssociationSchema,
  completeAssociationIds,
  ownersPageSchema,
  parseEnvelope,
  parseWireObject,
  parseWireObjects,
  searchCollectionSchema,
  toOwner,
} from './wire.ts';

export type ObjectType = HubSpotObjectType;
export type { HubSpotObject, HubSpotOwner };

export interface CallOptions {
  /** Forwarded as X-Request-Id, so HubSpot-side logs and the sandbox log can be joined to ours. */
  requestId?: string;
  /** The request's deadline (core/deadline.ts); defaults to the one the client was bound to. */
  deadline?: Deadline;
  /** The request's backend-call budget: each call spends one before it is sent. */
  budget?: CallBudget;
}

/** An association made with a create: the target and HubSpot's (HUBSPOT_DEFINED) association type id. */
export interface CreateAssociation {
  toId: string;
  typeId: number;
}

export interface SearchRequest {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string }> }>;
  sorts?: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  properties: string[];
  limit?: number;
  after?: string;
  /** HubSpot's free-text query over the object's default searchable properties. */
  query?: string;
}

/** One attempt, for metrics/logging by the caller (never carries the token). */
export interface HubSpotCallEvent {
  operation: string;
  objectType?: string;
  attempt: number;
  outcome: 'ok' | 'retry' | 'error';
  status?: number;
  durationMs: number;
  requestId?: string;
  errorCode?: string;
}

export interface HubSpotClientOptions {
  /** One event per attempt (a view of the resilience events). */
  onEvent?: (event: HubSpotCallEvent) => void;
  /** Every resilience event (attempts, retries, breaker state, bulkhead refusals) in the shape both connectors share. */
  onResilienceEvent?: (event: ResilienceEvent) => void;
}

/** HubSpotCallEvent, the per-attempt view older callers observe, from the shared events. */
function observerFor(options: HubSpotClientOptions) {
  return (e: ResilienceEvent) => {
    options.onResilienceEvent?.(e);
    if (!options.onEvent || e.type === 'breaker' || e.type === 'bulkhead_rejected') return;
    const base = { operation: e.operation, ...(e.model !== undefined ? { objectType: e.model } : {}), ...(e.requestId !== undefined ? { requestId: e.requestId } : {}) };
    let event: HubSpotCallEvent | undefined;
    if (e.type === 'attempt' && e.ok) event = { ...base, attempt: e.attempt, outcome: 'ok', durationMs: e.durationMs, ...(e.httpStatus !== undefined ? { status: e.httpStatus } : {}) };
    else if (e.type === 'retry') event = { ...base, attempt: e.attempt, outcome: 'retry', durationMs: e.attemptMs, errorCode: e.reason, ...(e.httpStatus !== undefined ? { status: e.httpStatus } : {}) };
    else if (e.type === 'call' && !e.ok) event = { ...base, attempt: e.attempts, outcome: 'error', durationMs: e.durationMs, ...(e.code !== undefined ? { errorCode: e.code } : {}), ...(e.httpStatus !== undefined ? { status: e.httpStatus } : {}) };
    if (event) options.onEvent(event);
  };
}

/** HubSpot's documented input limits. */
export const HUBSPOT_LIMITS = {
  batchInputs: 100,
  associationBatchInputs: 1000,
  listPageSize: 100,
  searchPageSize: 200,
  /**
   * Values this connector puts in one IN filter. HubSpot bounds a search's size (filters,
   * groups) without a figure for IN values this project could verify; 50 is a
   * conservative chunk, and at about one quote per order it still fits one page.
   */
  searchInValues: 50,
  ownersPageSize: 500,
} as const;

interface Call<T> extends CallDescription {
  idempotent: boolean;
  requestId?: string;
  deadline?: Deadline;
  budget?: CallBudget | undefined;
  /** Issue the request through the generated client with the given per-call options… */
  invoke?: (options: ReturnType<typeof callOptions>) => Promise<unknown>;
  /** …or, for the hot reads, the same request sent by sendRaw (transport.ts). */
  request?: RawRequest;
  /** Turn a 2xx JSON body into the result (throw AppError on a contract breach). */
  accept: (json: unknown, status: number) => T;
  /** Answer for a 404 instead of failing (e.g. getById → null). */
  on404?: () => T;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

/** How batchRead matches an answer to what was asked: ids and unique property values, case-insensitively. */
const normKey = (v: string | null | undefined) => (v ?? '').toLowerCase();

export class HubSpotClient {
  private readonly sdk: Client;
  private readonly objectsApi: Client['crm']['objects'];
  private readonly associationsApi: Client['crm']['associations']['v4'];
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly accessToken: string;
  private readonly policy: ResiliencePolicy;
  private readonly pacer: Pacer | undefined;
  /** Set on a request's view (forRequest): every call it makes runs within this deadline. */
  private deadline: Deadline | undefined;
  /** How long one request may take before the client gives up on it (HUBSPOT_TIMEOUT_MS). */
  readonly timeoutMs: number;

  constructor(config: HubSpotConfig, options: HubSpotClientOptions = {}) {
    this.timeoutMs = config.timeoutMs;
    this.agent = createTimeoutAgent(config.baseUrl, config.timeoutMs, config.maxConcurrency);
    this.base = new URL(config.baseUrl);
    this.accessToken = config.accessToken;
    this.policy = createResiliencePolicy(config, { system: 'hubspot', label: 'HubSpot', classify: classifyHubSpotFailure }, observerFor(options));
    this.pacer = config.pacing
      ? hubspotPacing.for(config.baseUrl, config.accessToken, { burst: config.burstLimit, intervalMs: 10_000, searchPerSecond: config.searchPerSecond })
      : undefined;
    // numberOfApiCallRetries 0 and no limiterOptions: no global decorators (see header).
    this.sdk = new Client({ accessToken: config.accessToken, basePath: config.baseUrl, numberOfApiCallRetries: 0 });
    // Build the API objects now: the client decorates them from its process-global
    // decorator list at creation, so a later `new Client({numberOfApiCallRetries: n})`
    // elsewhere in the process cannot slip its retry decorator under ours.
    this.objectsApi = this.sdk.crm.objects;
    this.associationsApi = this.sdk.crm.associations.v4;
  }

  /**
   * This client for one request: the same sockets, breaker and bulkhead, every call
   * bounded by the request's deadline and cancelled with it (see OdooClient.forRequest).
   */
  forRequest(deadline: Deadline): HubSpotClient {
    const view = Object.create(this) as HubSpotClient;
    view.deadline = deadline;
    return view;
  }

  /** Release pooled keep-alive sockets (at shutdown). */
  close(): void {
    this.agent.destroy();
  }

  // ---- one call, through the resilience policy ----------------------------------

  private execute<T>(call: Call<T>): Promise<T> {
    call.budget?.spend('hubspot', call.objectType ? `${call.objectType}.${call.operation}` : call.operation);
    return this.policy.execute(
      {
        operation: call.operation,
        ...(call.objectType ? { model: call.objectType } : {}),
        ...(call.requestId !== undefined ? { requestId: call.requestId } : {}),
        idempotent: call.idempotent,
        ...(call.deadline ?? this.deadline ? { deadline: (call.deadline ?? this.deadline)! } : {}),
        details: { operation: call.operation, ...(call.objectType ? { model: call.objectType } : {}), ...(call.recordId ? { recordId: call.recordId } : {}) },
        timeoutError: () => new HubSpotAttemptError({ kind: 'timeout', cause: undefined }),
        finalError: (e, attempts) => {
          if (!(e instanceof HubSpotAttemptError)) return e;
          if (e.failure.kind === 'http' && e.failure.status === 429) hubspotPacing.noteUnhandled429();
          return toAppError(e.failure, call, attempts);
        },
        // Wait for room before queueing for a connection (holding none while the window is full)…
        ...(this.pacer ? { pace: (o: { latestStart?: number; signal: AbortSignal }) => this.pace(call, { ...o, take: false }) } : {}),
      },
      async (attempt) => {
        // …and take the slot as the request leaves: it may have queued since, while answers
        // told more about the window (another process's use), and HubSpot counts it from now.
        if (this.pacer) {
          const deadline = call.deadline ?? this.deadline;
          await this.pace(call, { ...(deadline ? { latestStart: deadline.at - MIN_ATTEMPT_MS } : {}), signal: attempt.signal, take: true });
        }
        return this.attempt(call, attempt);
      },
    );
  }

  /** Wait for a slot under the portal's limits; one past the deadline is BACKEND_RATE_LIMITED at once, never sent. */
  private async pace(call: CallDescription, o: { latestStart?: number; signal: AbortSignal; take: boolean }): Promise<void> {
    try {
      await this.pacer!.acquire({ search: call.operation === 'search', ...(o.latestStart !== undefined ? { latestStart: o.latestStart } : {}), signal: o.signal, take: o.take });
    } catch (e) {
      if (!(e instanceof PaceTooLongError)) throw e;
      const what = `HubSpot ${call.operation}${call.objectType ? ` ${call.objectType}` : ''}`;
      throw appError('BACKEND_RATE_LIMITED', `${what}: HubSpot's rate limit leaves no slot before the request's deadline (next in ${Math.round(e.waitMs)} ms)`, {
        system: 'hubspot', operation: call.operation, ...(call.objectType ? { model: call.objectType } : {}),
        backendName: e.window === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING', retryAfterMs: Math.round(e.waitMs), paced: true, deadlineReached: true,
      });
    }
  }

  /** A 429: count it, and hold the token's calls as HubSpot asks. */
  private noteLimits(call: CallDescription, status: number, headers: Record<string, string> | undefined, text: string | undefined): void {
    if (status !== 429) return;
    const failure = { kind: 'http' as const, status, body: parseErrorBody(text), headers: headers ?? {} };
    // HubSpot may name the search limit only in the message.
    const policy = failure.body.policyName ?? (/secondly limit/i.test(failure.body.message ?? '') ? 'SECONDLY' : undefined);
    hubspotPacing.noteRateLimited(policy, call.objectType ? `${call.objectType}.${call.operation}` : call.operation);
    const hasRetryAfter = headers !== undefined && (headers['retry-after'] ?? headers['Retry-After']) !== undefined;
    this.pacer?.rateLimited(policy, hasRetryAfter ? retryAfterMs(failure) : undefined);
  }

  /** One request on the wire; a failure is thrown as HubSpotAttemptError for the policy to judge. */
  private async attempt<T>(call: Call<T>, attempt: Attempt): Promise<T> {
    const capture: Capture = {};
    let thrown: unknown;
    try {
      if (call.request) await sendRaw(this.base, this.accessToken, call.request, capture, this.agent, call.requestId, attempt.signal);
      else await call.invoke!(callOptions(capture, this.agent, call.requestId, attempt.signal));
    } catch (e) {
      thrown = e;
    }
    const status = capture.status;
    attempt.httpStatus = status;
    // A 429's "0 remaining" is HubSpot refusing, not a count to learn from.
    this.pacer?.settle(status !== undefined && status !== 429 ? capture.headers : undefined);
    if (status !== undefined) this.noteLimits(call, status, capture.headers, capture.text);
    if (status !== undefined && status >= 200 && status < 300) {
      // Our own parse of the raw body decides, whatever the generated deserializer thought.
      let json: unknown;
      try {
        json = capture.text ? JSON.parse(capture.text) : undefined;
      } catch {
        throw new HubSpotAttemptError({ kind: 'protocol', status, reason: 'answered a body that is not JSON' });
      }
      try {
        return call.accept(json, status);
      } catch (e) {
        if (isAppError(e)) throw new HubSpotAttemptError({ kind: 'protocol', status, reason: e.message, error: e });
        throw e;
      }
    }
    if (status !== undefined) {
      if (status === 404 && call.on404) return call.on404();
      throw new HubSpotAttemptError({ kind: 'http', status, body: parseErrorBody(capture.text), headers: capture.headers ?? {} });
    }
    const code = errorCode(thrown);
    if (code === TIMEOUT_CODE) throw new HubSpotAttemptError({ kind: 'timeout', cause: thrown });
    // System errors (ECONNRESET, EPIPE, …) or node-fetch's FetchError; ERR_* codes are bugs, not outages.
    if ((code !== undefined && /^E[A-Z]+$/.test(code)) || (thrown as { name?: string } | undefined)?.name === 'FetchError') {
      throw new HubSpotAttemptError({ kind: 'network', code, cause: thrown });
    }
    // Not a wire failure: a bug in how the request was built.
    throw appError('BACKEND_ERROR', `HubSpot ${call.operation} could not be sent: ${(thrown as Error)?.message ?? String(thrown)}`, {
      system: 'hubspot',
      operation: call.operation,
    }, thrown);
  }

  /** 207 errors other than "not found" are failures of the call. */
  private checkBatchErrors(errors: unknown[] | undefined, call: CallDescription, tolerated: (e: { category?: string; subCategory?: string }) => boolean): void {
    for (const raw of errors ?? []) {
      const e = batchErrorSchema.safeParse(raw);
      const err = e.success ? e.data : {};
      if (tolerated(err)) continue;
      throw appError('BACKEND_ERROR', `HubSpot ${call.operation} ${call.objectType ?? ''} partially failed: ${err.message ?? 'unknown error'}`, {
        system: 'hubspot',
        operation: call.operation,
        ...(call.objectType ? { model: call.objectType } : {}),
        ...(err.category ? { backendName: err.category } : {}),
        httpStatus: 207,
      });
    }
  }

  // ---- objects ----------------------------------------------------------------

  /** One object by id (or by a unique property with `idProperty`); null when HubSpot answers 404. */
  getById(type: ObjectType, id: string, properties: string[], opts: CallOptions & { idProperty?: string } = {}): Promise<HubSpotObject | null> {
    return this.execute<HubSpotObject | null>({
      operation: 'get',
      objectType: type,
      recordId: id,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.objectsApi.basicApi.getById(type, id, properties, undefined, undefined, false, opts.idProperty, o),
      accept: (json) => parseWireObject(type, json),
      on404: () => null,
    });
  }

  /**
   * One object and, in the same call, the ids associated to it of each type in `toTypes`
   * (v3 GET `?associations=`). A type is in the answer's map only when its listing is
   * complete: HubSpot pages these listings past 100 ids (`paging.next`), and leaves out a
   * type without associations (or names it otherwise) — the caller reads those with
   * associations(), whose v4 batch read is the authority. Null when HubSpot answers 404.
   */
  getWithAssociations(
    type: ObjectType, id: string, properties: string[], toTypes: readonly ObjectType[], opts: CallOptions & { idProperty?: string } = {},
  ): Promise<{ object: HubSpotObject; associations: Map<ObjectType, string[]> } | null> {
    return this.execute<{ object: HubSpotObject; associations: Map<ObjectType, string[]> } | null>({
      operation: 'get',
      objectType: type,
      recordId: id,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      // What basicApi.getById(type, id, properties, undefined, toTypes, false, idProperty) sends.
      request: {
        method: 'GET',
        path: `/crm/v3/objects/${encodeURIComponent(type)}/${encodeURIComponent(id)}`,
        query: [
          ...properties.map((p): [string, string] => ['properties', p]),
          ...toTypes.map((t): [string, string] => ['associations', t]),
          ['archived', 'false'],
          ...(opts.idProperty !== undefined ? [['idProperty', opts.idProperty] as [string, string]] : []),
        ],
      },
      accept: (json) => ({ object: parseWireObject(type, json), associations: completeAssociations(json, toTypes) }),
      on404: () => null,
    });
  }

  /** Objects by id (or unique property), 100 per call; ids HubSpot does not know are left out (207). Results follow the order of `ids`. */
  async batchRead(type: ObjectType, ids: string[], properties: string[], opts: CallOptions & { idProperty?: string } = {}): Promise<HubSpotObject[]> {
    const wanted = unique(ids);
    if (wanted.length === 0) return [];
    const pages = await Promise.all(
      chunk(wanted, HUBSPOT_LIMITS.batchInputs).map((part) => {
        const call: CallDescription = { operation: 'batch_read', objectType: type };
        return this.execute<HubSpotObject[]>({
          ...call,
          idempotent: true,
          requestId: opts.requestId, budget: opts.budget,
          // What batchApi.read(type, body, false) sends.
          request: {
            method: 'POST',
            path: `/crm/v3/objects/${encodeURIComponent(type)}/batch/read`,
            query: [['archived', 'false']],
            body: { inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [], ...(opts.idProperty ? { idProperty: opts.idProperty } : {}) },
          },
          accept: (json) => {
            const env = parseEnvelope(batchSchema, json, 'a batch read', { operation: 'batch_read', model: type });
            this.checkBatchErrors(env.errors, call, (e) => e.category === 'OBJECT_NOT_FOUND');
            return parseWireObjects(type, env.results);
          },
        });
      }),
    );
    const all = pages.length === 1 ? pages[0]! : pages.flat();
    const position = new Map(wanted.map((id, i) => [normKey(id), i]));
    // Each object's place looked up once, not once per comparison (the same comparisons, so the same order).
    const ranked = all.map((o) => ({ o, at: position.get(normKey(opts.idProperty ? o.properties[opts.idProperty] : o.id)) ?? Infinity }));
    return ranked.sort((a, b) => a.at - b.at).map((r) => r.o);
  }

  /** One page of objects in id order (limit 1–100, default 100); `archived: true` lists the archived ones instead (with `archivedAt`). */
  list(type: ObjectType, page: { limit?: number; after?: string; archived?: boolean }, properties: string[], opts: CallOptions = {}): Promise<{ results: HubSpotObject[]; nextAfter?: string }> {
    const limit = Math.min(Math.max(1, Math.trunc(page.limit ?? HUBSPOT_LIMITS.listPageSize)), HUBSPOT_LIMITS.listPageSize);
    return this.execute({
      operation: 'list',
      objectType: type,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.objectsApi.basicApi.getPage(type, limit, page.after, properties, undefined, undefined, page.archived ?? false, o),
      accept: (json) => {
        const env = parseEnvelope(collectionSchema, json, 'a list page', { operation: 'list', model: type });
        const results = parseWireObjects(type, env.results);
        const nextAfter = env.paging?.next?.after;
        return nextAfter !== undefined ? { results, nextAfter } : { results };
      },
    });
  }

  /** CRM search (filter groups OR'd, filters AND'd; limit ≤ 200; HubSpot caps a query at 10,000 results). */
  search(type: ObjectType, req: SearchRequest, opts: CallOptions = {}): Promise<{ total: number; results: HubSpotObject[]; nextAfter?: string }> {
    const body = {
      filterGroups: req.filterGroups,
      ...(req.sorts ? { sorts: req.sorts } : {}),
      properties: req.properties,
      ...(req.limit !== undefined ? { limit: Math.min(Math.max(1, Math.trunc(req.limit)), HUBSPOT_LIMITS.searchPageSize) } : {}),
      ...(req.after !== undefined ? { after: req.after } : {}),
      ...(req.query !== undefined ? { query: req.query } : {}),
    };
    return this.execute({
      operation: 'search',
      objectType: type,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      // The generated model types `sorts` as string[] and operators as an enum; HubSpot takes the objects as sent.
      // What searchApi.doSearch(type, body) sends.
      request: { method: 'POST', path: `/crm/v3/objects/${encodeURIComponent(type)}/search`, body },
      accept: (json) => {
        const env = parseEnvelope(searchCollectionSchema, json, 'a search page', { operation: 'search', model: type });
        const results = parseWireObjects(type, env.results);
        const nextAfter = env.paging?.next?.after;
        return nextAfter !== undefined ? { total: env.total, results, nextAfter } : { total: env.total, results };
      },
    });
  }

  /** Create one object (201). Never retried once HubSpot may have received it. */
  create(type: ObjectType, properties: Record<string, string>, opts: CallOptions & { associations?: CreateAssociation[] } = {}): Promise<HubSpotObject> {
    // Associations made in the create request itself: the object never exists unlinked (a note lost from its deal).
    const associations = (opts.associations ?? []).map((a) => ({
      to: { id: a.toId },
      types: [{ associationCategory: 'HUBSPOT_DEFINED' as AssociationSpec['associationCategory'], associationTypeId: a.typeId }],
    }));
    return this.execute({
      operation: 'create',
      objectType: type,
      idempotent: false,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.objectsApi.basicApi.create(type, { properties, associations }, o),
      accept: (json) => parseWireObject(type, json),
    });
  }

  /** Archive (DELETE, 204). Archiving twice is harmless, so it may be retried; an already missing object counts as archived. */
  archive(type: ObjectType, id: string, opts: CallOptions = {}): Promise<void> {
    return this.execute({
      operation: 'archive',
      objectType: type,
      recordId: id,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.objectsApi.basicApi.archive(type, id, o),
      accept: () => undefined,
      on404: () => undefined,
    });
  }

  /** PATCH properties; an empty string clears a property. 404 → BACKEND_RECORD_MISSING. */
  update(type: ObjectType, id: string, properties: Record<string, string>, opts: CallOptions = {}): Promise<HubSpotObject> {
    return this.execute({
      operation: 'update',
      objectType: type,
      recordId: id,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.objectsApi.basicApi.update(type, id, { properties }, undefined, o),
      accept: (json) => parseWireObject(type, json),
    });
  }

  /** Create-or-update by a unique property, 100 per call; each result says whether it was `new`. */
  async batchUpsert(
    type: ObjectType,
    idProperty: string,
    inputs: Array<{ id: string; properties: Record<string, string> }>,
    opts: CallOptions = {},
  ): Promise<Array<HubSpotObject & { new: boolean }>> {
    if (inputs.length === 0) return [];
    const pages = await Promise.all(
      chunk(inputs, HUBSPOT_LIMITS.batchInputs).map((part) =>
        this.execute<Array<HubSpotObject & { new: boolean }>>({
          operation: 'batch_upsert',
          objectType: type,
          idempotent: true,
          requestId: opts.requestId, budget: opts.budget,
          invoke: (o) => this.objectsApi.batchApi.upsert(type, { inputs: part.map((i) => ({ id: i.id, idProperty, properties: i.properties })) }, o),
          accept: (json) => {
            const env = parseEnvelope(batchSchema, json, 'a batch upsert', { operation: 'batch_upsert', model: type });
            this.checkBatchErrors(env.errors, { operation: 'batch_upsert', objectType: type }, () => false);
            return env.results.map((raw) => {
              const obj = parseWireObject(type, raw);
              const isNew = (raw as { new?: unknown }).new;
              if (typeof isNew !== 'boolean') {
                throw appError('MAPPING_ERROR', `HubSpot batch upsert ${type} ${obj.id}: new must be a boolean`, {
                  system: 'hubspot', model: type, recordId: obj.id, field: 'new',
                });
              }
              return { ...obj, new: isNew };
            });
          },
        }),
      ),
    );
    return pages.flat();
  }

  // ---- associations -----------------------------------------------------------

  /**
   * Associated ids for many objects (v4 batch read, 1,000 inputs a call), following each
   * input's paging to the end. Every requested id is a key; ids without associations map to [].
   */
  async associations(fromType: ObjectType, ids: string[], toType: ObjectType, opts: CallOptions = {}): Promise<Map<string, string[]>> {
    const wanted = unique(ids);
    const found = new Map<string, Set<string>>(wanted.map((id) => [id, new Set<string>()]));
    let pending: Array<{ id: string; after?: string }> = wanted.map((id) => ({ id }));
    const seenCursors = new Set<string>();
    const call: CallDescription = { operation: 'associations_batch_read', objectType: fromType };
    while (pending.length > 0) {
      const rounds = await Promise.all(
        chunk(pending, HUBSPOT_LIMITS.associationBatchInputs).map((part) =>
          this.execute({
            ...call,
            idempotent: true,
            requestId: opts.requestId, budget: opts.budget,
            // What associations.v4.batchApi.getPage(fromType, toType, { inputs }) sends.
            request: { method: 'POST', path: `/crm/v4/associations/${encodeURIComponent(fromType)}/${encodeURIComponent(toType)}/batch/read`, body: { inputs: part } },
            accept: (json) => {
              const env = parseEnvelope(associationBatchSchema, json, 'an association batch read', { operation: call.operation, model: fromType });
              this.checkBatchErrors(env.errors, call, (e) => e.subCategory === 'crm.associations.NO_ASSOCIATIONS_FOUND' || e.category === 'OBJECT_NOT_FOUND');
              return env.results;
            },
          }),
        ),
      );
      const next: Array<{ id: string; after: string }> = [];
      for (const result of rounds.flat()) {
        const set = found.get(result.from.id) ?? found.set(result.from.id, new Set()).get(result.from.id)!;
        for (const to of result.to) set.add(to.toObjectId);
        const after = result.paging?.next?.after;
        if (after !== undefined) {
          const key = `${result.from.id}\u0000${after}`;
          if (seenCursors.has(key)) {
            throw appError('BACKEND_PROTOCOL', `HubSpot association paging for ${fromType} ${result.from.id} repeated a cursor`, {
              system: 'hubspot', operation: call.operation, model: fromType, recordId: result.from.id,
            });
          }
          seenCursors.add(key);
          next.push({ id: result.from.id, after });
        }
      }
      pending = next;
    }
    return new Map([...found].map(([id, set]) => [id, [...set]]));
  }

  /** Associate two objects with HubSpot's default (unlabelled) association type. */
  async associate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, opts: CallOptions = {}): Promise<void> {
    await this.execute({
      operation: 'associate',
      objectType: fromType,
      recordId: fromId,
      idempotent: true,
      requestId: opts.requestId, budget: opts.budget,
      invoke: (o) => this.associationsApi.basicApi.createDefault(fromType, fromId, toType, toId, o),
      accept: (json) => {
        parseEnvelope(defaultAssociationSchema, json, 'an association', { operation: 'associate', model: fromType, recordId: fromId });
      },
    });
  }

  // ---- owners -------------------------------------------------------------------

  /** Every active owner (sales reps), following paging. */
  async listOwners(opts: CallOptions = {}): Promise<HubSpotOwner[]> {
    const owners: HubSpotOwner[] = [];
    let after: string | undefined;
    do {
      const page = await this.execute({
        operation: 'owners_list',
        idempotent: true,
        requestId: opts.requestId, budget: opts.budget,
        // What ownersApi.getPage(undefined, after, limit, false) sends: the owners are read on every
        // account page whose cache has lapsed, and the generated client's machinery cost more than the call.
        request: {
          method: 'GET',
          path: '/crm/v3/owners/',
          query: [...(after !== undefined ? [['after', after] as [string, string]] : []), ['limit', String(HUBSPOT_LIMITS.ownersPageSize)], ['archived', 'false']],
        },
        accept: (json) => parseEnvelope(ownersPageSchema, json, 'an owners page', { operation: 'owners_list' }),
      });
      owners.push(...page.results.map(toOwner));
      after = page.paging?.next?.after;
    } while (after !== undefined);
    return owners;
  }
}

/**
 * The complete association listings of a v3 object answer, by requested type. HubSpot
 * keys them by object type name (older answers spell line items "line items"); one it
 * paged, or one that does not have the documented shape, is left for the v4 read.
 */
function completeAssociations(json: unknown, toTypes: readonly ObjectType[]): Map<ObjectType, string[]> {
  const out = new Map<ObjectType, string[]>();
  const raw = (json as { associations?: unknown } | null)?.associations;
  if (!raw || typeof raw !== 'object') return out;
  for (const [key, listing] of Object.entries(raw as Record<string, unknown>)) {
    const type = toTypes.find((t) => t === key.toLowerCase().replace(/ /g, '_'));
    if (!type) continue;
    const ids = completeAssociationIds(listing);
    if (ids) out.set(type, unique(ids));
  }
  return out;
}

export function createHubSpotClient(config: HubSpotConfig, options?: HubSpotClientOptions): HubSpotClient {
  return new HubSpotClient(config, options);
}
