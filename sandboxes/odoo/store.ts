// The sandbox's in-memory Odoo: one deep copy of an OdooDataset plus an ORM that
// behaves like Odoo 17–19 for the methods the project uses (search/read/create/
// write/unlink/fields_get/name_search and sale.order action_confirm/action_cancel):
// record rules for multi-company, active_test, company-dependent values, computed
// fields, x2many commands, write_date stamping, and Odoo's own error classes.
//
// Every public ORM method runs as one transaction: a failure undoes what the call
// changed (Odoo commits per RPC call, or rolls back).
import { ODOO_MODELS, type OdooFieldSpec, type OdooModelName, type OdooModelSpec } from '../../connectors/odoo/mapping/models.ts';
import type { OdooDataset, StoredRecord } from './types.ts';
import { domainFieldNames, likeToRegExp, parseDomain, type DomainNode, type LeafOperator } from './domain.ts';
import { OdooServerError, odooErrors } from './errors.ts';
import { deliveryStatus } from './compute/delivery-status.ts';
import { orderInvoiceStatus, type InvoicePolicy } from './compute/invoice-status.ts';
import { expectedDate } from './compute/expected-date.ts';
import { AUTO_LOCK_GROUP, isLocked, lockedLineFieldsIn, lockValues, shouldLockOnConfirm } from './compute/lock.ts';

const MODELS = ODOO_MODELS as unknown as Record<string, OdooModelSpec>;
const MAGIC_FIELDS = new Set(['id', 'display_name', 'create_date', 'write_date']);

export type OdooUser = OdooDataset['users'][number];

export interface OdooEnv {
  user: OdooUser;
  uid: number;
  /** allowed_company_ids (or all the user's companies when the context has none). */
  companyIds: number[];
  /** env.company: the first allowed company. */
  companyId: number;
  context: Record<string, unknown>;
}

export interface SearchPage {
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
}

type Load = '_classic_read' | null;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export function formatDatetime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
function addDays(datetime: string, days: number): string {
  const d = new Date(`${datetime.replace(' ', 'T')}Z`);
  return formatDatetime(new Date(d.getTime() + days * 86_400_000));
}
const round2 = (x: number) => Math.round(x * 100) / 100;
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isEmpty = (x: unknown) => x === false || x === null || x === undefined || x === '';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
function validCalendar(y: string, m: string, d: string): boolean {
  const dt = new Date(Date.UTC(+y, +m - 1, +d));
  return dt.getUTCFullYear() === +y && dt.getUTCMonth() === +m - 1 && dt.getUTCDate() === +d;
}

