// What differs between the Odoo major versions the connector supports, in one
// table (sources: docs/reference/odoo-hubspot-facts.md §1, §5, §7–§12). The rest of
// the connector — and every layer above it — speaks one *canonical* Odoo: the field
// names and selection values of mapping/models.ts (Odoo 18's, where versions
// differ). The client (odoo-client.ts) translates each call into the server's own
// dialect on the way out and each answer back on the way in, with the functions
// below; the sandbox imitates each version from the same table.
//
// Supported and tested: Odoo 16.0, 17.0, 18.0 and 19.0 (JSON-RPC on all four, JSON-2
// on 19). Anything else is refused with BACKEND_VERSION_UNSUPPORTED before the first
// model call.
import { appError } from '../../policy/errors.ts';
import { ODOO_MODELS, type OdooModelSpec } from './mapping/models.ts';

export const SUPPORTED_ODOO_VERSIONS = [16, 17, 18, 19] as const;
export type OdooVersion = (typeof SUPPORTED_ODOO_VERSIONS)[number];

/** JSON-2 (`/json/2/...`) exists from Odoo 19 on; JSON-RPC on every supported version. */
export const JSON2_SINCE: OdooVersion = 19;

/**
 * A canonical field that does not exist in every version, or has another name in
 * some. `since`/`until` bound the versions that have it (inclusive); `wireName`
 * gives the version's own name where it differs.
 */
export interface FieldRule {
  since?: OdooVersion;
  until?: OdooVersion;
  wireName?: Partial<Record<OdooVersion, string>>;
}

export const VERSIONED_FIELDS: { readonly [model: string]: { readonly [canonicalField: string]: FieldRule } } = {
  // 16 has no `locked`: a locked order is state 'done' (facts §1a).
  'sale.order': { locked: { since: 17 } },
  // 19 renamed the line's unit of measure (facts §9).
  'sale.order.line': { product_uom: { wireName: { 19: 'product_uom_id' } } },
  'mrp.production': {
    // 16 plans with date_planned_start/_finished; 17 merged them into date_start/date_finished (facts §7).
    date_start: { wireName: { 16: 'date_planned_start' } },
    date_finished: { wireName: { 16: 'date_planned_finished' } },
    // "Origin sale order line", added in 18 (facts §7).
    sale_line_id: { since: 18 },
  },
  // 18 replaced detailed_type 'product' with type 'consu' + is_storable (facts §9).
  'product.product': { is_storable: { since: 18 } },
};

/**
 * Selection values that only some versions know. A canonical value missing from
 * a version is shown there as `fallback` (its honest equivalent in that version),
 * except sale.order.state, whose 16 form depends on `locked` (see ORDER_LOCK_STATE).
 */
export const VERSIONED_VALUES: { readonly [modelField: string]: { readonly [value: string]: FieldRule & { fallback: string } } } = {
  // `blocked` (payment on hold) is 18+; before, such an invoice is simply not paid (facts §5).
  'account.move.payment_state': { blocked: { since: 18, fallback: 'not_paid' } },
};

/** Odoo ≤16 marks a locked order with this state instead of `locked = true` (facts §1a). */
export const ORDER_LOCK_STATE = { until: 16 as OdooVersion, state: 'done' } as const;

/**
 * The context key that restricts stock quantities to one warehouse (facts §8):
 * `warehouse` on 16/17, `warehouse_id` on 18/19. Odoo ignores the other key
 * silently and answers the all-warehouse total.
 */
export function warehouseContextKey(v: OdooVersion): 'warehouse' | 'warehouse_id' {
  return v <= 17 ? 'warehouse' : 'warehouse_id';
}

/**
 * How a manufacturing order is linked to the sales order it feeds (facts §7):
 * through the order's procurement group on 16/17, that or the MO's `sale_line_id`
 * on 18, stock references or `sale_line_id` on 19. Every version computes the
 * union into `sale.order.mrp_production_ids` (needs mrp.group_mrp_user); that
 * field is what the connector follows. 19 leaves cancelled and child MOs out.
 * The MO's `origin` is free text and not a link in any version.
 */
