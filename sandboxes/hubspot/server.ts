// A loopback HubSpot: answers the CRM v3 objects, v4 associations and v3 owners
// endpoints the way api.hubapi.com does (paths, query parameters, bodies, status
// codes, error envelopes, rate-limit headers), so the official @hubspot/api-client
// cannot tell it from the real thing. Test-only switches (faults, request log) live
// under /__sandbox/ and are answered on loopback only. Never imported by production code.
import { closeServer, listen } from '../../core/http.ts';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { z } from 'zod';
import {
  HUBSPOT_ASSOCIATION_TYPES,
  HUBSPOT_DEFAULT_PROPERTIES,
  HUBSPOT_OBJECT_TYPE_IDS,
  HUBSPOT_OBJECT_TYPES,
  HUBSPOT_PROPERTY_OPTIONS,
  HUBSPOT_PROPERTY_TYPES,
  HUBSPOT_READ_ONLY_PROPERTIES,
  HUBSPOT_SINGULAR,
  HUBSPOT_TIMESTAMP_PROPERTIES,
  type HubSpotDataset,
  type HubSpotObjectType,
  type HubSpotOwner,
} from './portal.ts';
import { FaultSwitches, sandboxFaultSchema, type SandboxFault, type SandboxFaultKind } from './faults.ts';
import { RequestLog, type RequestLogFilter, type SandboxOperation, type SandboxRequestLogEntry } from './request-log.ts';
import { parseSearchRequest, runSearch, SearchValidationError } from './search.ts';
import { missingAssociations, missingOnCreate, withDefaultStatus } from './quote-rules.ts';
import { HUBSPOT_READ_ONLY_TYPES } from './portal.ts';
import { defaultAssociationTypeId, HubSpotStore, UniqueConflictError, type StoredObject } from './store.ts';

/**
 * The limits of a private app by the portal's subscription (HubSpot changelog
 * "Increasing our API limits"; developers.hubspot.com/apisbytier): requests per
 * rolling 10 s per app, requests per day per portal. The capacity pack raises the
 * burst to 250 and adds 1,000,000 a day (counted here as one pack on Enterprise).
 */
export const HUBSPOT_TIERS = {
  starter: { max: 100, daily: 250_000 },
  professional: { max: 190, daily: 650_000 },
  enterprise: { max: 190, daily: 1_000_000 },
  capacity_pack: { max: 250, daily: 2_000_000 },
} as const;
export type HubSpotTier = keyof typeof HUBSPOT_TIERS;
/** The portal the sandbox plays unless told otherwise: quote approvals need Sales Hub Professional or Enterprise. */
export const DEFAULT_SANDBOX_TIER: HubSpotTier = 'professional';

/**
 * CRM search's own limit per token ("CRM Search API Rate Limit Increase": four
 * requests per second; later docs say five — the lower figure is the one a client can
 * rely on).
 */
export const HUBSPOT_SEARCH_PER_SECOND = 4;

/**
 * How long a write takes to show in search results. HubSpot documents only that
 * search is eventually consistent ("a few seconds"); 3 s sits in the middle of what
 * integrations report, long enough that a search right after a write misses it.
 */
export const HUBSPOT_SEARCH_DELAY_MS = 3000;

export interface SandboxRateLimitOptions {
  /** The portal's subscription; sets `max` and `daily`. Default professional (quote approval and templates need Sales Hub Professional). */
  tier?: HubSpotTier;
  /** Requests per interval per private app (token); overrides the tier's. */
  max?: number;
  /** The rolling window, default 10,000 ms. */
  intervalMs?: number;
  /** Requests per day for the portal; overrides the tier's. */
  daily?: number;
  /** Answer 429 when a limit is exceeded, as a real portal does. Default true; false only counts and sends the headers. */
  enforce?: boolean;
  /** The search endpoints' own per-second limit per token. Default HUBSPOT_SEARCH_PER_SECOND. */
  searchPerSecond?: number;
}

export interface HubSpotSandboxOptions {
  dataset: HubSpotDataset;
  rateLimit?: SandboxRateLimitOptions;
  /**
   * Milliseconds before a write shows in search results (reads by id or idProperty see it
   * at once, as in HubSpot). Default HUBSPOT_SEARCH_DELAY_MS; 0 makes search immediately consistent.
   */
  searchDelayMs?: number;
  /** Page size of association reads (v4 GET and per input of v4 batch read). Default 500. */
  associationsPageSize?: number;
  /** Entries kept in the request log. Default 100,000. */
  requestLogLimit?: number;
  /**
   * Granted scopes per token (private-app style, e.g. crm.objects.companies.read). Tokens not
   * listed have every scope. A call without its scope answers 403 MISSING_SCOPES.
   */
  tokenScopes?: Record<string, readonly string[]>;
}

export interface HubSpotSandbox {
  server: http.Server;
  /** Listen (default port 0, host 127.0.0.1); resolves to the base URL, e.g. http://127.0.0.1:8090. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  log: RequestLog;
  faults: FaultSwitches;
  store: HubSpotStore;
  /** The base URL once listening. */
  readonly url: string | undefined;
}

const MAX_BATCH_INPUTS = 100;
const MAX_ASSOCIATION_BATCH_INPUTS = 1000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Json = Record<string, unknown>;

/** An answer other than success, carried by exception through the handlers. */
class HttpError extends Error {
  constructor(readonly status: number, readonly body: Json) {
    super(String(body.message ?? status));
  }
}

function hubspotError(status: number, category: string, message: string, extra: Json = {}): HttpError {
  return new HttpError(status, { status: 'error', message, correlationId: randomUUID(), category, ...extra });
}

const validation = (message: string, extra: Json = {}) => hubspotError(400, 'VALIDATION_ERROR', message, extra);

const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

const TYPE_ALIASES = new Map<string, HubSpotObjectType>();
for (const t of HUBSPOT_OBJECT_TYPES) {
  TYPE_ALIASES.set(t, t);
  TYPE_ALIASES.set(HUBSPOT_SINGULAR[t], t);
  const typeId = HUBSPOT_OBJECT_TYPE_IDS[t];
  if (typeId) TYPE_ALIASES.set(typeId, t);
}
TYPE_ALIASES.set('line_item', 'line_items');
TYPE_ALIASES.set('lineitem', 'line_items');
TYPE_ALIASES.set('lineitems', 'line_items');