// Domain comparisons, at module level rather than as closures inside compare(): the
// TypeScript loader names every closure it creates (keepNames), which on a search
// over a whole table cost more than the comparisons themselves.
function normalizeOperand(field: OdooFieldSpec, value: unknown): unknown {
  if (field.type === 'datetime' && typeof value === 'string' && DATE_RE.test(value)) return `${value} 00:00:00`;
  if (field.type === 'datetime' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) {
    return value.slice(0, 19).replace('T', ' ');
  }
  return value;
}
function operandEquals(field: OdooFieldSpec, v: unknown, emptyV: boolean, x: unknown): boolean {
  if (x === false || x === null) return field.type === 'boolean' ? !v : emptyV;
  if (field.type === 'boolean') return Boolean(v) === Boolean(x);
  if (emptyV) return false;
  if (typeof v === 'number' && typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return v === Number(x);
  return v === normalizeOperand(field, x);
}
function anyOperandEquals(field: OdooFieldSpec, v: unknown, emptyV: boolean, value: unknown): boolean {
  if (!Array.isArray(value)) return operandEquals(field, v, emptyV, value);
  for (const x of value) if (operandEquals(field, v, emptyV, x)) return true;
  return false;
}
function operandCompare(v: unknown, emptyV: boolean, x: unknown): number | undefined {
  if (emptyV || x === false || x === null || x === undefined) return undefined;
  if (typeof v === 'number' && (typeof x === 'number' || (typeof x === 'string' && Number.isFinite(Number(x))))) return v - Number(x);
  const a = String(v);
  const b = String(x);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Computed fields whose value depends on the stored records only (not on the env or the clock): see compute(). */
const COMPUTED_FROM_RECORDS: ReadonlySet<string> = new Set(['res.partner.complete_name']);

/** A set of company ids as a cache key (record rules read it as a set). */
function companyKey(ids: readonly number[]): string {
  return [...new Set(ids)].sort((a, b) => a - b).join(',');
}

/** Field types whose `=`/`in` leaves with string operands are served from an index by stored value (see `candidates`). */
const STRING_INDEXED_TYPES: ReadonlySet<string> = new Set(['char', 'selection']);

/** Leaf operators compare() serves without raising, whatever the stored value (see `candidates`). */
const SAFE_OPERATORS: ReadonlySet<LeafOperator> = new Set(['=', '!=', '<', '<=', '>', '>=', '=?', 'in', 'not in', 'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike']);

/** The models by name, own entries only, in a Map: looked up for every field of every record read. */
const MODEL_SPECS: ReadonlyMap<string, OdooModelSpec> = new Map(Object.entries(MODELS));

export function modelSpec(model: string): OdooModelSpec | undefined {
  return MODEL_SPECS.get(model);
}

/** A string key of a (model, field) pair, made once and kept: on the hot paths below it was built per record and value. */
function pairKey(cache: Map<string, Map<string, string>>, model: string, fname: string, make: (model: string, fname: string) => string): string {
  let byField = cache.get(model);
  if (!byField) cache.set(model, (byField = new Map()));
  let key = byField.get(fname);
  if (key === undefined) byField.set(fname, (key = make(model, fname)));
  return key;
}

/** `model.field`, the key compute() switches on. */
const COMPUTE_KEYS = new Map<string, Map<string, string>>();
const makeComputeKey = (model: string, fname: string) => `${model}.${fname}`;
const computeKey = (model: string, fname: string): string => pairKey(COMPUTE_KEYS, model, fname, makeComputeKey);
const makeRecordsByKey = (model: string, fname: string) => `by|${model}|${fname}`;

export class OdooStore {
  readonly database: string;
  readonly users: OdooUser[];
  readonly stock: OdooDataset['stock'];
  private readonly tables = new Map<string, Map<number, StoredRecord>>();
  private readonly nextIds = new Map<string, number>();
  private undoLog: Array<() => void> | null = null;
  /**
   * Bumped by every change to a stored record or a table (ORM primitives, raw access,
   * rollback): the derived indexes below are valid for one generation only, so they
   * can never answer from data that has changed since they were built.
   */
  private generation = 0;
  private readonly derivedCache = new Map<string, { generation: number; value: unknown }>();
  private readonly clock: () => Date;
  /** Problems found in the dataset (fields not in models.ts, duplicate ids); the sandbox still starts. */
  readonly warnings: string[] = [];

  constructor(dataset: OdooDataset, opts: { now?: () => Date } = {}) {
    const copy = structuredClone(dataset);
    this.database = copy.database;
    this.users = copy.users;
    this.stock = copy.stock;
    this.clock = opts.now ?? (() => new Date());
    for (const key of Object.keys(copy.records)) if (!MODELS[key]) this.warnings.push(`unknown model ${key} ignored`);
    for (const model of Object.keys(MODELS)) {
      const table = new Map<number, StoredRecord>();
      const unknown = new Set<string>();
      for (const rec of copy.records[model as OdooModelName] ?? []) {
        if (!isInt(rec.id) || rec.id <= 0) this.warnings.push(`${model}: record without a positive integer id ignored`);
        else if (table.has(rec.id)) this.warnings.push(`${model}: duplicate id ${rec.id}`);
        else table.set(rec.id, rec);
        for (const k of Object.keys(rec)) if (!MODELS[model]!.fields[k]) unknown.add(k);
      }
      for (const k of unknown) this.warnings.push(`${model}: field ${k} is not in models.ts`);
      this.tables.set(model, table);
      this.nextIds.set(model, Math.max(0, ...table.keys()) + 1);
    }
  }

  now(): string {
    return formatDatetime(this.clock());
  }

  // ---------------------------------------------------------------- raw access (tests, admin)

  /** Stored-form records of a model (copies). */
  records(model: OdooModelName): StoredRecord[] {
    return [...this.table(model).values()].map((r) => structuredClone(r));
  }
  /** Stored-form record (copy), or undefined. */
  get(model: OdooModelName, id: number): StoredRecord | undefined {
    const r = this.table(model).get(id);
    return r ? structuredClone(r) : undefined;
  }
  /** Stored-form record itself, not a copy: for the wire layer's reads only, never to be changed. */
  peek(model: string, id: number): Readonly<StoredRecord> | undefined {
    return this.tables.get(model)?.get(id);
  }
  /** Write stored-form values directly, bypassing the ORM (no write_date). */
  patch(model: OdooModelName, id: number, vals: Record<string, unknown>): void {
    const r = this.table(model).get(id);
    if (!r) throw new Error(`no ${model} ${id}`);
    this.generation++;
    Object.assign(r, structuredClone(vals));
  }
  /** Insert a stored-form record directly (id allocated when missing). */
  insert(model: OdooModelName, rec: Omit<StoredRecord, 'id'> & { id?: number }): number {
    const id = rec.id ?? this.allocId(model);
    this.generation++;
    this.table(model).set(id, { ...structuredClone(rec), id } as StoredRecord);
    if (id >= (this.nextIds.get(model) ?? 1)) this.nextIds.set(model, id + 1);
    return id;
  }
  /** Remove a record directly (simulates a deletion by someone else). */
  remove(model: OdooModelName, id: number): boolean {
    this.generation++;
    return this.table(model).delete(id);
  }

  // ---------------------------------------------------------------- auth & env

  userByKey(key: string): OdooUser | undefined {
    return this.users.find((u) => u.apiKey === key);
  }

  /** common.authenticate: uid, or false. */
  authenticate(db: unknown, login: unknown, key: unknown): number | false {
    if (db !== this.database) {
      throw new OdooServerError('psycopg2.OperationalError', `connection to server failed: FATAL:  database "${String(db)}" does not exist`, 500);
    }
    const user = this.users.find((u) => u.login === login && u.apiKey === key);
    return user ? user.uid : false;
  }

  /** Build env from a user and a call context; raises AccessError for companies the user lacks. */
  makeEnv(user: OdooUser, context: unknown): OdooEnv {
    const ctx = context && typeof context === 'object' && !Array.isArray(context) ? (context as Record<string, unknown>) : {};
    let companyIds = [...user.companyIds];
    const allowed = ctx.allowed_company_ids;
    if (allowed !== undefined && allowed !== false && allowed !== null) {
      const list = Array.isArray(allowed) ? allowed : [allowed];
      if (!list.every(isInt)) throw odooErrors.value(`Invalid allowed_company_ids ${JSON.stringify(allowed)}`);
      if (list.length > 0) {
        if (list.some((c) => !user.companyIds.includes(c))) {
          throw odooErrors.access('Access to unauthorized or invalid companies.');
        }
        companyIds = list as number[];
      }
    }
    return { user, uid: user.uid, companyIds, companyId: companyIds[0] ?? user.companyIds[0] ?? 1, context: ctx };
  }

  // ---------------------------------------------------------------- transactions

  transaction<T>(fn: () => T): T {
    if (this.undoLog) return fn();
    const log: Array<() => void> = [];
    this.undoLog = log;
    try {
      const out = fn();
      this.undoLog = null;
      return out;
    } catch (e) {
      this.undoLog = null;
      for (let i = log.length - 1; i >= 0; i--) log[i]!();
      this.generation++;
      throw e;
    }
  }

  private setField(rec: StoredRecord, key: string, value: unknown): void {
    const had = Object.prototype.hasOwnProperty.call(rec, key);
    const old = rec[key];
    this.undoLog?.push(() => {
      if (had) rec[key] = old;
      else delete rec[key];
    });
    this.generation++;
    rec[key] = value;
  }
  private deleteField(rec: StoredRecord, key: string): void {
    if (!Object.prototype.hasOwnProperty.call(rec, key)) return;
    const old = rec[key];
    this.undoLog?.push(() => {
      rec[key] = old;
    });
    this.generation++;
    delete rec[key];
  }
  private putRecord(model: string, rec: StoredRecord): void {
    const table = this.table(model);
    this.generation++;
    table.set(rec.id, rec);
    this.undoLog?.push(() => table.delete(rec.id));
  }
  private dropRecord(model: string, id: number): void {
    const table = this.table(model);
    const rec = table.get(id);
    if (!rec) return;
    this.generation++;
    table.delete(id);
    this.undoLog?.push(() => table.set(id, rec));
  }

  // ---------------------------------------------------------------- helpers

  private table(model: string): Map<number, StoredRecord> {
    const t = this.tables.get(model);
    if (!t) throw odooErrors.user(`Object ${model} doesn't exist`);
    return t;
  }
  /** A value derived from the stored records, rebuilt after any change (see `generation`). */
  private derived<T>(key: string, build: () => T): T {
    const hit = this.derivedCache.get(key);
    if (hit && hit.generation === this.generation) return hit.value as T;
    const value = build();
    this.derivedCache.set(key, { generation: this.generation, value });
    return value;
  }

  /** recordsBy()'s cache keys, made once: an order's computed fields look up three indexes each. */
  private readonly recordsByKeys = new Map<string, Map<string, string>>();
  /**
   * The records of a model by the stored value of one of its fields (many2one ids),
   * in table order; a record without the field counts under the field's default, as
   * `value()` reads it. For fields whose value does not depend on the env (not
   * computed, not company-dependent).
   */
  private recordsBy(model: string, fname: string): Map<unknown, StoredRecord[]> {
    return this.derived(pairKey(this.recordsByKeys, model, fname, makeRecordsByKey), () => {
      const field = this.field(model, fname);
      const index = new Map<unknown, StoredRecord[]>();
      for (const r of this.table(model).values()) {
        const raw = r[fname];
        const key = raw === undefined || raw === null ? this.defaultFor(field) : raw;
        const list = index.get(key);
        if (list) list.push(r);
        else index.set(key, [r]);
      }
      return index;
    });
  }

  /** recordsBy() for a char or selection field, or undefined when a stored value is neither a string nor empty. */
  private recordsByString(model: string, fname: string): Map<unknown, StoredRecord[]> | undefined {
    return this.derived(`byString|${model}|${fname}`, () => {
      const index = this.recordsBy(model, fname);
      for (const key of index.keys()) if (typeof key !== 'string' && key !== false) return undefined;
      return index;
    });
  }

  private spec(model: string): OdooModelSpec {
    const s = modelSpec(model);
    if (!s) throw odooErrors.user(`Object ${model} doesn't exist`);
    return s;
  }
  private field(model: string, fname: string): OdooFieldSpec {
    const f = this.spec(model).fields[fname];
    if (!f) throw odooErrors.value(`Invalid field '${fname}' on model '${model}'`);
    return f;
  }
  private allocId(model: string): number {
    const id = this.nextIds.get(model) ?? 1;
    this.nextIds.set(model, id + 1);
    return id;
  }
  private hasGroups(env: OdooEnv, field: OdooFieldSpec): boolean {
    if (!field.groups) return true;
    return field.groups.split(',').some((g) => env.user.groups.includes(g.trim()));
  }
  private checkFieldGroups(env: OdooEnv, model: string, fnames: string[], operation: 'read' | 'write'): void {
    const spec = this.spec(model);
    const denied = fnames.filter((f) => spec.fields[f] && !this.hasGroups(env, spec.fields[f]!));
    if (denied.length) {
      throw odooErrors.access(
        `You do not have enough rights to access the fields "${denied.join(',')}" on ${spec.description} (${model}). ` +
          `Please contact your system administrator.\n\nOperation: ${operation}\nUser: ${env.uid}\nFields:\n` +
          denied.map((f) => `- ${f} (allowed for groups ${spec.fields[f]!.groups})`).join('\n'),
      );
    }
  }

  private visible(env: OdooEnv, model: string, rec: StoredRecord): boolean {
    if (model === 'res.company') return env.user.companyIds.includes(rec.id);
    const spec = this.spec(model);
    if (spec.multiCompany) {
      const c = rec.company_id;
      if (isInt(c) && !env.companyIds.includes(c)) return false;
    }
    return true;
  }
  private activeFilter(env: OdooEnv, model: string): boolean {
    return Boolean(this.spec(model).hasActive) && env.context.active_test !== false;
  }

  private accessError(env: OdooEnv, model: string, recs: StoredRecord[], operation: string): Error {
    const spec = this.spec(model);
    return odooErrors.access(
      'Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n' +
        `Sorry, ${env.user.login} (id=${env.uid}) doesn't have '${operation}' access to:\n` +
        recs.map((r) => `- ${spec.description}, ${this.displayName(env, model, r)} (${model}: ${r.id})`).join('\n') +
        '\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.',
    );
  }
  private missingError(env: OdooEnv, model: string, ids: number[]): Error {
    return odooErrors.missing(
      `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')},), User: ${env.uid})`,
    );
  }

  /**
   * Records for ids, raising AccessError (rule-filtered) before MissingError, like
   * Odoo's _fetch_query. A `read` never raises MissingError (models.py fetch():
   * "should never raise a MissingError"): ids that do not exist are left out of
   * the answer; only writes and business methods on them fail with it.
   */
  private browse(env: OdooEnv, model: string, ids: unknown, operation: string): StoredRecord[] {
    const list = ids === undefined || ids === null || ids === false ? [] : Array.isArray(ids) ? ids : [ids];
    if (!list.every(isInt)) throw odooErrors.value(`Invalid ids ${JSON.stringify(ids)}: expected a list of integers`);
    const table = this.table(model);
    const forbidden: StoredRecord[] = [];
    const missing: number[] = [];
    const out: StoredRecord[] = [];
    for (const id of list as number[]) {
      const rec = table.get(id);
      if (!rec) missing.push(id);
      else if (!this.visible(env, model, rec)) forbidden.push(rec);
      else out.push(rec);
    }
    if (forbidden.length) throw this.accessError(env, model, forbidden, operation);
    if (missing.length && operation !== 'read') throw this.missingError(env, model, missing);
    return out;
  }

  // ---------------------------------------------------------------- field values

  private defaultFor(field: OdooFieldSpec): unknown {
    if (field.default !== undefined) return field.default;
    switch (field.type) {
      case 'boolean':
        return false;
      case 'integer':
      case 'float':
      case 'monetary':
        return 0;
      case 'one2many':
      case 'many2many':
        return [];
      default:
        return false;
    }
  }

  /** Value in stored form (many2one id/false, x2many ids) for the env, computed fields included. */
  value(env: OdooEnv, model: string, rec: StoredRecord, fname: string): unknown {
    if (fname === 'id') return rec.id;
    return this.fieldValue(env, model, rec, fname, this.field(model, fname));
  }

  /** value() with the field's spec already looked up. */
  private fieldValue(env: OdooEnv, model: string, rec: StoredRecord, fname: string, field: OdooFieldSpec): unknown {
    if (fname === 'display_name') return this.displayName(env, model, rec);
    if (field.type === 'one2many') return this.one2manyIds(env, model, rec, field);
    if (field.computed) {
      const c = this.compute(env, model, rec, fname);
      if (c !== undefined) return c;
    }
    let raw = rec[fname];
    if (field.companyDependent) raw = this.companyValue(raw, env.companyId);
    if (raw === undefined || raw === null) return this.defaultFor(field);
    if (field.type === 'many2many' && Array.isArray(raw)) {
      const rel = this.table(field.relation!);
      return raw.filter((id) => rel.has(id as number));
    }
    return raw;
  }

  private companyValue(raw: unknown, companyId: number): unknown {
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) return (raw as Record<string, unknown>)[String(companyId)];
    return raw;
  }

  /**
   * Per-call memo for derived indexes (children by parent, moves by partner): the
   * ORM methods are synchronous, so an index built during one read can be reused
   * for every record of that read and dropped at its end.
   */
  private memoTable: Map<string, unknown> | null = null;
  private memo<T>(key: string, build: () => T): T {
    if (!this.memoTable) return build();
    if (!this.memoTable.has(key)) this.memoTable.set(key, build());
    return this.memoTable.get(key) as T;
  }
  private withMemo<T>(fn: () => T): T {
    if (this.memoTable) return fn();
    this.memoTable = new Map();
    try {
      return fn();
    } finally {
      this.memoTable = null;
    }
  }

  private one2manyIds(env: OdooEnv, model: string, rec: StoredRecord, field: OdooFieldSpec): number[] {
    const rel = field.relation!;
    const inverse = field.inverse!;
    const active = this.activeFilter(env, rel);
    // The grouped, sorted children depend on the records, the companies (record rules)
    // and active_test only when the relation's order reads stored data: then they are
    // kept until a record changes rather than rebuilt by every call (every contact
    // sorted by complete name for one partner's child_ids).
    const byParent = this.sortsByStoredData(rel)
      ? this.derived(`o2m|${rel}|${inverse}|${active}|${companyKey(env.companyIds)}|${companyKey(env.user.companyIds)}`, () => this.childrenByParent(env, rel, inverse, active))
      : this.memo(`o2m|${rel}|${inverse}`, () => this.childrenByParent(env, rel, inverse, active));
    return (byParent.get(rec.id) ?? []).map((c) => c.id);
  }

  private childrenByParent(env: OdooEnv, rel: string, inverse: string, active: boolean): Map<number, StoredRecord[]> {
    const visible = [...this.table(rel).values()].filter((c) => isInt(c[inverse]) && this.visible(env, rel, c) && (!active || c.active !== false));
    const groups = new Map<number, StoredRecord[]>();
    for (const c of this.sortRecords(env, rel, visible, this.spec(rel).order)) {
      const list = groups.get(c[inverse] as number) ?? [];
      list.push(c);
      groups.set(c[inverse] as number, list);
    }
    return groups;
  }

  private readonly storedDataOrder = new Map<string, boolean>();
  /** The model's default order reads no company-dependent value and no computed one that depends on the env or the clock. */
  private sortsByStoredData(model: string): boolean {
    let yes = this.storedDataOrder.get(model);
    if (yes === undefined) {
      const spec = this.spec(model);
      yes = this.parseOrder(model, spec.order).every(({ field }) => {
        const f = spec.fields[field]!;
        return !f.companyDependent && (!f.computed || COMPUTED_FROM_RECORDS.has(`${model}.${field}`));
      });
      this.storedDataOrder.set(model, yes);
    }
    return yes;
  }

  displayName(env: OdooEnv, model: string, rec: StoredRecord): string {
    if (model === 'res.partner') return this.completeName(rec);
    if (model === 'product.product') {
      const code = rec.default_code;
      return typeof code === 'string' && code ? `[${code}] ${String(rec.name ?? '')}` : String(rec.name ?? '');
    }
    if (model === 'account.move' && !rec.name) return `Draft Invoice (* ${rec.id})`;
    const v = rec[this.spec(model).recName];
    return typeof v === 'string' && v ? v : `${model},${rec.id}`;
  }

  private completeName(rec: StoredRecord): string {
    const name = typeof rec.name === 'string' ? rec.name : '';
    if (rec.is_company || !isInt(rec.parent_id)) return name;
    const parent = this.table('res.partner').get(rec.parent_id);
    return parent && typeof parent.name === 'string' ? (name ? `${parent.name}, ${name}` : parent.name) : name;
  }

  private descendants(model: string, rootIds: number[], parentField = 'parent_id'): Set<number> {
    const childrenOf = this.memo(`children|${model}|${parentField}`, () => {
      const map = new Map<number, number[]>();
      for (const r of this.table(model).values()) {
        const p = r[parentField];
        if (isInt(p)) map.set(p, [...(map.get(p) ?? []), r.id]);
      }
      return map;
    });
    const out = new Set(rootIds);
    const queue = [...rootIds];
    while (queue.length) {
      for (const child of childrenOf.get(queue.shift()!) ?? []) {
        if (!out.has(child)) {
          out.add(child);
          queue.push(child);
        }
      }
    }
    return out;
  }

  /** Computed fields. `undefined` means "fall back to the stored value" (seeded business status). */
  private compute(env: OdooEnv, model: string, rec: StoredRecord, fname: string): unknown {
    switch (computeKey(model, fname)) {
      case 'res.partner.complete_name':
        return this.completeName(rec);
      case 'res.partner.use_partner_credit_limit': {
        const limit = this.companyValue(rec.credit_limit, env.companyId);
        return typeof limit === 'number' && limit > 0;
      }
      case 'res.partner.credit': {
        const family = this.descendants('res.partner', [rec.id]);
        const byPartner = this.memo(`credit|${env.companyId}`, () => {
          const sums = new Map<number, number>();
          for (const m of this.table('account.move').values()) {
            if (m.company_id !== env.companyId || m.state !== 'posted' || !isInt(m.partner_id)) continue;
            const residual = typeof m.amount_residual === 'number' ? m.amount_residual : 0;
            const signed = m.move_type === 'out_invoice' ? residual : m.move_type === 'out_refund' ? -residual : 0;
            sums.set(m.partner_id, (sums.get(m.partner_id) ?? 0) + signed);
          }
          return sums;
        });
        let total = 0;
        for (const pid of family) total += byPartner.get(pid) ?? 0;
        return round2(total);
      }
      case 'product.product.qty_available':
      case 'product.product.virtual_available':
      case 'product.product.free_qty': {
        if (!rec.is_storable) return 0;
        const key = fname === 'qty_available' ? 'onHand' : fname === 'virtual_available' ? 'forecast' : 'free';
        const whCtx = env.context.warehouse_id;
        let warehouses: Set<number>;
        if (whCtx !== undefined && whCtx !== false && whCtx !== null) {
          warehouses = new Set((Array.isArray(whCtx) ? whCtx : [whCtx]).filter(isInt));
        } else {
          // Odoo's _get_domain_locations: Warehouse.search([('company_id', 'in', env.companies.ids)]),
          // a search, so archived warehouses do not count.
          warehouses = new Set(
            [...this.table('stock.warehouse').values()]
              .filter((w) => w.active !== false && isInt(w.company_id) && env.companyIds.includes(w.company_id))
              .map((w) => w.id),
          );
        }
        let sum = 0;
        for (const s of this.stock) if (s.productId === rec.id && warehouses.has(s.warehouseId)) sum += s[key];
        return sum;
      }
      case 'sale.order.line.price_subtotal':
        return this.lineSubtotal(rec);
      case 'sale.order.line.price_total':
        return this.lineTotal(rec);
      case 'sale.order.amount_untaxed':
      case 'sale.order.amount_total':
      case 'sale.order.amount_tax': {
        const lines = this.orderLines(rec.id);
        if (!lines.length) return undefined;
        const untaxed = round2(lines.reduce((s, l) => s + this.lineSubtotal(l), 0));
        const total = round2(lines.reduce((s, l) => s + this.lineTotal(l), 0));
        return fname === 'amount_untaxed' ? untaxed : fname === 'amount_total' ? total : round2(total - untaxed);
      }
      case 'sale.order.expected_date':
        return expectedDate({
          state: rec.state, dateOrder: rec.date_order, now: this.now(), pickingPolicy: rec.picking_policy,
          customerLeads: this.orderLines(rec.id).filter((l) => isInt(l.product_id)).map((l) => this.customerLead(l)),
        });
      case 'sale.order.effective_date': {
        const done = this.orderPickings(rec.id).filter((p) => p.state === 'done' && typeof p.date_done === 'string');
        if (!done.length) return rec.effective_date === undefined ? false : undefined;
        return done.map((p) => p.date_done as string).sort()[0];
      }
      case 'sale.order.invoice_ids': {
        const name = rec.name;
        const stored = Array.isArray(rec.invoice_ids) ? (rec.invoice_ids as number[]) : [];
        const ids = new Set(stored);
        if (typeof name === 'string') for (const id of this.invoicesByOrigin().get(name) ?? []) ids.add(id);
        return [...ids].filter((id) => {
          const m = this.table('account.move').get(id);
          return m && this.visible(env, 'account.move', m);
        }).sort((a, b) => a - b);
      }
      case 'sale.order.mrp_production_ids': {
        return this.orderProductionIds(rec.id).filter((id) => {
          const m = this.table('mrp.production').get(id);
          return m && this.visible(env, 'mrp.production', m);
        }).sort((a, b) => a - b);
      }
      // Stored computes in Odoo, recomputed whenever pickings or lines change: computed
      // here on every read, so a seeded value can never disagree with the records.
      case 'sale.order.delivery_status':
        return deliveryStatus(
          this.orderPickings(rec.id).map((p) => p.state),
          this.orderLines(rec.id).map((l) => (typeof l.qty_delivered === 'number' ? l.qty_delivered : 0)),
        );
      case 'sale.order.invoice_status': {
        const num = (v: unknown) => (typeof v === 'number' ? v : 0);
        const products = this.table('product.product');
        const lines = this.orderLines(rec.id).map((l) => ({
          policy: (isInt(l.product_id) && products.get(l.product_id)?.invoice_policy === 'delivery' ? 'delivery' : 'order') as InvoicePolicy,
          ordered: num(l.product_uom_qty), delivered: num(l.qty_delivered), invoiced: num(l.qty_invoiced),
        }));
        return orderInvoiceStatus(lines, rec.state === 'sale');
      }
      case 'stock.move.reference': {
        const p = isInt(rec.picking_id) ? this.table('stock.picking').get(rec.picking_id) : undefined;
        return p && typeof p.name === 'string' ? p.name : undefined;
      }
      default:
        return undefined;
    }
  }

  private lineSubtotal(l: StoredRecord): number {
    const qty = typeof l.product_uom_qty === 'number' ? l.product_uom_qty : 0;
    const price = typeof l.price_unit === 'number' ? l.price_unit : 0;
    const disc = typeof l.discount === 'number' ? l.discount : 0;
    return round2(qty * price * (1 - disc / 100));
  }
  /** No tax model in the sandbox: keeps the seeded total/subtotal ratio (its tax rate), else no tax. */
  private lineTotal(l: StoredRecord): number {
    const sub = this.lineSubtotal(l);
    const t = l.price_total;
    const s = l.price_subtotal;
    if (typeof t === 'number' && typeof s === 'number' && s !== 0) return round2(sub * (t / s));
    return sub;
  }
  /** The line's own lead time; a line stored without one (hand-written fixtures) falls back to its product's, as Odoo's precompute would have set it. */
  private customerLead(line: StoredRecord): number {
    if (typeof line.customer_lead === 'number') return line.customer_lead;
    const p = isInt(line.product_id) ? this.table('product.product').get(line.product_id) : undefined;
    return p && typeof p.sale_delay === 'number' ? p.sale_delay : 0;
  }
  /**
   * The MOs procured for an order (sale_mrp's mrp_production_ids): the stored link
   * (the procurement group / stock references the seed records) and MOs whose
   * `sale_line_id` is one of its lines. An MO's `origin` is free text, not a link.
   */
  private orderProductionIds(orderId: number): number[] {
    const order = this.table('sale.order').get(orderId);
    const ids = new Set(Array.isArray(order?.mrp_production_ids) ? (order.mrp_production_ids as number[]) : []);
    // Line by line rather than in table order: callers sort the ids or cancel each MO alike.
    const byLine = this.recordsBy('mrp.production', 'sale_line_id');
    for (const l of this.orderLines(orderId)) for (const p of byLine.get(l.id) ?? []) ids.add(p.id);
    return [...ids];
  }

  // The lookups behind an order's computed fields, from the many2one indexes rather than a
  // scan of the lines, pickings or MOs per order and field (a page of 50 orders read ~7 each).
  private orderLines(orderId: number): StoredRecord[] {
    return [...(this.recordsBy('sale.order.line', 'order_id').get(orderId) ?? [])];
  }
  private orderPickings(orderId: number): StoredRecord[] {
    return (this.recordsBy('stock.picking', 'sale_id').get(orderId) ?? []).filter((p) => p.picking_type_code !== 'incoming');
  }
  /** Customer invoice and refund ids by each order name their invoice_origin lists ("S00001, S00002"), in table order. */
  private invoicesByOrigin(): Map<string, number[]> {
    return this.derived('invoicesByOrigin', () => {
      const index = new Map<string, number[]>();
      for (const m of this.table('account.move').values()) {
        if ((m.move_type !== 'out_invoice' && m.move_type !== 'out_refund') || typeof m.invoice_origin !== 'string') continue;
        for (const origin of new Set(m.invoice_origin.split(',').map((s) => s.trim()))) {
          const list = index.get(origin);
          if (list) list.push(m.id);
          else index.set(origin, [m.id]);
        }
      }
      return index;
    });
  }

  /** Value in wire form, as `read` returns it. */
  render(env: OdooEnv, model: string, rec: StoredRecord, fname: string, load: Load = '_classic_read'): unknown {
    if (fname === 'id') return rec.id;
    return this.renderField(env, model, rec, fname, this.field(model, fname), load);
  }

  /** render() with the field's spec already looked up. */
  private renderField(env: OdooEnv, model: string, rec: StoredRecord, fname: string, field: OdooFieldSpec, load: Load): unknown {
    const v = this.fieldValue(env, model, rec, fname, field);
    switch (field.type) {
      case 'many2one': {
        if (!isInt(v)) return false;
        const target = this.table(field.relation!).get(v);
        if (!target) return false;
        return load === null ? v : [v, this.displayName(env, field.relation!, target)];
      }
      case 'one2many':
      case 'many2many':
        return Array.isArray(v) ? [...v] : [];
      case 'boolean':
        return Boolean(v);
      case 'integer':
      case 'float':
      case 'monetary':
        return typeof v === 'number' ? v : 0;
      default:
        return isEmpty(v) ? false : v;
    }
  }

  // ---------------------------------------------------------------- search

  private validatePaths(model: string, node: DomainNode): void {
    const check = (n: DomainNode): void => {
      if (n.kind === 'leaf') {
        let m = model;
        const parts = n.path.split('.');
        parts.forEach((p, i) => {
          const spec = this.spec(m);
          const f = spec.fields[p];
          if (!f) throw odooErrors.value(`Invalid field ${m}.${p} in leaf ${JSON.stringify([n.path, n.op, n.value])}`);
          if (i < parts.length - 1) {
            if (!f.relation) throw odooErrors.value(`Invalid field ${m}.${p} in leaf ${JSON.stringify([n.path, n.op, n.value])}: not relational`);
            m = f.relation;
          }
        });
      } else if (n.kind === 'not') check(n.child);
      else if (n.kind === 'and' || n.kind === 'or') n.children.forEach(check);
    };
    check(node);
  }

  private evalNode(env: OdooEnv, model: string, rec: StoredRecord, node: DomainNode): boolean {
    switch (node.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !this.evalNode(env, model, rec, node.child);
      case 'and':
        return node.children.every((c) => this.evalNode(env, model, rec, c));
      case 'or':
        return node.children.some((c) => this.evalNode(env, model, rec, c));
      case 'leaf':
        return this.evalLeaf(env, model, rec, node.path.split('.'), node.op, node.value);
    }
  }

  private evalLeaf(env: OdooEnv, model: string, rec: StoredRecord, parts: string[], op: LeafOperator, value: unknown): boolean {
    const fname = parts[0]!;
    const field = fname === 'id' ? ({ type: 'integer', string: 'ID' } as OdooFieldSpec) : this.field(model, fname);
    if (parts.length > 1) {
      const v = this.value(env, model, rec, fname);
      const ids = Array.isArray(v) ? (v as number[]) : isInt(v) ? [v] : [];
      const rel = field.relation!;
      return ids.some((id) => {
        const r = this.table(rel).get(id);
        return r ? this.evalLeaf(env, rel, r, parts.slice(1), op, value) : false;
      });
    }
    const v = fname === 'id' ? rec.id : this.value(env, model, rec, fname);
    if (op === 'any' || op === 'not any') {
      if (!field.relation) throw odooErrors.value(`Operator ${op} is only for relational fields (${model}.${fname})`);
      const sub = parseDomain(value);
      const ids = Array.isArray(v) ? (v as number[]) : isInt(v) ? [v] : [];
      const hit = ids.some((id) => {
        const r = this.table(field.relation!).get(id);
        return r ? this.evalNode(env, field.relation!, r, sub) : false;
      });
      return op === 'any' ? hit : !hit;
    }
    if (op === 'child_of' || op === 'parent_of') {
      const hierModel = fname === 'id' ? model : field.relation;
      if (!hierModel) throw odooErrors.value(`Operator ${op} needs a relational field (${model}.${fname})`);
      const roots = (Array.isArray(value) ? value : [value]).filter(isInt);
      const targets = Array.isArray(v) ? (v as number[]) : isInt(v) ? [v] : [];
      if (op === 'child_of') {
        const set = this.descendants(hierModel, roots);
        return targets.some((t) => set.has(t));
      }
      return roots.some((root) => targets.some((t) => this.descendants(hierModel, [t]).has(root)));
    }
    if (field.type === 'many2one' && (typeof value === 'string' || (Array.isArray(value) && value.some((x) => typeof x === 'string')))) {
      // many2one compared with names: Odoo searches the comodel by display name.
      const target = isInt(v) ? this.table(field.relation!).get(v) : undefined;
      const name = target ? this.displayName(env, field.relation!, target) : false;
      return this.compare({ type: 'char', string: '' }, name, op === '=' ? '=' : op, value);
    }
    if (field.type === 'one2many' || field.type === 'many2many') {
      const ids = (Array.isArray(v) ? v : []) as number[];
      const vals = (Array.isArray(value) ? value : [value]) as unknown[];
      const positive = (x: unknown) => (x === false || x === null ? ids.length === 0 : ids.includes(x as number));
      switch (op) {
        case '=':
        case 'in':
          return vals.some(positive);
        case '!=':
        case 'not in':
          return !vals.some(positive);
        default:
          throw odooErrors.value(`Operator ${op} is not supported on x2many field ${model}.${fname}`);
      }
    }
    return this.compare(field, v, op, value);
  }

  private compare(field: OdooFieldSpec, v: unknown, op: LeafOperator, rawValue: unknown): boolean {
    const value = normalizeOperand(field, rawValue);
    const emptyV = field.type === 'boolean' ? false : isEmpty(v);
    switch (op) {
      case '=':
        return operandEquals(field, v, emptyV, value);
      case '=?':
        return value === false || value === null || value === undefined ? true : operandEquals(field, v, emptyV, value);
      case '!=':
        return !operandEquals(field, v, emptyV, value);
      case 'in':
        return anyOperandEquals(field, v, emptyV, value);
      case 'not in':
        return !anyOperandEquals(field, v, emptyV, value);
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const c = operandCompare(v, emptyV, value);
        if (c === undefined) return false;
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      }
      case 'like':
      case 'ilike':
      case '=like':
      case '=ilike': {
        if (value === false || value === null) return emptyV;
        if (emptyV) return false;
        const pattern = op === 'like' || op === 'ilike' ? `%${String(value)}%` : String(value);
        return likeToRegExp(pattern, op === 'ilike' || op === '=ilike').test(String(v));
      }
      case 'not like':
        return !this.compare(field, v, 'like', rawValue);
      case 'not ilike':
        return !this.compare(field, v, 'ilike', rawValue);
      default:
        throw odooErrors.value(`Operator ${op} is not supported here`);
    }
  }

  private parseOrder(model: string, order: unknown): Array<{ field: string; desc: boolean; nulls?: 'first' | 'last' }> {
    if (order === undefined || order === null || order === false || order === '') order = this.spec(model).order;
    if (typeof order !== 'string') throw odooErrors.value(`Invalid "order" specified (${JSON.stringify(order)}).`);
    const spec = this.spec(model);
    return order.split(',').map((part) => {
      const m = /^\s*([A-Za-z0-9_]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(part);
      if (!m) throw odooErrors.value(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
      const fname = m[1]!;
      const f = spec.fields[fname];
      if (!f) throw odooErrors.value(`Invalid field '${fname}' on model '${model}'`);
      if (f.type === 'one2many' || f.type === 'many2many') throw odooErrors.value(`Cannot order by ${model}.${fname}: x2many field`);
      return { field: fname, desc: (m[2] ?? 'asc').toLowerCase() === 'desc', nulls: m[3]?.toLowerCase() as 'first' | 'last' | undefined };
    });
  }

  private sortRecords(env: OdooEnv, model: string, recs: StoredRecord[], order: unknown): StoredRecord[] {
    const keys = this.parseOrder(model, order);
    const spec = this.spec(model);
    const rows = recs.map((r) => ({
      r,
      k: keys.map(({ field }) => {
        const f = spec.fields[field]!;
        const v = this.value(env, model, r, field);
        if (f.type === 'many2one') {
          const t = isInt(v) ? this.table(f.relation!).get(v) : undefined;
          return t ? this.displayName(env, f.relation!, t) : null;
        }
        if (f.type === 'boolean') return v ? 1 : 0;
        return isEmpty(v) ? null : v;
      }),
    }));
    rows.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const { desc, nulls } = keys[i]!;
        const x = a.k[i];
        const y = b.k[i];
        if (x === null && y === null) continue;
        const nullsFirst = nulls ? nulls === 'first' : desc; // PostgreSQL: ASC → NULLS LAST, DESC → NULLS FIRST
        if (x === null) return nullsFirst ? -1 : 1;
        if (y === null) return nullsFirst ? 1 : -1;
        let c: number;
        if (typeof x === 'number' && typeof y === 'number') c = x - y;
        else c = String(x).localeCompare(String(y), 'en');
        if (c !== 0) return desc ? -c : c;
      }
      return a.r.id - b.r.id;
    });
    return rows.map((x) => x.r);
  }

  private pageNumber(name: string, v: unknown): number | undefined {
    if (v === undefined || v === null || v === false) return undefined;
    if (!isInt(v) || v < 0) throw odooErrors.value(`Invalid ${name} ${JSON.stringify(v)}`);
    return v;
  }

  search(env: OdooEnv, model: string, domain: unknown, page: SearchPage = {}): number[] {
    return this.withMemo(() => this.searchIds(env, model, domain, page));
  }

  private searchIds(env: OdooEnv, model: string, domain: unknown, page: SearchPage): number[] {
    const node = parseDomain(domain);
    this.validatePaths(model, node);
    const applyActive = this.activeFilter(env, model) && !domainFieldNames(node).has('active');
    let recs = (this.candidates(model, node) ?? [...this.table(model).values()]).filter(
      (r) => this.visible(env, model, r) && (!applyActive || r.active !== false) && this.evalNode(env, model, r, node),
    );
    recs = this.sortRecords(env, model, recs, page.order);
    const offset = this.pageNumber('offset', page.offset) ?? 0;
    const limit = this.pageNumber('limit', page.limit);
    return recs.slice(offset, limit === undefined ? undefined : offset + limit).map((r) => r.id);
  }

  /**
   * A superset of the records a domain can match, from its `id` and stored many2one
   * leaves under the top-level AND (`id in [...]`, `order_id in [...]`, `partner_id = 7`),
   * or undefined: scan the table. The whole domain is still evaluated on each candidate,
   * and the result is sorted by a total order, so the answer is the scan's. Only for
   * domains none of whose leaves can raise while evaluated: a scan evaluates them on
   * records a narrower candidate set would not visit, and would raise there.
   */
  private candidates(model: string, node: DomainNode): StoredRecord[] | undefined {
    if (!this.evaluatesWithoutRaising(model, node)) return undefined;
    let best: StoredRecord[] | undefined;
    const consider = (n: DomainNode): void => {
      if (n.kind === 'and') {
        for (const c of n.children) consider(c);
        return;
      }
      if (n.kind !== 'leaf' || n.path.includes('.') || (n.op !== '=' && n.op !== 'in')) return;
      const values = n.op === 'in' ? n.value : [n.value];
      if (!Array.isArray(values)) return;
      let found: StoredRecord[];
      if (n.path === 'id') {
        if (!values.every(isInt)) return;
        const table = this.table(model);
        found = [];
        for (const id of new Set(values)) {
          const r = table.get(id);
          if (r) found.push(r);
        }
      } else {
        const field = this.spec(model).fields[n.path];
        if (!field || field.computed || field.companyDependent) return;
        let index: Map<unknown, StoredRecord[]> | undefined;
        if (field.type === 'many2one' && values.every(isInt)) index = this.recordsBy(model, n.path);
        // A string operand equals a string field's value only when it is that very string
        // (compare(): no normalisation for char or selection), unless a stored value is
        // not a string (a number compares with a numeric string): then scan.
        else if (STRING_INDEXED_TYPES.has(field.type) && values.every((v) => typeof v === 'string' && v !== '')) index = this.recordsByString(model, n.path);
        if (!index) return;
        found = [...new Set(values)].flatMap((v) => index.get(v) ?? []);
      }
      if (!best || found.length < best.length) best = found;
    };
    consider(node);
    return best;
  }

  /** No leaf of the domain raises on any record: plain comparisons of stored, non-x2many fields, dotted paths included. */
  private evaluatesWithoutRaising(model: string, node: DomainNode): boolean {
    switch (node.kind) {
      case 'true':
      case 'false':
        return true;
      case 'not':
        return this.evaluatesWithoutRaising(model, node.child);
      case 'and':
      case 'or':
        return node.children.every((c) => this.evaluatesWithoutRaising(model, c));
      case 'leaf': {
        if (!SAFE_OPERATORS.has(node.op)) return false;
        const parts = node.path.split('.');
        let m = model;
        for (let i = 0; i < parts.length; i++) {
          const f = parts[i] === 'id' ? undefined : this.spec(m).fields[parts[i]!];
          // A computed value may raise on malformed stored data (a date that does not parse).
          if (f?.computed) return false;
          if (i === parts.length - 1) return !f || (f.type !== 'one2many' && f.type !== 'many2many');
          if (!f?.relation) return false;
          m = f.relation;
        }
        return true;
      }
    }
  }

  searchCount(env: OdooEnv, model: string, domain: unknown, limit?: unknown): number {
    const n = this.search(env, model, domain, { order: 'id' }).length;
    const l = this.pageNumber('limit', limit);
    return l === undefined ? n : Math.min(n, l);
  }

  // ---------------------------------------------------------------- read

  private readFields(env: OdooEnv, model: string, fields: unknown): string[] {
    const spec = this.spec(model);
    if (fields === undefined || fields === null || fields === false || (Array.isArray(fields) && fields.length === 0)) {
      return Object.keys(spec.fields).filter((f) => this.hasGroups(env, spec.fields[f]!));
    }
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) {
      throw odooErrors.value(`Invalid fields ${JSON.stringify(fields)}: expected a list of field names`);
    }
    for (const f of fields as string[]) if (!spec.fields[f]) throw odooErrors.value(`Invalid field '${f}' on model '${model}'`);
    this.checkFieldGroups(env, model, fields as string[], 'read');
    return ['id', ...new Set((fields as string[]).filter((f) => f !== 'id'))];
  }

  private loadParam(load: unknown): Load {
    return load === undefined || load === '_classic_read' ? '_classic_read' : null;
  }

  private renderRecords(env: OdooEnv, model: string, recs: StoredRecord[], names: string[], load: Load): Record<string, unknown>[] {
    if (!recs.length) return [];
    // Each field's spec looked up once per read, not once per record (readFields checked the names).
    const plan = names.filter((f) => f !== 'id').map((f) => ({ f, field: this.field(model, f) }));
    return this.withMemo(() =>
      recs.map((r) => {
        const out: Record<string, unknown> = { id: r.id };
        for (const { f, field } of plan) out[f] = this.renderField(env, model, r, f, field, load);
        return out;
      }),
    );
  }

  read(env: OdooEnv, model: string, ids: unknown, fields?: unknown, load?: unknown): Record<string, unknown>[] {
    const names = this.readFields(env, model, fields);
    const recs = this.browse(env, model, ids, 'read');
    return this.renderRecords(env, model, recs, names, this.loadParam(load));
  }

  searchRead(env: OdooEnv, model: string, domain: unknown, fields: unknown, page: SearchPage, load?: unknown): Record<string, unknown>[] {
    const names = this.readFields(env, model, fields);
    const ids = this.search(env, model, domain, page);
    const table = this.table(model);
    return this.renderRecords(env, model, ids.map((id) => table.get(id)!), names, this.loadParam(load));
  }

  /**
   * `read_group(domain, fields, groupby, offset, limit, orderby, lazy)` as Odoo 17/18
   * answer it (odoo/models.py): `fields` entries are `name`, `name:agg` or
   * `alias:agg(field)` (agg in READ_GROUP_AGGREGATES); each group carries its groupby
   * values in wire form (a many2one as `[id, display name]`, false for none), the
   * aggregates under their names, `__domain`, and the record count as `__count`
   * (lazy=false) or `<first groupby>_count` (lazy=true, which groups by the first
   * field only). Groups are ordered by their groupby values unless `orderby` says otherwise.
   */
  readGroup(env: OdooEnv, model: string, domain: unknown, fields: unknown, groupby: unknown, page: SearchPage = {}, lazy: unknown = true): Record<string, unknown>[] {
    const spec = this.spec(model);
    const groupList = typeof groupby === 'string' ? [groupby] : groupby;
    if (!Array.isArray(groupList) || !groupList.every((g) => typeof g === 'string')) throw odooErrors.value(`Invalid groupby ${JSON.stringify(groupby)}`);
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) throw odooErrors.value(`Invalid fields ${JSON.stringify(fields)}`);
    const isLazy = lazy !== false;
    const groups = (isLazy ? groupList.slice(0, 1) : groupList) as string[];
    for (const g of groups) {
      if (g.includes(':')) throw odooErrors.value(`Invalid groupby ${JSON.stringify(g)}: date granularity is not served by the sandbox`);
      if (!spec.fields[g]) throw odooErrors.value(`Invalid field '${g}' on model '${model}'`);
    }
    const aggregates: Array<{ name: string; func: string; field: string }> = [];
    for (const f of fields as string[]) {
      const m = /^(\w+)(?::(\w+)(?:\((\w+)\))?)?$/.exec(f);
      if (!m) throw odooErrors.value(`Invalid field specification ${JSON.stringify(f)}.`);
      const [, name, func, fname] = m as unknown as [string, string, string | undefined, string | undefined];
      const field = fname ?? name;
      if (field !== 'id' && !spec.fields[field]) throw odooErrors.value(`Invalid field '${field}' on model '${model}'`);
      if (func && !READ_GROUP_AGGREGATES.has(func)) throw odooErrors.value(`Invalid aggregation function ${JSON.stringify(func)}.`);
      if (groups.includes(name) || name === '__count' || (!func && field === 'id')) continue;
      if (!func) continue; // a plain non-numeric field has no default aggregate worth serving here
      aggregates.push({ name, func, field });
    }
    this.checkFieldGroups(env, model, [...groups, ...aggregates.map((a) => a.field).filter((f) => f !== 'id')], 'read');
    return this.withMemo(() => {
      const table = this.table(model);
      const recs = this.searchIds(env, model, domain, { order: 'id' }).map((id) => table.get(id)!);
      const byKey = new Map<string, { values: unknown[]; recs: StoredRecord[] }>();
      for (const r of recs) {
        const values = groups.map((g) => this.render(env, model, r, g));
        const key = JSON.stringify(values);
        const entry = byKey.get(key) ?? { values, recs: [] };
        entry.recs.push(r);
        byKey.set(key, entry);
      }
      const orderKey = (v: unknown): number | string => (Array.isArray(v) ? (v[0] as number) : v === false ? Number.POSITIVE_INFINITY : (v as number | string));
      let out = [...byKey.values()].sort((a, b) => {
        for (let i = 0; i < groups.length; i++) {
          const x = orderKey(a.values[i]);
          const y = orderKey(b.values[i]);
          if (x !== y) return x < y ? -1 : 1;
        }
        return 0;
      });
      if (page.order !== undefined && page.order !== false && page.order !== null && /\bdesc\b/i.test(String(page.order))) out = out.reverse();
      const offset = this.pageNumber('offset', page.offset) ?? 0;
      const limit = this.pageNumber('limit', page.limit);
      out = out.slice(offset, limit === undefined ? undefined : offset + limit);
      return out.map(({ values, recs: members }) => {
        const group: Record<string, unknown> = {};
        groups.forEach((g, i) => (group[g] = values[i]));
        group[isLazy ? `${groups[0]}_count` : '__count'] = members.length;
        for (const a of aggregates) group[a.name] = aggregate(a.func, members.map((r) => this.value(env, model, r, a.field)));
        group.__domain = [...groups.map((g, i) => [g, '=', Array.isArray(values[i]) ? (values[i] as unknown[])[0] : values[i]]), ...(Array.isArray(domain) ? domain : [])];
        return group;
      });
    });
  }

  /**
   * `formatted_read_group(domain, groupby, aggregates, having, offset, limit, order)`
   * (Odoo 19, addons/web models.py; read_group's successor): groups keyed by their
   * groupby values, each aggregate under its spec (`id:array_agg`), the record count
   * as `__count`, and `__extra_domain` (the group's own condition). `having` is not served.
   */
  formattedReadGroup(env: OdooEnv, model: string, domain: unknown, groupby: unknown, aggregates: unknown, having: unknown, page: SearchPage = {}): Record<string, unknown>[] {
    if (having !== undefined && !(Array.isArray(having) && having.length === 0)) throw odooErrors.value('The sandbox does not serve "having" in formatted_read_group');
    const groups = groupby ?? [];
    const specs = aggregates ?? [];
    if (!Array.isArray(specs) || !specs.every((a) => typeof a === 'string' && (a === '__count' || /^\w+:\w+$/.test(a)))) throw odooErrors.value(`Invalid aggregates ${JSON.stringify(aggregates)}`);
    const wanted = (specs as string[]).filter((a) => a !== '__count');
    const legacy = this.readGroup(env, model, domain, wanted.map((a, i) => `a${i}:${a.split(':')[1]}(${a.split(':')[0]})`), groups, page, false);
    const groupNames = (typeof groups === 'string' ? [groups] : (groups as string[]));
    return legacy.map((g) => {
      const out: Record<string, unknown> = {};
      for (const name of groupNames) out[name] = g[name];
      out.__count = g.__count;
      wanted.forEach((a, i) => (out[a] = g[`a${i}`]));
      out.__extra_domain = groupNames.map((name) => [name, '=', Array.isArray(g[name]) ? (g[name] as unknown[])[0] : g[name]]);
      return out;
    });
  }

  fieldsGet(env: OdooEnv, model: string, allfields?: unknown, attributes?: unknown): Record<string, Record<string, unknown>> {
    const spec = this.spec(model);
    const wanted = Array.isArray(allfields) && allfields.length ? new Set(allfields as string[]) : undefined;
    const attrs = Array.isArray(attributes) && attributes.length ? new Set(attributes as string[]) : undefined;
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, f] of Object.entries(spec.fields)) {
      if (wanted && !wanted.has(name)) continue;
      if (!this.hasGroups(env, f)) continue;
      const stored = !f.computed && f.type !== 'one2many';
      const desc: Record<string, unknown> = {
        type: f.type,
        string: f.string,
        name,
        required: Boolean(f.required),
        readonly: Boolean(f.readonly || (f.computed && !f.companyDependent)),
        store: stored,
        sortable: stored || name === 'id',
        searchable: true,
        company_dependent: Boolean(f.companyDependent),
        manual: false,
        help: '',
      };
      if (f.relation) desc.relation = f.relation;
      if (f.inverse) desc.relation_field = f.inverse;
      if (f.selection) desc.selection = f.selection.map(([k, v]) => [k, v]);
      if (attrs) for (const k of Object.keys(desc)) if (!attrs.has(k)) delete desc[k];
      out[name] = desc;
    }
    return out;
  }

  nameSearch(env: OdooEnv, model: string, name: unknown, domain: unknown, operator: unknown, limit: unknown): Array<[number, string]> {
    const ids = this.search(env, model, domain ?? [], {});
    const table = this.table(model);
    const op = (typeof operator === 'string' ? operator : 'ilike') as LeafOperator;
    const lim = this.pageNumber('limit', limit ?? 100);
    const out: Array<[number, string]> = [];
    for (const id of ids) {
      const r = table.get(id)!;
      const dn = this.displayName(env, model, r);
      if (name === '' || name === undefined || name === false || this.compare({ type: 'char', string: '' }, dn, op, name)) out.push([id, dn]);
      if (lim !== undefined && out.length >= lim) break;
    }
    return out;
  }

  // ---------------------------------------------------------------- create / write / unlink

  private convert(env: OdooEnv, model: string, fname: string, field: OdooFieldSpec, value: unknown): unknown {
    const wrong = () => odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
    if (value === null || value === undefined) value = false;
    switch (field.type) {
      case 'char':
      case 'text':
      case 'html':
        if (value === false || value === '') return false;
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        throw wrong();
      case 'integer': {
        if (value === false) return 0;
        const n = typeof value === 'boolean' ? Number(value) : typeof value === 'string' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw odooErrors.value(`invalid literal for int() with base 10: ${JSON.stringify(value)}`);
        return Math.trunc(n);
      }
      case 'float':
      case 'monetary': {
        if (value === false) return 0;
        const n = typeof value === 'string' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw odooErrors.value(`could not convert string to float: ${JSON.stringify(value)}`);
        return n;
      }
      case 'boolean':
        return Boolean(value);
      case 'selection':
        if (value === false) return false;
        if (!field.selection?.some(([k]) => k === value)) throw wrong();
        return value;
      case 'date': {
        if (value === false || value === '') return false;
        const s = typeof value === 'string' ? value.slice(0, 10) : '';
        const m = DATE_RE.exec(s);
        if (!m || !validCalendar(m[1]!, m[2]!, m[3]!)) throw odooErrors.value(`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d'`);
        return s;
      }
      case 'datetime': {
        if (value === false || value === '') return false;
        let s = typeof value === 'string' ? value : '';
        if (DATE_RE.test(s)) s = `${s} 00:00:00`;
        const m = DATETIME_RE.exec(s);
        if (!m || !validCalendar(m[1]!, m[2]!, m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) {
          throw odooErrors.value(`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d %H:%M:%S'`);
        }
        return s;
      }
      case 'many2one': {
        if (value === false || value === 0) return false;
        if (!isInt(value)) throw wrong();
        const target = this.table(field.relation!).get(value);
        if (!target) {
          throw odooErrors.validation(
            `The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${this.spec(model).description} (${model})\nField: ${field.string} (${fname})\nRecord: ${field.relation}(${value},) does not exist`,
          );
        }
        return value;
      }
      default:
        throw wrong();
    }
  }

  private requiredMessage(model: string, fname: string): string {
    const spec = this.spec(model);
    return (
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${spec.description} (${model})\nField: ${spec.fields[fname]!.string} (${fname})`
    );
  }

  private assignVals(env: OdooEnv, model: string, rec: StoredRecord, vals: Record<string, unknown>): Array<[string, unknown]> {
    const spec = this.spec(model);
    const x2many: Array<[string, unknown]> = [];
    for (const fname of Object.keys(vals)) if (!spec.fields[fname]) throw odooErrors.value(`Invalid field '${fname}' on model '${model}'`);
    this.checkFieldGroups(env, model, Object.keys(vals), 'write');
    for (const [fname, value] of Object.entries(vals)) {
      const field = spec.fields[fname]!;
      // Magic columns and non-stored computed fields without inverse: Odoo drops the value.
      if (MAGIC_FIELDS.has(fname) || field.computed) continue;
      if (field.type === 'one2many' || field.type === 'many2many') {
        x2many.push([fname, value]);
        continue;
      }
      const converted = this.convert(env, model, fname, field, value);
      if (field.companyDependent) {
        const cur = rec[fname];
        const map = cur && typeof cur === 'object' && !Array.isArray(cur) ? { ...(cur as Record<string, unknown>) } : {};
        map[String(env.companyId)] = converted;
        this.setField(rec, fname, map);
      } else {
        this.setField(rec, fname, converted);
      }
    }
    return x2many;
  }

  private applyX2many(env: OdooEnv, model: string, rec: StoredRecord, fname: string, value: unknown): void {
    const field = this.field(model, fname);
    const rel = field.relation!;
    if (value === false || value === null) value = [[5]];
    if (!Array.isArray(value)) throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
    const commands = value.every(isInt) ? [[6, 0, value]] : value;
    const relTable = this.table(rel);
    const existsOrMissing = (id: unknown): number => {
      if (!isInt(id) || !relTable.has(id)) throw this.missingError(env, rel, [id as number]);
      return id;
    };
    if (field.type === 'many2many') {
      let ids = Array.isArray(rec[fname]) ? [...(rec[fname] as number[])] : [];
      for (const cmd of commands) {
        if (!Array.isArray(cmd)) throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
        const [code, id, arg] = cmd as [number, unknown, unknown];
        if (code === 0) ids.push(this.createOne(env, rel, (arg ?? {}) as Record<string, unknown>));
        else if (code === 1) this.writeOne(env, rel, relTable.get(existsOrMissing(id))!, (arg ?? {}) as Record<string, unknown>);
        else if (code === 2) {
          this.unlinkRecords(env, rel, [relTable.get(existsOrMissing(id))!]);
          ids = ids.filter((x) => x !== id);
        } else if (code === 3) ids = ids.filter((x) => x !== id);
        else if (code === 4) {
          if (!ids.includes(existsOrMissing(id))) ids.push(id as number);
        } else if (code === 5) ids = [];
        else if (code === 6) {
          if (!Array.isArray(arg)) throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
          ids = [...new Set(arg.map(existsOrMissing))];
        } else throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
      }
      this.setField(rec, fname, ids);
      return;
    }
    // one2many: commands act on the inverse many2one of the children.
    const inverse = field.inverse!;
    const inverseRequired = Boolean(this.field(rel, inverse).required);
    const detach = (child: StoredRecord) => {
      if (inverseRequired) this.unlinkRecords(env, rel, [child]);
      else this.setField(child, inverse, false);
    };
    for (const cmd of commands) {
      if (!Array.isArray(cmd)) throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
      const [code, id, arg] = cmd as [number, unknown, unknown];
      if (code === 0) this.createOne(env, rel, { ...((arg ?? {}) as Record<string, unknown>), [inverse]: rec.id });
      else if (code === 1) this.writeOne(env, rel, relTable.get(existsOrMissing(id))!, (arg ?? {}) as Record<string, unknown>);
      else if (code === 2) this.unlinkRecords(env, rel, [relTable.get(existsOrMissing(id))!]);
      else if (code === 3) detach(relTable.get(existsOrMissing(id))!);
      else if (code === 4) this.setField(relTable.get(existsOrMissing(id))!, inverse, rec.id);
      else if (code === 5 || code === 6) {
        const keep = code === 6 && Array.isArray(arg) ? new Set(arg.map(existsOrMissing)) : new Set<number>();
        for (const child of [...relTable.values()]) if (child[inverse] === rec.id && !keep.has(child.id)) detach(child);
        for (const cid of keep) this.setField(relTable.get(cid)!, inverse, rec.id);
      } else throw odooErrors.value(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
    }
  }

  private applyDefaults(env: OdooEnv, model: string, rec: StoredRecord): void {
    const spec = this.spec(model);
    const set = (k: string, v: unknown) => {
      if (rec[k] === undefined || (k === 'name' && model === 'sale.order' && rec[k] === 'New')) this.setField(rec, k, v);
    };
    const company = (id: unknown) => (isInt(id) ? this.table('res.company').get(id) : undefined);
    switch (model) {
      case 'sale.order': {
        set('company_id', env.companyId);
        set('date_order', this.now());
        const seq = Math.max(0, ...[...this.table('sale.order').values()].map((o) => Number(/^S(\d+)$/.exec(String(o.name))?.[1] ?? 0))) + 1;
        set('name', `S${String(seq).padStart(5, '0')}`);
        set('currency_id', company(rec.company_id)?.currency_id ?? false);
        const partner = isInt(rec.partner_id) ? this.table('res.partner').get(rec.partner_id) : undefined;
        const cid = isInt(rec.company_id) ? rec.company_id : env.companyId;
        if (partner) {
          const pl = this.companyValue(partner.property_product_pricelist, cid);
          const pt = this.companyValue(partner.property_payment_term_id, cid);
          if (isInt(pl)) set('pricelist_id', pl);
          if (isInt(pt)) set('payment_term_id', pt);
        }
        break;
      }
      case 'sale.order.line': {
        const order = isInt(rec.order_id) ? this.table('sale.order').get(rec.order_id) : undefined;
        const product = isInt(rec.product_id) ? this.table('product.product').get(rec.product_id) : undefined;
        if (order) {
          set('company_id', order.company_id ?? false);
          set('currency_id', order.currency_id ?? false);
        }
        if (product) {
          set('product_uom', product.uom_id ?? false);
          set('name', this.displayName(env, 'product.product', product));
          set('price_unit', typeof product.list_price === 'number' ? product.list_price : 0);
          set('customer_lead', typeof product.sale_delay === 'number' ? product.sale_delay : 0);
        }
        break;
      }
      case 'stock.picking':
      case 'mrp.production':
      case 'account.move':
      case 'stock.warehouse':
        set('company_id', env.companyId);
        if (model === 'account.move') set('currency_id', company(rec.company_id)?.currency_id ?? false);
        if (model === 'mrp.production') {
          const product = isInt(rec.product_id) ? this.table('product.product').get(rec.product_id) : undefined;
          if (product) set('product_uom_id', product.uom_id ?? false);
        }
        break;
      case 'stock.move': {
        const picking = isInt(rec.picking_id) ? this.table('stock.picking').get(rec.picking_id) : undefined;
        set('company_id', picking?.company_id ?? env.companyId);
        break;
      }
      default:
        break;
    }
    for (const [fname, f] of Object.entries(spec.fields)) {
      if (rec[fname] === undefined && f.default !== undefined && !f.computed && !f.companyDependent) this.setField(rec, fname, f.default);
    }
  }

  private checkRequired(model: string, rec: StoredRecord, only?: string[]): void {
    const spec = this.spec(model);
    for (const [fname, f] of Object.entries(spec.fields)) {
      if (!f.required || f.computed || MAGIC_FIELDS.has(fname)) continue;
      if (only && !only.includes(fname)) continue;
      if (isEmpty(rec[fname])) throw odooErrors.validation(this.requiredMessage(model, fname));
    }
  }

  private checkCompany(env: OdooEnv, model: string, rec: StoredRecord, operation: string): void {
    const spec = this.spec(model);
    if (!spec.multiCompany) return;
    if (isInt(rec.company_id) && !env.companyIds.includes(rec.company_id)) throw this.accessError(env, model, [rec], operation);
  }

  private createOne(env: OdooEnv, model: string, vals: Record<string, unknown>): number {
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) throw odooErrors.value(`Invalid values for ${model}.create: ${JSON.stringify(vals)}`);
    const rec: StoredRecord = { id: this.allocId(model) };
    const x2many = this.assignVals(env, model, rec, vals);
    this.applyDefaults(env, model, rec);
    this.checkRequired(model, rec);
    this.checkCompany(env, model, rec, 'create');
    const now = this.now();
    this.generation++;
    rec.create_date = now;
    rec.write_date = now;
    this.putRecord(model, rec);
    for (const [fname, value] of x2many) this.applyX2many(env, model, rec, fname, value);
    return rec.id;
  }

  private writeOne(env: OdooEnv, model: string, rec: StoredRecord, vals: Record<string, unknown>): void {
    if (model === 'sale.order.line') this.checkLineWrite(rec, vals);
    const x2many = this.assignVals(env, model, rec, vals);
    // sale_stock's _compute_customer_lead depends on product_id only: a new product brings its lead time, an edit stays otherwise.
    if (model === 'sale.order.line' && 'product_id' in vals && !('customer_lead' in vals)) {
      const product = isInt(rec.product_id) ? this.table('product.product').get(rec.product_id) : undefined;
      if (product) this.setField(rec, 'customer_lead', typeof product.sale_delay === 'number' ? product.sale_delay : 0);
    }
    this.checkRequired(model, rec, Object.keys(vals));
    this.checkCompany(env, model, rec, 'write');
    for (const [fname, value] of x2many) this.applyX2many(env, model, rec, fname, value);
    this.touch(rec);
  }

  /** sale.order.line.write on a locked order refuses the protected fields (sale_order_line.py write). */
  private checkLineWrite(line: StoredRecord, vals: Record<string, unknown>): void {
    const order = isInt(line.order_id) ? this.table('sale.order').get(line.order_id) : undefined;
    if (!order || !isLocked(order)) return;
    const protectedFields = lockedLineFieldsIn(vals);
    if (protectedFields.length) {
      const spec = this.spec('sale.order.line');
      throw odooErrors.user(`It is forbidden to modify the following fields in a locked order:\n${protectedFields.map((f) => spec.fields[f]?.string ?? f).join('\n')}`);
    }
  }

  /** The "Lock Confirmed Sales" setting: Odoo implies its group on every internal user. */
  setLockConfirmedSales(on: boolean): void {
    for (const u of this.users) {
      const has = u.groups.includes(AUTO_LOCK_GROUP);
      if (on && !has) u.groups.push(AUTO_LOCK_GROUP);
      if (!on && has) u.groups.splice(u.groups.indexOf(AUTO_LOCK_GROUP), 1);
    }
  }

  private touch(rec: StoredRecord): void {
    this.setField(rec, 'write_date', this.now());
  }

  create(env: OdooEnv, model: string, valsList: unknown): number[] {
    const list = Array.isArray(valsList) ? valsList : [valsList];
    return this.transaction(() => list.map((vals) => this.createOne(env, model, vals as Record<string, unknown>)));
  }

  write(env: OdooEnv, model: string, ids: unknown, vals: unknown): true {
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) throw odooErrors.value(`Invalid values for ${model}.write: ${JSON.stringify(vals)}`);
    return this.transaction(() => {
      for (const rec of this.browse(env, model, ids, 'write')) this.writeOne(env, model, rec, vals as Record<string, unknown>);
      return true as const;
    });
  }

  private unlinkRecords(env: OdooEnv, model: string, recs: StoredRecord[]): void {
    if (model === 'sale.order') {
      const locked = recs.filter((r) => r.state === 'sale');
      if (locked.length) throw odooErrors.user('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
    }
    if (model === 'account.move' && recs.some((r) => r.state === 'posted')) {
      throw odooErrors.user('You cannot delete an entry which has been posted once.');
    }
    for (const rec of recs) {
      // cascade over one2many with a required inverse, detach otherwise
      for (const f of Object.values(this.spec(model).fields)) {
        if (f.type !== 'one2many') continue;
        const rel = f.relation!;
        const children = [...this.table(rel).values()].filter((c) => c[f.inverse!] === rec.id);
        if (this.field(rel, f.inverse!).required) this.unlinkRecords(env, rel, children);
        else for (const c of children) this.setField(c, f.inverse!, false);
      }
      this.dropRecord(model, rec.id);
    }
  }

  unlink(env: OdooEnv, model: string, ids: unknown): true {
    return this.transaction(() => {
      this.unlinkRecords(env, model, this.browse(env, model, ids, 'unlink'));
      return true as const;
    });
  }

  // ---------------------------------------------------------------- business methods

  /** sale.order.action_confirm: draft/sent → sale, date_order = now, delivery (and MO for shortages) created. */
  actionConfirm(env: OdooEnv, ids: unknown): true {
    return this.transaction(() => {
      const orders = this.browse(env, 'sale.order', ids, 'write');
      const bad = orders.filter((o) => o.state !== 'draft' && o.state !== 'sent');
      if (bad.length) {
        throw odooErrors.user(
          `The following orders are not in a state requiring confirmation: ${bad.map((o) => String(o.name)).join(', ')}`,
        );
      }
      for (const order of orders) {
        const lines = this.orderLines(order.id);
        if (lines.some((l) => !isInt(l.product_id))) {
          throw odooErrors.user('A line on these orders missing a product, you cannot confirm it.');
        }
        const now = this.now();
        this.setField(order, 'state', 'sale');
        this.setField(order, 'date_order', now);
        this.deleteField(order, 'delivery_status');
        this.deleteField(order, 'invoice_status');
        this.touch(order);
        this.createDelivery(env, order, lines, now);
        // After the pickings and MOs exist, as in Odoo: the lock comes last.
        if (shouldLockOnConfirm(env.user.groups)) for (const [k, v] of Object.entries(lockValues())) this.setField(order, k, v);
      }
      return true as const;
    });
  }

  private createDelivery(env: OdooEnv, order: StoredRecord, lines: StoredRecord[], now: string): void {
    const products = this.table('product.product');
    const storable = lines.filter((l) => {
      const p = products.get(l.product_id as number);
      return p && p.is_storable && p.type !== 'service';
    });
    if (!storable.length) return;
    const warehouse = [...this.table('stock.warehouse').values()]
      .filter((w) => w.company_id === order.company_id && w.active !== false)
      .sort((a, b) => (Number(a.sequence ?? 10) - Number(b.sequence ?? 10)) || a.id - b.id)[0];
    const code = warehouse && typeof warehouse.code === 'string' ? warehouse.code : 'WH';
    const nextSeq = (kind: string, model: 'stock.picking' | 'mrp.production') =>
      Math.max(0, ...[...this.table(model).values()].map((p) => Number(new RegExp(`^${code}/${kind}/(\\d+)$`).exec(String(p.name))?.[1] ?? 0))) + 1;
    // Each move is due date_order + its line's customer_lead; the picking follows the shipping policy.
    const leads = storable.map((l) => this.customerLead(l));
    const delay = order.picking_policy === 'one' ? Math.max(0, ...leads) : Math.min(...leads);
    const scheduled = typeof order.commitment_date === 'string' ? order.commitment_date : addDays(now, delay);
    const pickingId = this.createOne(env, 'stock.picking', {
      name: `${code}/OUT/${String(nextSeq('OUT', 'stock.picking')).padStart(5, '0')}`,
      state: 'confirmed',
      picking_type_code: 'outgoing',
      partner_id: order.partner_id,
      sale_id: order.id,
      company_id: order.company_id,
      origin: order.name,
      scheduled_date: scheduled,
      date_deadline: typeof order.commitment_date === 'string' ? order.commitment_date : false,
    });
    let allAssigned = true;
    for (const line of storable) {
      const product = products.get(line.product_id as number)!;
      const qty = typeof line.product_uom_qty === 'number' ? line.product_uom_qty : 0;
      const row = warehouse ? this.stock.find((s) => s.productId === product.id && s.warehouseId === warehouse.id) : undefined;
      const free = row ? row.free : 0;
      const reserved = Math.min(free, qty);
      if (row && reserved > 0) {
        const prev = { free: row.free, forecast: row.forecast };
        row.free -= reserved;
        this.undoLog?.push(() => Object.assign(row, prev));
      }
      if (row) {
        const prevForecast = row.forecast;
        row.forecast -= qty;
        this.undoLog?.push(() => {
          row.forecast = prevForecast;
        });
      }
      const assigned = reserved >= qty;
      if (!assigned) allAssigned = false;
      this.createOne(env, 'stock.move', {
        picking_id: pickingId,
        company_id: order.company_id,
        product_id: product.id,
        product_uom_qty: qty,
        quantity: reserved,
        product_uom: line.product_uom ?? product.uom_id ?? false,
        state: assigned ? 'assigned' : reserved > 0 ? 'partially_available' : 'confirmed',
      });
      const shortage = qty - reserved;
      if (shortage > 0 && typeof product.produce_delay === 'number' && product.produce_delay > 0) {
        this.createOne(env, 'mrp.production', {
          name: `${code}/MO/${String(nextSeq('MO', 'mrp.production')).padStart(5, '0')}`,
          state: 'confirmed',
          product_id: product.id,
          product_qty: shortage,
          company_id: order.company_id,
          origin: order.name,
          sale_line_id: line.id,
          date_start: now,
          date_finished: addDays(now, product.produce_delay),
          date_deadline: scheduled,
        });
      }
    }
    if (allAssigned) this.setField(this.table('stock.picking').get(pickingId)!, 'state', 'assigned');
  }

  /** sale.order.action_cancel: cancels the order, its open deliveries and not-started MOs. */
  actionCancel(env: OdooEnv, ids: unknown): true {
    return this.transaction(() => {
      for (const order of this.browse(env, 'sale.order', ids, 'write')) {
        if (isLocked(order)) throw odooErrors.user('You cannot cancel a locked order. Please unlock it first.');
        if (order.state === 'cancel') continue;
        this.setField(order, 'state', 'cancel');
        this.deleteField(order, 'delivery_status');
        this.deleteField(order, 'invoice_status');
        this.touch(order);
        for (const p of this.orderPickings(order.id)) {
          if (p.state === 'done' || p.state === 'cancel') continue;
          this.setField(p, 'state', 'cancel');
          this.touch(p);
          for (const m of this.table('stock.move').values()) {
            if (m.picking_id === p.id && m.state !== 'done') this.setField(m, 'state', 'cancel');
          }
        }
        for (const moId of this.orderProductionIds(order.id)) {
          const mo = this.table('mrp.production').get(moId)!;
          if (mo && (mo.state === 'draft' || mo.state === 'confirmed')) {
            this.setField(mo, 'state', 'cancel');
            this.touch(mo);
          }
        }
      }
      return true as const;
    });
  }
}

/** The aggregate functions read_group accepts (odoo/models.py READ_GROUP_AGGREGATE, the ones served here). */
const READ_GROUP_AGGREGATES: ReadonlySet<string> = new Set(['count', 'count_distinct', 'sum', 'min', 'max', 'avg', 'array_agg', 'bool_and', 'bool_or']);

function aggregate(func: string, values: unknown[]): unknown {
  const present = values.filter((v) => v !== false && v !== null && v !== undefined);
  const nums = present.filter((v): v is number => typeof v === 'number');
  switch (func) {
    case 'count':
      return present.length;
    case 'count_distinct':
      return new Set(present.map((v) => JSON.stringify(v))).size;
    case 'sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'min':
      return nums.length ? Math.min(...nums) : false;
    case 'max':
      return nums.length ? Math.max(...nums) : false;
    case 'avg':
      return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : false;
    case 'bool_and':
      return values.every(Boolean);
    case 'bool_or':
      return values.some(Boolean);
    default: // array_agg: every value, false included, as PostgreSQL's array_agg
      return values.map((v) => (v === undefined ? false : v));
  }
}