export const PRODUCTION_LINK = {
  orderField: 'mrp_production_ids',
  via: { 16: 'procurement_group_id', 17: 'procurement_group_id', 18: 'procurement_group_id | sale_line_id', 19: 'stock_reference_ids | sale_line_id' },
  hidesCancelledSince: 19 as OdooVersion,
} as const;

const inRange = (v: OdooVersion, r: FieldRule) => (r.since === undefined || v >= r.since) && (r.until === undefined || v <= r.until);
const MODELS = ODOO_MODELS as unknown as Record<string, OdooModelSpec>;

/** The version's name of a canonical field, or undefined when the version has no such field. */
export function wireFieldName(v: OdooVersion, model: string, field: string): string | undefined {
  const rule = VERSIONED_FIELDS[model]?.[field];
  if (!rule) return field;
  if (!inRange(v, rule)) return undefined;
  return rule.wireName?.[v] ?? field;
}

/** Per version and model, the version's field names that are canonical fields under another name or absent (built once: every record of every answer is renamed through it). */
const CANONICAL_NAMES = new Map<OdooVersion, Map<string, Map<string, string | undefined>>>();

function canonicalNames(v: OdooVersion, model: string): Map<string, string | undefined> {
  let byModel = CANONICAL_NAMES.get(v);
  if (!byModel) CANONICAL_NAMES.set(v, (byModel = new Map()));
  let names = byModel.get(model);
  if (!names) {
    names = new Map();
    const rules = VERSIONED_FIELDS[model] ?? {};
    for (const [canonical, rule] of Object.entries(rules)) {
      const wire = rule.wireName?.[v] ?? canonical;
      if (inRange(v, rule) && !names.has(wire)) names.set(wire, canonical);
    }
    // A canonical name renamed (or absent) in this version is not that version's field.
    for (const canonical of Object.keys(rules)) if (!names.has(canonical)) names.set(canonical, undefined);
    // Names that map to themselves need no renaming.
    for (const [wire, canonical] of names) if (wire === canonical) names.delete(wire);
    byModel.set(model, names);
  }
  return names;
}

/** The canonical name of a version's field, or undefined when it is not a field of that version. */
export function canonicalFieldName(v: OdooVersion, model: string, wire: string): string | undefined {
  const names = canonicalNames(v, model);
  return names.has(wire) ? names.get(wire) : wire;
}

/** Is this canonical selection value known to the version? */
export function valueExists(v: OdooVersion, model: string, field: string, value: string): boolean {
  const rule = VERSIONED_VALUES[`${model}.${field}`]?.[value];
  return !rule || inRange(v, rule);
}

/** The version's form of a canonical selection value (a value the version lacks becomes its fallback). */
export function wireValue(v: OdooVersion, model: string, field: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const rule = VERSIONED_VALUES[`${model}.${field}`]?.[value];
  return rule && !inRange(v, rule) ? rule.fallback : value;
}

/** Does the version keep locked orders in state 'done' (no `locked` field)? */
export function locksWithState(v: OdooVersion): boolean {
  return v <= ORDER_LOCK_STATE.until;
}

// ---------------------------------------------------------------- version detection

/**
 * The major version of an Odoo server from what it reports: `server_version_info`
 * (common.version) or `version_info` (/web/version): `[18, 0, …]`, or
 * `['saas~18', 3, …]` on Odoo Online. A version outside SUPPORTED_ODOO_VERSIONS is
 * refused here, once, before any model is read.
 */