function resolveType(raw: string | undefined): HubSpotObjectType | undefined {
  return raw === undefined ? undefined : TYPE_ALIASES.get(decodeURIComponent(raw).toLowerCase());
}

function requireType(raw: string): HubSpotObjectType {
  const t = resolveType(raw);
  if (!t) throw validation(`Unable to infer object type from: ${decodeURIComponent(raw)}`);
  return t;
}

interface Route {
  operation: SandboxOperation;
  objectType?: HubSpotObjectType;
  toObjectType?: HubSpotObjectType;
  /** Raw path segments after the API prefix. */
  parts: string[];
}

/** Which API call a method + path is (for logging and fault scoping), before anything is validated. */
function classify(method: string, path: string): Route {
  const parts = path.split('/').filter(Boolean);
  const [crm, version, kind] = parts;
  const unknown: Route = { operation: 'unknown', parts };
  if (crm !== 'crm') return unknown;
  if (version === 'v3' && kind === 'objects' && parts.length >= 4) {
    const objectType = resolveType(parts[3]);
    const rest = parts.slice(4);
    const r = (operation: SandboxOperation): Route => ({ operation, objectType, parts });
    if (rest.length === 0) return method === 'GET' ? r('list') : method === 'POST' ? r('create') : unknown;
    if (rest.length === 1 && rest[0] === 'search' && method === 'POST') return r('search');
    if (rest.length === 2 && rest[0] === 'batch' && method === 'POST') {
      const op = ({ read: 'batch_read', create: 'batch_create', update: 'batch_update', upsert: 'batch_upsert', archive: 'batch_archive' } as const)[
        rest[1] as 'read'
      ];
      return op ? r(op) : unknown;
    }
    if (rest.length === 1) {
      if (method === 'GET') return r('get');
      if (method === 'PATCH') return r('update');
      if (method === 'DELETE') return r('archive');
    }
    return unknown;
  }
  if (version === 'v4' && kind === 'objects' && parts.length >= 6 && parts[5] === 'associations') {
    const objectType = resolveType(parts[3]);
    if (parts.length === 7 && method === 'GET') return { operation: 'associations_list', objectType, toObjectType: resolveType(parts[6]), parts };
    if (parts.length === 9 && parts[6] === 'default' && method === 'PUT') {
      return { operation: 'associate', objectType, toObjectType: resolveType(parts[7]), parts };
    }
    return unknown;
  }
  if (version === 'v4' && kind === 'associations' && parts.length === 7 && parts[5] === 'batch' && parts[6] === 'read' && method === 'POST') {
    return { operation: 'associations_batch_read', objectType: resolveType(parts[3]), toObjectType: resolveType(parts[4]), parts };
  }
  if (version === 'v3' && kind === 'owners' && method === 'GET') {
    if (parts.length === 3) return { operation: 'owners_list', parts };
    if (parts.length === 4) return { operation: 'owners_get', parts };
  }
  return unknown;
}

function listParam(url: URL, name: string): string[] | undefined {
  const all = url.searchParams.getAll(name);
  if (all.length === 0) return undefined;
  return all.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function boolParam(url: URL, name: string): boolean {
  return url.searchParams.get(name) === 'true';
}

function encodeCursor(offset: number): string {
  return Buffer.from(`${offset}-sandbox`).toString('base64url');
}

function decodeCursor(after: string | undefined | null): number {
  if (after === undefined || after === null || after === '') return 0;
  const m = /^(\d+)-sandbox$/.exec(Buffer.from(String(after), 'base64url').toString('utf8'));
  if (!m) throw validation(`Invalid after cursor: ${String(after)}`);
  return Number(m[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const READ_OPERATIONS: ReadonlySet<SandboxOperation> = new Set(['list', 'get', 'search', 'batch_read', 'associations_list', 'associations_batch_read']);

/** The granular scope a call needs (crm.objects.<type>.read|write, crm.objects.owners.read). */
function requiredScope(route: Route): string | undefined {
  if (route.operation === 'owners_list' || route.operation === 'owners_get') return 'crm.objects.owners.read';
  if (!route.objectType) return undefined;
  return `crm.objects.${route.objectType}.${READ_OPERATIONS.has(route.operation) ? 'read' : 'write'}`;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw hubspotError(413, 'VALIDATION_ERROR', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

const EDGE_HTML: Record<number, string> = {
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

type RatePolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

/**
 * The times of a token's requests still inside a window. Unenforced (the bench), a ten-second
 * window holds thousands of requests: rather than copying them all on every request to drop
 * the aged ones, those are skipped from the front while the times arrive in order (a clock
 * stepping back makes it filter the whole list, as before).
 */
class RequestTimes {
  static readonly NONE: { readonly length: number; push(t: number): void } = { length: 0, push() {} };
  private times: number[] = [];
  private head = 0;
  private inOrder = true;

  get length(): number {
    return this.times.length - this.head;
  }

  keepAfter(since: number): void {
    if (!this.inOrder) {
      this.times = this.times.slice(this.head).filter((t) => t > since);
      this.head = 0;
      this.inOrder = this.times.every((t, i) => i === 0 || this.times[i - 1]! <= t);
      return;
    }
    while (this.head < this.times.length && this.times[this.head]! <= since) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  push(t: number): void {
    if (this.length > 0 && t < this.times[this.times.length - 1]!) this.inOrder = false;
    this.times.push(t);
  }
}

/**
 * HubSpot's limits as the portal keeps them: a rolling window per private app
 * (token) for every call, one per token per second for search, one daily count for
 * the portal. A refused request is not counted (it did no work), so a client that
 * backs off gets through as soon as the oldest request leaves its window.
 */
class RateLimits {
  private readonly burst = new Map<string, RequestTimes>();
  private readonly search = new Map<string, RequestTimes>();
  private day = 0;

  constructor(readonly opts: { max: number; intervalMs: number; daily: number; enforce: boolean; searchPerSecond: number }) {}

  private static recent(map: Map<string, RequestTimes>, token: string, since: number): RequestTimes {
    let times = map.get(token);
    if (!times) map.set(token, (times = new RequestTimes()));
    times.keepAfter(since);
    return times;
  }

  hit(token: string, now: number, isSearch: boolean): { remaining: number; dailyRemaining: number; exceeded?: RatePolicy } {
    const burst = RateLimits.recent(this.burst, token, now - this.opts.intervalMs);
    const search = isSearch ? RateLimits.recent(this.search, token, now - 1000) : RequestTimes.NONE;
    let exceeded: RatePolicy | undefined;
    if (this.day >= this.opts.daily) exceeded = 'DAILY';
    else if (isSearch && search.length >= this.opts.searchPerSecond) exceeded = 'SECONDLY';
    else if (!isSearch && burst.length >= this.opts.max) exceeded = 'TEN_SECONDLY_ROLLING';
    if (!exceeded || !this.opts.enforce) {
      this.day += 1;
      // Search has its own limiter: it does not spend the app's ten-second burst.
      if (isSearch) search.push(now);
      else burst.push(now);
    }
    return {
      remaining: Math.max(0, this.opts.max - burst.length),
      dailyRemaining: Math.max(0, this.opts.daily - this.day),
      ...(exceeded && this.opts.enforce ? { exceeded } : {}),
    };
  }
}

const RATE_LIMIT_MESSAGES = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  DAILY: 'You have reached your daily limit.',
  SECONDLY: 'You have reached your secondly limit.',
} as const;

export function createHubSpotSandbox(opts: HubSpotSandboxOptions): HubSpotSandbox {
  const store = new HubSpotStore(opts.dataset);
  store.searchDelayMs = opts.searchDelayMs ?? HUBSPOT_SEARCH_DELAY_MS;
  const log = new RequestLog(opts.requestLogLimit);
  const faults = new FaultSwitches();
  const assocPageSize = opts.associationsPageSize ?? 500;
  const tier = HUBSPOT_TIERS[opts.rateLimit?.tier ?? DEFAULT_SANDBOX_TIER];
  const limits = new RateLimits({
    max: opts.rateLimit?.max ?? tier.max,
    intervalMs: opts.rateLimit?.intervalMs ?? 10_000,
    daily: opts.rateLimit?.daily ?? tier.daily,
    enforce: opts.rateLimit?.enforce ?? true,
    searchPerSecond: opts.rateLimit?.searchPerSecond ?? HUBSPOT_SEARCH_PER_SECOND,
  });
  let baseUrl: string | undefined;

  // ---- rendering -----------------------------------------------------------

  /** The properties an object is rendered with, in the order they are rendered: worked out once per page or batch, not per object. */
  function wantedProperties(type: HubSpotObjectType, properties?: string[]): string[] {
    const ts = HUBSPOT_TIMESTAMP_PROPERTIES[type];
    const wanted = new Set(properties && properties.length > 0 ? properties : HUBSPOT_DEFAULT_PROPERTIES[type]);
    wanted.add('hs_object_id');
    wanted.add(ts.created);
    wanted.add(ts.modified);
    return [...wanted].sort();
  }

  function renderObject(type: HubSpotObjectType, obj: StoredObject, properties?: string[], associations?: HubSpotObjectType[], wanted = wantedProperties(type, properties)): Json {
    const props: Record<string, string | null> = {};
    for (const p of wanted) {
      // HubSpot: "If the requested record doesn't have a value for a property, it will not appear in the response."
      const v = obj.properties[p];
      if (v === null || v === undefined || !store.isKnownProperty(type, p)) continue;
      props[p] = v;
    }
    const out: Json = { id: obj.id, properties: props, createdAt: obj.createdAt, updatedAt: obj.updatedAt, archived: obj.archived };
    if (obj.archived && obj.archivedAt) out.archivedAt = obj.archivedAt;
    if (associations && associations.length > 0) {
      const assoc: Json = {};
      for (const to of associations) {
        const edges = store.associationsOf(type, obj.id, to);
        if (edges.length === 0) continue;
        assoc[to] = {
          results: edges.map((e) => ({ id: e.toId, type: `${HUBSPOT_SINGULAR[type]}_to_${HUBSPOT_SINGULAR[to]}` })),
        };
      }
      if (Object.keys(assoc).length > 0) out.associations = assoc;
    }
    return out;
  }

  function batchEnvelope(results: unknown[], errors: Json[] = [], startedAt = new Date().toISOString()): { status: number; body: Json } {
    const body: Json = { status: 'COMPLETE', results };
    if (errors.length > 0) {
      body.numErrors = errors.length;
      body.errors = errors;
    }
    body.startedAt = startedAt;
    body.completedAt = new Date().toISOString();
    return { status: errors.length > 0 ? 207 : 200, body };
  }

  function notFound(id: string): HttpError {
    return hubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });
  }

  /**
   * One entry of a 207's `errors[]`, HubSpot's StandardError: status, category, the
   * message, `context` (string arrays naming what failed), the detail `errors` and
   * `links` (both always present, often empty).
   */
  function batchError(category: string, message: string, context: Record<string, string[]>, extra: Json = {}): Json {
    return { status: 'error', category, ...extra, message, context, errors: [], links: {} };
  }

  function missingObjectsError(type: HubSpotObjectType, ids: string[]): Json {
    return batchError('OBJECT_NOT_FOUND', `Could not get some ${HUBSPOT_SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, { ids });
  }

  // ---- property validation (writes) ----------------------------------------

  function validateProperties(type: HubSpotObjectType, raw: unknown): Record<string, string | null> {
    if (raw === undefined) return {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw validation('Invalid input JSON: properties must be an object');
    const out: Record<string, string | null> = {};
    const problems: Json[] = [];
    const details: Json[] = [];
    const problem = (name: string, error: string, message: string) => {
      problems.push({ isValid: false, message, error, name, localizedErrorMessage: message, portalId: store.portalId });
      details.push({ message, code: error, context: { propertyName: [name] } });
    };
    for (const [name, value] of Object.entries(raw as Json)) {
      if (!store.isKnownProperty(type, name)) {
        problem(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`);
        continue;
      }
      if (HUBSPOT_READ_ONLY_PROPERTIES.includes(name)) continue;
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        problem(name, 'INVALID_PROPERTY_VALUE', `${JSON.stringify(value)} is not a valid value for ${name}`);
        continue;
      }
      const s = value === null ? '' : String(value).trim() === '' ? '' : String(value);
      if (s === '') {
        out[name] = null;
        continue;
      }
      const options = HUBSPOT_PROPERTY_OPTIONS[type]?.[name];
      const ptype = HUBSPOT_PROPERTY_TYPES[type][name] ?? 'string';
      if (options && !options.includes(s)) {
        problem(name, 'INVALID_OPTION', `${s} was not one of the allowed options: [${options.join(', ')}]`);
      } else if (ptype === 'number' && !/^-?\d+(\.\d+)?$/.test(s.trim())) {
        problem(name, 'INVALID_DECIMAL', `${s} is not a valid number value for ${name}`);
      } else if (ptype === 'bool' && s !== 'true' && s !== 'false') {
        problem(name, 'INVALID_BOOLEAN', `${s} is not a valid boolean value for ${name}`);
      } else if (ptype === 'date') {
        const d = normaliseDate(s);
        if (d === undefined) problem(name, 'INVALID_DATE', `${s} is not a valid date for ${name}: use YYYY-MM-DD or a UTC-midnight epoch in milliseconds`);
        else out[name] = d;
        continue;
      } else if (ptype === 'datetime') {
        const d = normaliseDatetime(s);
        if (d === undefined) problem(name, 'INVALID_DATETIME', `${s} is not a valid datetime for ${name}`);
        else out[name] = d;
        continue;
      }
      out[name] = ptype === 'number' ? s.trim() : s;
    }
    if (problems.length > 0) throw validation(`Property values were not valid: ${JSON.stringify(problems)}`, { errors: details });
    return out;
  }

  function normaliseDate(s: string): string | undefined {
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? s : undefined;
    }
    if (/^\d{10,}$/.test(s)) {
      const n = Number(s);
      return n % 86_400_000 === 0 ? new Date(n).toISOString().slice(0, 10) : undefined;
    }
    return undefined;
  }

  function normaliseDatetime(s: string): string | undefined {
    if (/^\d{10,}$/.test(s)) return new Date(Number(s)).toISOString();
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(s)) return undefined;
    const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }

  function conflict(type: HubSpotObjectType, e: UniqueConflictError): HttpError {
    const singular = HUBSPOT_SINGULAR[type];
    return hubspotError(409, 'CONFLICT', `${singular[0]!.toUpperCase()}${singular.slice(1)} already exists. Existing ID: ${e.existingId}`, {
      context: { [e.property]: [e.value] },
    });
  }

  function withConflicts<T>(type: HubSpotObjectType, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof UniqueConflictError) throw conflict(type, e);
      throw e;
    }
  }

  // ---- body helpers ---------------------------------------------------------

  function asObject(body: unknown): Json {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validation('Invalid input JSON: expected an object');
    return body as Json;
  }

  function inputsOf(body: Json, max: number): Json[] {
    const inputs = body.inputs;
    if (!Array.isArray(inputs)) throw validation('Invalid input JSON: inputs must be an array');
    if (inputs.length > max) {
      throw validation(`Too many inputs: ${inputs.length}. A batch request accepts at most ${max} inputs.`, {
        context: { inputs: [String(inputs.length)], maxInputs: [String(max)] },
      });
    }
    return inputs.map((i) => asObject(i));
  }

  function idOf(input: Json): string {
    const id = input.id;
    if (typeof id === 'string' && id !== '') return id;
    if (typeof id === 'number') return String(id);
    throw validation('Invalid input JSON: every input needs an id');
  }

  function idPropertyOf(type: HubSpotObjectType, raw: unknown): string | undefined {
    if (raw === undefined || raw === null || raw === '' || raw === 'hs_object_id') return undefined;
    if (typeof raw !== 'string' || !store.isUniqueProperty(type, raw)) {
      throw validation(`${String(raw)} is not a unique identifier property of ${type}; idProperty must name a property with unique values`);
    }
    return raw;
  }

  function lookup(type: HubSpotObjectType, id: string, idProperty: string | undefined, archived = false): StoredObject | undefined {
    return idProperty ? store.findByUnique(type, idProperty, id, archived) : store.get(type, id, archived);
  }

  // ---- quote rules (quote-rules.ts) ---------------------------------------------

  /** A create's properties after the portal's rules: required ones present, a default status. */
  function creatable(type: HubSpotObjectType, props: Record<string, string | null>): Record<string, string | null> {
    const missing = missingOnCreate(type, props);
    if (missing.length > 0) {
      const problems = missing.map((m) => ({ isValid: false, message: m.message, error: m.error, name: m.name, localizedErrorMessage: m.message, portalId: store.portalId }));
      throw validation(`Property values were not valid: ${JSON.stringify(problems)}`, {
        errors: missing.map((m) => ({ message: m.message, code: m.error, context: { propertyName: [m.name] } })),
      });
    }
    return withDefaultStatus(type, props);
  }

  /** Refuses a status that needs a template, a deal and line items the quote does not have. */
  function checkStatusAssociations(type: HubSpotObjectType, id: string | undefined, status: string | null | undefined, pending: ReadonlyArray<{ toType: HubSpotObjectType }> = []): void {
    const missing = missingAssociations(store, type, id, status, pending);
    if (missing.length === 0) return;
    const names = missing.map((t) => HUBSPOT_SINGULAR[t]);
    throw validation(`A quote with status ${status} must be associated with a quote template, a deal and line items; missing: ${names.join(', ')}`, {
      errors: missing.map((t) => ({
        message: `missing association to ${HUBSPOT_SINGULAR[t]}`, code: 'MISSING_ASSOCIATION', context: { toObjectType: [HUBSPOT_SINGULAR[t]], ...(id ? { id: [id] } : {}) },
      })),
    });
  }

  function refuseReadOnlyType(type: HubSpotObjectType): void {
    if (HUBSPOT_READ_ONLY_TYPES.has(type)) throw validation(`${HUBSPOT_SINGULAR[type]} objects cannot be created, changed or archived through the API`);
  }

  // ---- handlers -------------------------------------------------------------

  type Result = { status: number; body?: unknown; headers?: Record<string, string> };

  function objectHandlers(route: Route, method: string, url: URL, body: unknown): Result {
    const type = requireType(route.parts[3]!);
    const rest = route.parts.slice(4);
    switch (route.operation) {
      case 'list': {
        const limitRaw = url.searchParams.get('limit');
        let limit = 10;
        if (limitRaw !== null) {
          limit = Number(limitRaw);
          if (!Number.isInteger(limit) || limit < 1) throw validation(`limit must be a positive integer, got ${limitRaw}`);
          limit = Math.min(limit, 100);
        }
        const after = url.searchParams.get('after');
        if (after !== null && !/^\d+$/.test(after)) throw validation(`Invalid after value: ${after}`);
        const all = store.list(type, boolParam(url, 'archived'));
        const start = after === null ? 0 : all.findIndex((o) => BigInt(o.id) >= BigInt(after));
        const from = start === -1 ? all.length : start;
        const page = all.slice(from, from + limit);
        const props = listParam(url, 'properties');
        const assoc = listParam(url, 'associations')?.map(requireType);
        const wanted = wantedProperties(type, props);
        const out: Json = { results: page.map((o) => renderObject(type, o, props, assoc, wanted)) };
        const next = all[from + limit];
        if (next) {
          out.paging = { next: { after: next.id, link: `${baseUrl ?? ''}/crm/v3/objects/${type}?limit=${limit}&after=${next.id}` } };
        }
        return { status: 200, body: out };
      }
      case 'get': {
        const id = decodeURIComponent(rest[0]!);
        const idProperty = idPropertyOf(type, url.searchParams.get('idProperty'));
        const obj = lookup(type, id, idProperty, boolParam(url, 'archived'));
        if (!obj) throw notFound(id);
        return { status: 200, body: renderObject(type, obj, listParam(url, 'properties'), listParam(url, 'associations')?.map(requireType)) };
      }
      case 'create': {
        refuseReadOnlyType(type);
        const b = asObject(body);
        const props = creatable(type, validateProperties(type, b.properties));
        const links = parseCreateAssociations(type, b.associations);
        checkStatusAssociations(type, undefined, props.hs_status, links);
        const obj = withConflicts(type, () => store.create(type, props));
        for (const l of links) store.link(type, obj.id, l.toType, l.toId, l.typeId);
        return { status: 201, body: renderObject(type, obj, Object.keys(obj.properties)) };
      }
      case 'update': {
        const id = decodeURIComponent(rest[0]!);
        const b = asObject(body);
        const obj = lookup(type, id, idPropertyOf(type, url.searchParams.get('idProperty')));
        if (!obj) throw notFound(id);
        refuseReadOnlyType(type);
        const props = validateProperties(type, b.properties);
        checkStatusAssociations(type, obj.id, props.hs_status);
        withConflicts(type, () => store.update(type, obj, props));
        return { status: 200, body: renderObject(type, obj, Object.keys(obj.properties)) };
      }
      case 'archive': {
        refuseReadOnlyType(type);
        const obj = store.get(type, decodeURIComponent(rest[0]!));
        if (obj) store.archive(type, obj);
        return { status: 204 };
      }
      case 'search': {
        let req;
        try {
          req = parseSearchRequest(body);
        } catch (e) {
          if (e instanceof SearchValidationError) throw validation(e.message);
          throw e;
        }
        const { total, page } = runSearch(type, store.searchable(type), req);
        const wanted = wantedProperties(type, req.properties);
        const out: Json = { total, results: page.map((o) => renderObject(type, o, req.properties, undefined, wanted)) };
        const nextOffset = req.offset + page.length;
        if (nextOffset < total && nextOffset < 10_000 && page.length > 0) out.paging = { next: { after: String(nextOffset) } };
        return { status: 200, body: out };
      }
      case 'batch_read': {
        const b = asObject(body);
        const startedAt = new Date().toISOString();
        const inputs = inputsOf(b, MAX_BATCH_INPUTS);
        const idProperty = idPropertyOf(type, b.idProperty);
        const props = Array.isArray(b.properties) ? (b.properties as unknown[]).filter((p): p is string => typeof p === 'string') : undefined;
        const archived = boolParam(url, 'archived');
        const results: Json[] = [];
        const missing: string[] = [];
        const seen = new Set<string>();
        const wanted = wantedProperties(type, props);
        for (const input of inputs) {
          const id = idOf(input);
          const obj = lookup(type, id, idProperty, archived);
          if (!obj) missing.push(id);
          else if (!seen.has(obj.id)) {
            seen.add(obj.id);
            results.push(renderObject(type, obj, props, undefined, wanted));
          }
        }
        return batchEnvelope(results, missing.length > 0 ? [missingObjectsError(type, missing)] : [], startedAt);
      }
      case 'batch_create': {
        const b = asObject(body);
        const startedAt = new Date().toISOString();
        const inputs = inputsOf(b, MAX_BATCH_INPUTS);
        refuseReadOnlyType(type);
        const prepared = inputs.map((i) => {
          const p = { props: creatable(type, validateProperties(type, i.properties)), links: parseCreateAssociations(type, i.associations) };
          checkStatusAssociations(type, undefined, p.props.hs_status, p.links);
          return p;
        });
        // All or nothing, as HubSpot: a unique-value clash (with the portal or inside the batch) fails the batch.
        const seen = new Map<string, string>();
        for (const p of prepared) {
          withConflicts(type, () => store.checkUnique(type, p.props));
          for (const prop of [...Object.keys(p.props)].filter((k) => store.isUniqueProperty(type, k))) {
            const v = p.props[prop];
            if (v == null) continue;
            if (seen.has(`${prop}=${v}`)) throw validation(`Duplicate ${prop} value in batch: ${v}`);
            seen.set(`${prop}=${v}`, v);
          }
        }
        const created = prepared.map((p) => {
          const obj = store.create(type, p.props);
          for (const l of p.links) store.link(type, obj.id, l.toType, l.toId, l.typeId);
          return renderObject(type, obj, Object.keys(obj.properties));
        });
        const env = batchEnvelope(created, [], startedAt);
        return { status: 201, body: env.body };
      }
      case 'batch_update': {
        const b = asObject(body);
        const startedAt = new Date().toISOString();
        const inputs = inputsOf(b, MAX_BATCH_INPUTS);
        const results: Json[] = [];
        const missing: string[] = [];
        refuseReadOnlyType(type);
        const prepared = inputs.map((i) => ({ id: idOf(i), idProperty: idPropertyOf(type, i.idProperty), props: validateProperties(type, i.properties) }));
        for (const p of prepared) {
          const found = lookup(type, p.id, p.idProperty);
          if (found) checkStatusAssociations(type, found.id, p.props.hs_status);
        }
        for (const p of prepared) {
          const obj = lookup(type, p.id, p.idProperty);
          if (!obj) {
            missing.push(p.id);
            continue;
          }
          withConflicts(type, () => store.update(type, obj, p.props));
          results.push(renderObject(type, obj, Object.keys(obj.properties)));
        }
        return batchEnvelope(results, missing.length > 0 ? [missingObjectsError(type, missing)] : [], startedAt);
      }
      case 'batch_upsert': {
        const b = asObject(body);
        const startedAt = new Date().toISOString();
        const inputs = inputsOf(b, MAX_BATCH_INPUTS);
        const prepared = inputs.map((i) => {
          const idProperty = idPropertyOf(type, i.idProperty);
          if (!idProperty) throw validation('Invalid input JSON: every upsert input needs an idProperty naming a unique property');
          return { id: idOf(i), idProperty, props: validateProperties(type, i.properties) };
        });
        refuseReadOnlyType(type);
        for (const p of prepared) {
          const existing = store.findByUnique(type, p.idProperty, p.id);
          if (existing) checkStatusAssociations(type, existing.id, p.props.hs_status);
          else checkStatusAssociations(type, undefined, creatable(type, { ...p.props, [p.idProperty]: p.id }).hs_status);
        }
        const results = prepared.map((p) => {
          const existing = store.findByUnique(type, p.idProperty, p.id);
          const obj = existing
            ? withConflicts(type, () => store.update(type, existing, p.props))
            : withConflicts(type, () => store.create(type, creatable(type, { ...p.props, [p.idProperty]: p.id })));
          return { ...renderObject(type, obj, Object.keys(obj.properties)), new: !existing };
        });
        return batchEnvelope(results, [], startedAt);
      }
      case 'batch_archive': {
        refuseReadOnlyType(type);
        const b = asObject(body);
        for (const i of inputsOf(b, MAX_BATCH_INPUTS)) {
          const obj = store.get(type, idOf(i));
          if (obj) store.archive(type, obj);
        }
        return { status: 204 };
      }
      default:
        throw hubspotError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname}`);
    }
  }

  function parseCreateAssociations(type: HubSpotObjectType, raw: unknown): { toType: HubSpotObjectType; toId: string; typeId: number }[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw validation('Invalid input JSON: associations must be an array');
    return raw.map((a) => {
      const r = asObject(a);
      const toId = String((r.to as Json | undefined)?.id ?? '');
      const types = Array.isArray(r.types) ? (r.types as Json[]) : [];
      const typeId = Number(types[0]?.associationTypeId);
      const entry = Object.entries(HUBSPOT_ASSOCIATION_TYPES).find(([k, v]) => v === typeId && k.startsWith(`${type}_to_`));
      if (!entry) throw validation(`association type ${typeId} is not valid from ${type}`);
      const toType = entry[0].slice(`${type}_to_`.length) as HubSpotObjectType;
      if (!store.get(toType, toId)) throw validation(`No ${HUBSPOT_SINGULAR[toType]} with id ${toId} exists to associate`);
      return { toType, toId, typeId };
    });
  }

  function associationTypeList(typeId: number) {
    return [{ category: 'HUBSPOT_DEFINED', typeId, label: null }];
  }

  function associationHandlers(route: Route, url: URL, body: unknown): Result {
    if (route.operation === 'associations_list') {
      const from = requireType(route.parts[3]!);
      const id = decodeURIComponent(route.parts[4]!);
      const to = requireType(route.parts[6]!);
      if (!store.get(from, id)) throw notFound(id);
      const limitRaw = url.searchParams.get('limit');
      const limit = limitRaw === null ? assocPageSize : Math.min(Math.max(1, Number(limitRaw) || assocPageSize), assocPageSize);
      const edges = store.associationsOf(from, id, to);
      const offset = decodeCursor(url.searchParams.get('after'));
      const page = edges.slice(offset, offset + limit);
      const out: Json = { results: page.map((e) => ({ toObjectId: Number(e.toId), associationTypes: associationTypeList(e.typeId) })) };
      if (offset + limit < edges.length) {
        const after = encodeCursor(offset + limit);
        out.paging = { next: { after, link: `${baseUrl ?? ''}/crm/v4/objects/${from}/${id}/associations/${to}?after=${after}` } };
      }
      return { status: 200, body: out };
    }
    if (route.operation === 'associate') {
      const from = requireType(route.parts[3]!);
      const fromId = decodeURIComponent(route.parts[4]!);
      const to = requireType(route.parts[7]!);
      const toId = decodeURIComponent(route.parts[8]!);
      const typeId = defaultAssociationTypeId(from, to);
      if (typeId === undefined) throw validation(`There is no default association type from ${from} to ${to}`);
      if (!store.get(from, fromId)) throw hubspotError(404, 'OBJECT_NOT_FOUND', `No ${HUBSPOT_SINGULAR[from]} with id ${fromId} exists`);
      if (!store.get(to, toId)) throw hubspotError(404, 'OBJECT_NOT_FOUND', `No ${HUBSPOT_SINGULAR[to]} with id ${toId} exists`);
      const startedAt = new Date().toISOString();
      store.link(from, fromId, to, toId, typeId);
      const reverse = defaultAssociationTypeId(to, from) ?? typeId;
      return batchEnvelope(
        [
          { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } },
          { from: { id: toId }, to: { id: fromId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: reverse } },
        ],
        [],
        startedAt,
      );
    }
    // associations_batch_read
    const from = requireType(route.parts[3]!);
    const to = requireType(route.parts[4]!);
    const b = asObject(body);
    const startedAt = new Date().toISOString();
    const inputs = inputsOf(b, MAX_ASSOCIATION_BATCH_INPUTS);
    const results: Json[] = [];
    const errors: Json[] = [];
    for (const input of inputs) {
      const id = idOf(input);
      const edges = store.get(from, id) ? store.associationsOf(from, id, to) : [];
      const offset = decodeCursor(input.after as string | undefined);
      const page = edges.slice(offset, offset + assocPageSize);
      if (edges.length === 0 || page.length === 0) {
        errors.push(batchError(
          'OBJECT_NOT_FOUND',
          `No ${HUBSPOT_SINGULAR[to]} is associated with ${HUBSPOT_SINGULAR[from]} ${id}.`,
          { fromObjectId: [id], fromObjectType: [HUBSPOT_SINGULAR[from]], toObjectType: [HUBSPOT_SINGULAR[to]] },
          { subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND' },
        ));
        continue;
      }
      const result: Json = {
        from: { id },
        to: page.map((e) => ({ toObjectId: Number(e.toId), associationTypes: associationTypeList(e.typeId) })),
      };
      if (offset + assocPageSize < edges.length) result.paging = { next: { after: encodeCursor(offset + assocPageSize) } };
      results.push(result);
    }
    return batchEnvelope(results, errors, startedAt);
  }

  function renderOwner(o: HubSpotOwner): Json {
    return {
      id: o.id, email: o.email, type: 'PERSON', firstName: o.firstName, lastName: o.lastName, userId: o.userId,
      userIdIncludingInactive: o.userId, createdAt: '2024-01-02T08:00:00.000Z', updatedAt: '2024-01-02T08:00:00.000Z', archived: o.archived,
    };
  }

  function ownerHandlers(route: Route, url: URL): Result {
    const archived = boolParam(url, 'archived');
    if (route.operation === 'owners_get') {
      const key = decodeURIComponent(route.parts[3]!);
      const byUser = url.searchParams.get('idProperty') === 'userId';
      const owner = store.owners.find((o) => (byUser ? String(o.userId) === key : o.id === key) && o.archived === archived);
      if (!owner) throw hubspotError(404, 'OBJECT_NOT_FOUND', `Owner ${key} not found`);
      return { status: 200, body: renderOwner(owner) };
    }
    const limit = Math.min(Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100), 500);
    const email = url.searchParams.get('email');
    const all = store.owners
      .filter((o) => o.archived === archived && (!email || o.email.toLowerCase() === email.toLowerCase()))
      .sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const offset = decodeCursor(url.searchParams.get('after'));
    const page = all.slice(offset, offset + limit);
    const out: Json = { results: page.map(renderOwner) };
    if (offset + limit < all.length) {
      const after = encodeCursor(offset + limit);
      out.paging = { next: { after, link: `${baseUrl ?? ''}/crm/v3/owners/?after=${after}&limit=${limit}` } };
    }
    return { status: 200, body: out };
  }

  // ---- malformed payloads ---------------------------------------------------

  function malform(body: unknown, shape: string): void {
    const b = body as Json;
    const target = (Array.isArray(b.results) ? (b.results as Json[])[0] : b.properties ? b : undefined) as Json | undefined;
    if (!target) return;
    if (shape === 'missing_id') delete target.id;
    else if (shape === 'null_properties') target.properties = null;
    else if (shape === 'number_property') {
      const props = target.properties as Record<string, unknown> | undefined;
      if (!props) return;
      const key = ['name', 'dealname', 'hs_title', 'firstname'].find((k) => k in props) ?? Object.keys(props).find((k) => k !== 'hs_object_id');
      if (key) props[key] = 12345;
    }
  }

  // ---- admin (loopback only) -----------------------------------------------

  async function admin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const send = (status: number, body?: unknown) => {
      if (body === undefined) {
        res.writeHead(status);
        res.end();
        return;
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (!isLoopback(req.socket.remoteAddress)) return send(403, { error: 'sandbox admin is loopback-only' });
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (parts[1] === 'health' && method === 'GET') {
      const counts = Object.fromEntries(HUBSPOT_OBJECT_TYPES.map((t) => [t, store.count(t)]));
      return send(200, { ok: true, portalId: store.portalId, objects: counts, warnings: store.warnings });
    }
    if (parts[1] === 'faults') {
      if (method === 'GET') return send(200, { faults: faults.list() });
      if (method === 'DELETE') {
        if (parts[2]) return send(faults.remove(decodeURIComponent(parts[2])) ? 204 : 404);
        faults.clear();
        return send(204);
      }
      if (method === 'POST') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readBody(req));
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        const list = Array.isArray(parsed) ? parsed : (parsed as Json)?.faults && Array.isArray((parsed as Json).faults) ? ((parsed as Json).faults as unknown[]) : [parsed];
        const checked = z.array(sandboxFaultSchema).safeParse(list);
        if (!checked.success) return send(400, { error: z.prettifyError(checked.error) });
        const added: SandboxFault[] = list.map((f) => faults.add(f as never));
        return send(201, { faults: added });
      }
    }
    if (parts[1] === 'requests') {
      if (method === 'GET') {
        const filter: RequestLogFilter = {};
        for (const k of ['operation', 'objectType', 'toObjectType', 'method', 'requestId'] as const) {
          const v = url.searchParams.get(k);
          if (v !== null) (filter as Record<string, string>)[k] = v;
        }
        const status = url.searchParams.get('status');
        if (status !== null) filter.status = Number(status);
        return send(200, { requests: log.entries(filter) });
      }
      if (method === 'DELETE') {
        log.clear();
        return send(204);
      }
    }
    return send(404, { error: `no sandbox admin route ${method} ${url.pathname}` });
  }

  // ---- the API --------------------------------------------------------------

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (url.pathname.startsWith('/__sandbox/')) return admin(req, res, url);
    const method = (req.method ?? 'GET').toUpperCase();
    const route = classify(method, url.pathname);
    const requestIdHeader = req.headers['x-request-id'];
    const live: SandboxRequestLogEntry = log.record({
      method,
      path: url.pathname,
      query: url.search,
      operation: route.operation,
      ...(route.objectType ? { objectType: route.objectType } : {}),
      ...(route.toObjectType ? { toObjectType: route.toObjectType } : {}),
      ...(typeof requestIdHeader === 'string' ? { requestId: requestIdHeader } : {}),
    });
    // `live` is the log's own record: later fields (status, inputs, fault) land in the log.
    const rate: Record<string, string> = {};
    const correlationId = randomUUID();

    let loseAnswer = false;
    const send = (status: number, body: unknown, extraHeaders: Record<string, string> = {}, raw?: { text: string; contentType: string }) => {
      live.status = status;
      if (loseAnswer) {
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = { 'x-hubspot-correlation-id': correlationId, ...rate, ...extraHeaders };
      if (raw) {
        headers['content-type'] = raw.contentType;
        headers['content-length'] = String(Buffer.byteLength(raw.text));
        res.writeHead(status, headers);
        res.end(raw.text);
        return;
      }
      if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      const text = JSON.stringify(body);
      headers['content-type'] = 'application/json;charset=utf-8';
      headers['content-length'] = String(Buffer.byteLength(text));
      res.writeHead(status, headers);
      res.end(text);
    };

    const fired = faults.take({ operation: route.operation, objectType: route.objectType, toObjectType: route.toObjectType });
    const note = (kind: SandboxFaultKind) => {
      live.fault = live.fault ? `${live.fault},${kind}` : kind;
    };
    if (fired.has('lost_answer')) {
      note('lost_answer');
      loseAnswer = true;
    }
    const latency = fired.get('latency');
    if (latency && latency.kind === 'latency') {
      note('latency');
      await sleep(latency.ms);
    }
    if (fired.has('down')) {
      note('down');
      req.socket.destroy();
      return;
    }
    if (fired.has('hang')) {
      note('hang');
      req.resume();
      return;
    }
    const err = fired.get('error');
    if (err && err.kind === 'error') {
      note('error');
      const status = err.status;
      if (EDGE_HTML[status]) {
        const title = `${status} ${EDGE_HTML[status]}`;
        return send(status, undefined, {}, { text: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`, contentType: 'text/html' });
      }
      if (status === 423) {
        return send(423, { status: 'error', message: 'The resource is locked: too many writes in a short period. Wait at least 2 seconds between requests.', correlationId, category: 'LOCKED' });
      }
      return send(status, { status: 'error', message: 'internal error', correlationId, category: 'INTERNAL_ERROR' });
    }

    const auth = req.headers.authorization;
    const token = typeof auth === 'string' && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : undefined;
    if (!token || !store.tokens.has(token)) {
      return send(401, { status: 'error', message: AUTH_MESSAGE, correlationId, category: 'INVALID_AUTHENTICATION' });
    }

    const granted = opts.tokenScopes?.[token];
    const needed = requiredScope(route);
    if (granted && needed && !granted.includes(needed)) {
      return send(403, {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        correlationId,
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [needed] } }],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
        category: 'MISSING_SCOPES',
      });
    }

    const isSearch = route.operation === 'search';
    const windowState = limits.hit(token, Date.now(), isSearch);
    // Search answers carry no X-HubSpot-RateLimit-* headers (its limiter is separate), every other call does.
    if (!isSearch) {
      rate['x-hubspot-ratelimit-daily'] = String(limits.opts.daily);
      rate['x-hubspot-ratelimit-daily-remaining'] = String(windowState.dailyRemaining);
      rate['x-hubspot-ratelimit-interval-milliseconds'] = String(limits.opts.intervalMs);
      rate['x-hubspot-ratelimit-max'] = String(limits.opts.max);
      rate['x-hubspot-ratelimit-remaining'] = String(windowState.remaining);
    }
    const limitFault = fired.get('rate_limit');
    const policy = limitFault && limitFault.kind === 'rate_limit' ? limitFault.policy : windowState.exceeded;
    if (policy) {
      if (limitFault) note('rate_limit');
      if (!isSearch) {
        if (policy === 'DAILY') rate['x-hubspot-ratelimit-daily-remaining'] = '0';
        else rate['x-hubspot-ratelimit-remaining'] = '0';
      }
      const extra: Record<string, string> = {};
      if (limitFault && limitFault.kind === 'rate_limit' && limitFault.retryAfterSeconds) extra['retry-after'] = String(limitFault.retryAfterSeconds);
      return send(429, { status: 'error', message: RATE_LIMIT_MESSAGES[policy], errorType: 'RATE_LIMIT', correlationId, policyName: policy }, extra);
    }

    let body: unknown;
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      const text = await readBody(req);
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (e) {
          return send(400, {
            status: 'error',
            message: `Invalid input JSON on line 1: ${(e as Error).message}`,
            correlationId,
            category: 'VALIDATION_ERROR',
          });
        }
        const inputs = (body as Json | null)?.inputs;
        if (Array.isArray(inputs)) live.inputs = inputs.length;
      }
    }

    let result: Result;
    try {
      if (route.operation === 'unknown') throw hubspotError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname}`);
      if (route.operation.startsWith('owners_')) result = ownerHandlers(route, url);
      else if (route.operation.startsWith('associat')) result = associationHandlers(route, url, body);
      else result = objectHandlers(route, method, url, body);
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, { ...e.body, correlationId });
      throw e;
    }

    const bad = fired.get('malformed');
    if (bad && bad.kind === 'malformed' && result.body !== undefined && result.status < 300) {
      note('malformed');
      if (bad.shape === 'bad_json') {
        const text = JSON.stringify(result.body);
        return send(result.status, undefined, {}, { text: text.slice(0, Math.max(1, Math.floor(text.length / 2))), contentType: 'application/json;charset=utf-8' });
      }
      malform(result.body, bad.shape);
    }
    return send(result.status, result.body, result.headers);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        const text = JSON.stringify({ status: 'error', message: `sandbox failure: ${(e as Error).message}`, correlationId: randomUUID(), category: 'INTERNAL_ERROR' });
        res.writeHead(500, { 'content-type': 'application/json;charset=utf-8' });
        res.end(text);
      } else res.destroy();
    });
  });

  return {
    server,
    log,
    faults,
    store,
    get url() {
      return baseUrl;
    },
    async listen(port = 0, host = '127.0.0.1') {
      baseUrl = await listen(server, port, host);
      return baseUrl;
    },
    close() {
      return server.listening ? closeServer(server) : Promise.resolve();
    },
  };
}