export function parseOdooVersion(info: unknown, serverVersion?: unknown): OdooVersion {
  const head = Array.isArray(info) ? info[0] : undefined;
  const major = typeof head === 'number' ? head : typeof head === 'string' ? Number(/^(?:saas~)?(\d+)/.exec(head)?.[1]) : Number.NaN;
  const shown = typeof serverVersion === 'string' ? serverVersion : Array.isArray(info) ? info.slice(0, 2).join('.') : 'an unknown version';
  if (!Number.isInteger(major)) {
    throw appError('BACKEND_PROTOCOL', 'Odoo reported no usable version (server_version_info)', { system: 'odoo', model: 'common', method: 'version' });
  }
  if (!(SUPPORTED_ODOO_VERSIONS as readonly number[]).includes(major)) {
    throw appError('BACKEND_VERSION_UNSUPPORTED', `Odoo ${shown} is not a supported version (supported: ${SUPPORTED_ODOO_VERSIONS.join(', ')})`, {
      system: 'odoo', model: 'common', method: 'version', serverVersion: shown,
    });
  }
  return major as OdooVersion;
}

// ---------------------------------------------------------------- canonical → wire (calls)

/** Field list in the version's names; canonical fields the version lacks are left out (the answer is completed by toCanonicalRecord). */
export function wireFields(v: OdooVersion, model: string, fields: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of fields) {
    const w = wireFieldName(v, model, f);
    if (w) out.add(w);
    // 16 derives `locked` from the state: make sure the state is read with it.
    else if (model === 'sale.order' && f === 'locked' && locksWithState(v)) out.add('state');
  }
  return [...out];
}

/** A field path (`order_id.partner_id`) in the version's names, or undefined when a segment does not exist there. */
function wirePath(v: OdooVersion, model: string, path: string): string | undefined {
  const out: string[] = [];
  let m: string | undefined = model;
  for (const seg of path.split('.')) {
    const w: string | undefined = m ? wireFieldName(v, m, seg) : seg;
    if (!w) return undefined;
    out.push(w);
    m = m ? MODELS[m]?.fields[seg]?.relation : undefined;
  }
  return out.join('.');
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Our code asked a version for a field it does not have: refused before the call, naming both. */
function notInVersion(v: OdooVersion, model: string, field: string) {
  return appError('BACKEND_VERSION_UNSUPPORTED', `Odoo ${v} has no field ${field} on ${model}`, { system: 'odoo', model, field });
}

/** One canonical domain leaf in the version's dialect: a leaf, or a small sub-domain in prefix notation. */
function wireLeaf(v: OdooVersion, model: string, leaf: unknown[]): unknown[] {
  const [path, op, value] = leaf as [string, string, unknown];
  const last = path.split('.').pop()!;
  const target = path.includes('.') ? relationOf(model, path.split('.').slice(0, -1)) : model;
  if (target === 'sale.order' && locksWithState(v)) {
    const prefix = path.split('.').slice(0, -1);
    const at = (f: string) => (prefix.length ? `${wirePath(v, model, prefix.join('.'))}.${f}` : f);
    if (last === 'locked' && (op === '=' || op === '!=')) {
      const locked = op === '=' ? Boolean(value) : !value;
      return [[at('state'), locked ? '=' : '!=', ORDER_LOCK_STATE.state]];
    }
    // Canonical 'sale' (confirmed) covers 16's 'done' (confirmed and locked).
    if (last === 'state' && ['=', '!=', 'in', 'not in'].includes(op) && asList(value).includes('sale')) {
      const values = [...asList(value), ORDER_LOCK_STATE.state];
      return [[at('state'), op === '=' || op === 'in' ? 'in' : 'not in', values]];
    }
  }
  const w = wirePath(v, model, path);
  if (w === undefined) {
    throw notInVersion(v, model, path);
  }
  if (target) {
    const rule = VERSIONED_VALUES[`${target}.${last}`];
    if (rule) {
      // A filter on a value this version cannot hold matches no record: it is dropped from
      // `in` / `not in` lists (not turned into its fallback, which would match other records),
      // and `=` / `!=` on it become an empty `in` / `not in`.
      const exists = (x: unknown) => typeof x !== 'string' || valueExists(v, target, last, x);
      if (Array.isArray(value)) return [[w, op, value.filter(exists)]];
      if (!exists(value) && (op === '=' || op === '!=')) return [[w, op === '=' ? 'in' : 'not in', []]];
      return [[w, op, value]];
    }
  }
  return [[w, op, value]];
}

function relationOf(model: string, segs: string[]): string | undefined {
  let m: string | undefined = model;
  for (const s of segs) m = m ? MODELS[m]?.fields[s]?.relation : undefined;
  return m;
}

/** A canonical domain in the version's dialect (field names, 16's state/locked). */
export function wireDomain(v: OdooVersion, model: string, domain: unknown): unknown {
  if (!Array.isArray(domain)) return domain;
  const out: unknown[] = [];
  for (const term of domain) {
    if (Array.isArray(term) && term.length === 3 && typeof term[0] === 'string') {
      const parts = wireLeaf(v, model, term);
      if (parts.length === 1) out.push(parts[0]);
      else out.push(...parts);
    } else out.push(term);
  }
  return out;
}

/** A canonical `order` spec ("date_start asc, id") in the version's names. */
export function wireOrder(v: OdooVersion, model: string, order: unknown): unknown {
  if (typeof order !== 'string') return order;
  return order
    .split(',')
    .map((part) => {
      const [field, ...rest] = part.trim().split(/\s+/);
      const w = field ? wireFieldName(v, model, field) : field;
      return [w ?? field, ...rest].join(' ');
    })
    .join(', ');
}

/** Canonical values to write, in the version's names (16: `locked` becomes the state). */
export function wireVals(v: OdooVersion, model: string, vals: unknown): unknown {
  if (!vals || typeof vals !== 'object' || Array.isArray(vals)) return vals;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(vals)) {
    const w = wireFieldName(v, model, k);
    const relation = MODELS[model]?.fields[k]?.relation;
    // x2many commands carry the related model's values: [0, 0, {…}] create, [1, id, {…}] update.
    if (w && relation && Array.isArray(val)) out[w] = val.map((cmd) => (Array.isArray(cmd) && (cmd[0] === 0 || cmd[0] === 1) ? [cmd[0], cmd[1], wireVals(v, relation, cmd[2])] : cmd));
    else if (w) out[w] = wireValue(v, model, k, val);
    else if (model === 'sale.order' && k === 'locked' && locksWithState(v)) out.state = val ? ORDER_LOCK_STATE.state : 'sale';
    else throw notInVersion(v, model, k);
  }
  return out;
}

/** The call context in the version's keys (the per-warehouse stock key). */
export function wireContext<C extends Record<string, unknown>>(v: OdooVersion, context: C | undefined): C | undefined {
  if (!context || !('warehouse_id' in context) || warehouseContextKey(v) === 'warehouse_id') return context;
  const { warehouse_id, ...rest } = context;
  return { ...rest, warehouse: warehouse_id } as unknown as C;
}

// ---------------------------------------------------------------- wire → canonical (answers)

/** A record as the version returned it, in canonical names and values (16: `done` → 'sale' + locked). */
export function toCanonicalRecord(v: OdooVersion, model: string, record: Record<string, unknown>, askedFor?: readonly string[]): Record<string, unknown> {
  const names = canonicalNames(v, model);
  let rename = false;
  // Most answers hold no field this version names otherwise: the record is then kept, not copied.
  if (names.size) for (const k in record) if (names.has(k)) { rename = true; break; }
  let out: Record<string, unknown>;
  if (!rename) out = model === 'sale.order' && locksWithState(v) ? { ...record } : record;
  else {
    out = {};
    for (const k of Object.keys(record)) out[(names.has(k) ? names.get(k) : k) ?? k] = record[k];
  }
  if (model === 'sale.order' && locksWithState(v) && 'state' in out) {
    const locked = out.state === ORDER_LOCK_STATE.state;
    if (locked) out.state = 'sale';
    if (!askedFor || askedFor.includes('locked')) out.locked = locked;
    if (askedFor && !askedFor.includes('state')) delete out.state;
  }
  return out;
}
