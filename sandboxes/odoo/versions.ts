// The sandbox speaking one Odoo major version (ODOO_SANDBOX_VERSION: 16, 17, 18 or
// 19). The store keeps one canonical form (the field names and values of
// connectors/odoo/mapping/models.ts); this layer is the wire boundary that shows
// it the way the chosen version does, from the connector's version table
// (connectors/odoo/versions.ts) so the two cannot drift:
//   - fields the version does not have are refused as Odoo refuses them
//     (ValueError "Invalid field 'locked' on model 'sale.order'"; 19 drops "model"),
//     renamed fields answer under the version's name (19 product_uom_id, 16 date_planned_start),
//   - 16 shows a locked order as state 'done' and filters on it the same way,
//   - 16/17 show storable products as type 'product' (and detailed_type), 18+ as consu + is_storable,
//   - selection values the version lacks show as their fallback (payment_state blocked before 18),
//   - the per-warehouse stock key is `warehouse` on 16/17 and `warehouse_id` on 18/19,
//   - JSON-RPC errors carry code 200 up to 18 and 0 on 19; JSON-2 exists only on 19.
import { ODOO_MODELS, type OdooModelSpec } from '../../connectors/odoo/mapping/models.ts';
import {
  canonicalFieldName, valueExists, JSON2_SINCE, locksWithState, ORDER_LOCK_STATE, PRODUCTION_LINK, SUPPORTED_ODOO_VERSIONS, VERSIONED_VALUES, warehouseContextKey, wireFieldName, wireValue,
  type OdooVersion,
} from '../../connectors/odoo/versions.ts';
import { odooErrors } from './errors.ts';

/** Odoo 18 unless ODOO_SANDBOX_VERSION says otherwise: the most deployed of the supported versions, and CI then covers 16, 18 and 19. */
export const SANDBOX_DEFAULT_VERSION: OdooVersion = 18;

/** The version a sandbox imitates when its options name none: ODOO_SANDBOX_VERSION ("16", "17.0", …) or the default. */
export function sandboxVersionFromEnv(env: Record<string, string | undefined> = process.env): OdooVersion {
  const raw = env.ODOO_SANDBOX_VERSION?.trim();
  return raw ? parseSandboxVersion(raw) : SANDBOX_DEFAULT_VERSION;
}

export function parseSandboxVersion(raw: string | number): OdooVersion {
  const major = typeof raw === 'number' ? raw : Number(/^(\d+)(?:\.\d+)?$/.exec(raw.trim())?.[1]);
  if (!(SUPPORTED_ODOO_VERSIONS as readonly number[]).includes(major)) {
    throw new Error(`ODOO_SANDBOX_VERSION must be one of ${SUPPORTED_ODOO_VERSIONS.join(', ')} (got ${JSON.stringify(raw)})`);
  }
  return major as OdooVersion;
}

/** The transports a server of this version answers on: JSON-2 from 19, JSON-RPC always. */
export function protocolsOf(v: OdooVersion): Array<'json2' | 'jsonrpc'> {
  return v >= JSON2_SINCE ? ['json2', 'jsonrpc'] : ['jsonrpc'];
}

/** The `server_version` string a packaged build of the version reports (facts §11: builds carry a suffix). */
export function serverVersionString(v: OdooVersion): string {
  return { 16: '16.0+e-20240621', 17: '17.0-20240709', 18: '18.0-20241127', 19: '19.0+e-20251227' }[v];
}

/** JSON-RPC `error.code` of an Odoo exception: 200 up to 18 ("totally arbitrary"), 0 on 19 (facts §12). */
export function rpcErrorCode(v: OdooVersion): number {
  return v >= 19 ? 0 : 200;
}

const MODELS = ODOO_MODELS as unknown as Record<string, OdooModelSpec>;
const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** 16/17 mirror `type` into detailed_type; storable goods are type 'product' there. */
const DETAILED_TYPE = 'detailed_type';

export class VersionedWire {
  constructor(
    readonly version: OdooVersion,
    /** The store's record by id (for answers whose form depends on another record). */
    private readonly lookup: (model: string, id: number) => Record<string, unknown> | undefined = () => undefined,
  ) {}

  /** odoo/models.py: "Invalid field %r on model %r" up to 18, "Invalid field %r on %r" on 19. */
  invalidField(model: string, field: string): Error {
    return odooErrors.value(this.version >= 19 ? `Invalid field '${field}' on '${model}'` : `Invalid field '${field}' on model '${model}'`);
  }

  /** The canonical name of a field the client named, or the version's ValueError. */
  private field(model: string, wire: string): string {
    if (wire === 'id') return wire;
    if (model === 'product.product' && wire === DETAILED_TYPE && this.version <= 17) return 'type';
    const canonical = canonicalFieldName(this.version, model, wire);
    if (!canonical || !MODELS[model]?.fields[canonical]) throw this.invalidField(model, wire);
    return canonical;
  }

  private path(model: string, wire: string): string {
    const out: string[] = [];
    let m: string | undefined = model;
    for (const seg of wire.split('.')) {
      if (!m) {
        out.push(seg);
        continue;
      }
      const canonical = canonicalFieldName(this.version, m, seg);
      if (!canonical || !MODELS[m]?.fields[canonical]) {
        throw odooErrors.value(`Invalid field ${m}.${seg} in leaf ${JSON.stringify(wire)}`);
      }
      out.push(canonical);
      m = MODELS[m]?.fields[canonical]?.relation;
    }
    return out.join('.');
  }

  private relation(model: string, canonicalPath: string[]): string | undefined {
    let m: string | undefined = model;
    for (const s of canonicalPath) m = m ? MODELS[m]?.fields[s]?.relation : undefined;
    return m;
  }

  // ------------------------------------------------------------ inbound (client → store)

  params(model: string, method: string, p: Record<string, unknown>): Record<string, unknown> {
    const out = { ...p };
    if (Array.isArray(p.fields) && (method === 'read' || method === 'search_read')) {
      const names = new Set((p.fields as unknown[]).map((f) => (typeof f === 'string' ? this.field(model, f) : f)));
      // The version's form of these fields depends on another stored field (dropped again on the way out).
      if (model === 'sale.order' && names.has('state') && locksWithState(this.version)) names.add('locked');
      if (model === 'product.product' && names.has('type') && this.version <= 17) names.add('is_storable');
      out.fields = [...names];
    }
    if (Array.isArray(p.fields) && method === 'read_group') {
      out.fields = (p.fields as unknown[]).map((f) => {
        if (typeof f !== 'string') return f;
        const m = /^(\w+)(:\w+)?$/.exec(f);
        return m && m[1] !== 'id' ? `${this.field(model, m[1]!)}${m[2] ?? ''}` : f;
      });
    }
    if ('domain' in p) out.domain = this.domain(model, p.domain);
    for (const k of ['order', 'orderby'] as const) if (typeof p[k] === 'string') out[k] = this.order(model, p[k] as string);
    if (Array.isArray(p.groupby)) out.groupby = (p.groupby as unknown[]).map((g) => (typeof g === 'string' && !g.includes(':') ? this.field(model, g) : g));
    if (Array.isArray(p.aggregates)) {
      out.aggregates = (p.aggregates as unknown[]).map((a) => {
        const m = typeof a === 'string' ? /^(\w+):(\w+)$/.exec(a) : null;
        return m && m[1] !== 'id' ? `${this.field(model, m[1]!)}:${m[2]}` : a;
      });
    }
    if (method === 'write' && isObj(p.vals)) out.vals = this.vals(model, p.vals);
    if (method === 'create') out.vals_list = Array.isArray(p.vals_list) ? p.vals_list.map((v) => (isObj(v) ? this.vals(model, v) : v)) : isObj(p.vals_list) ? this.vals(model, p.vals_list) : p.vals_list;
    return out;
  }

  private vals(model: string, vals: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vals)) {
      const canonical = this.field(model, k);
      // A selection value this version does not have (payment_state 'blocked' before 18).
      if (typeof v === 'string' && !valueExists(this.version, model, canonical, v)) throw odooErrors.value(`Wrong value for ${model}.${canonical}: '${v}'`);
      const relation = MODELS[model]?.fields[canonical]?.relation;
      if (relation && Array.isArray(v)) {
        out[canonical] = v.map((cmd) => (Array.isArray(cmd) && (cmd[0] === 0 || cmd[0] === 1) && isObj(cmd[2]) ? [cmd[0], cmd[1], this.vals(relation, cmd[2])] : cmd));
        continue;
      }
      if (model === 'sale.order' && canonical === 'state' && locksWithState(this.version) && v === ORDER_LOCK_STATE.state) {
        out.state = 'sale';
        out.locked = true;
      } else out[canonical] = v;
    }
    return out;
  }

  private order(model: string, order: string): string {
    return order
      .split(',')
      .map((part) => {
        const [f, ...rest] = part.trim().split(/\s+/);
        if (!f || !/^\w+$/.test(f)) return part.trim();
        return [this.field(model, f), ...rest].join(' ');
      })
      .join(', ');
  }

  private domain(model: string, domain: unknown): unknown {
    if (!Array.isArray(domain)) return domain;
    const out: unknown[] = [];
    for (const term of domain) {
      if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string') {
        out.push(term);
        continue;
      }
      const [wire, op, value] = term as [string, string, unknown];
      const canonical = this.path(model, wire);
      const segs = canonical.split('.');
      const last = segs.pop()!;
      const target = this.relation(model, segs);
      if (target === 'sale.order' && last === 'state' && locksWithState(this.version) && ['=', '!=', 'in', 'not in'].includes(op)) {
        out.push(...this.stateLeaf16(segs, op, value));
      } else out.push([canonical, op, value]);
    }
    return out;
  }

  /**
   * A 16 state leaf over the canonical store: each wire state the leaf accepts
   * becomes (state, locked), 'done' being a locked 'sale' — joined with '|' in
   * prefix notation so it stays one term of the enclosing domain.
   */
  private stateLeaf16(prefix: string[], op: string, value: unknown): unknown[] {
    const at = (f: string) => [...prefix, f].join('.');
    const wireStates = ['draft', 'sent', 'sale', ORDER_LOCK_STATE.state, 'cancel'];
    const listed = (Array.isArray(value) ? value : [value]).filter((x): x is string => typeof x === 'string');
    const accepted = op === '=' || op === 'in' ? listed : wireStates.filter((s) => !listed.includes(s));
    const terms: unknown[][] = accepted.map((s) =>
      s === ORDER_LOCK_STATE.state ? ['&', [at('state'), '=', 'sale'], [at('locked'), '=', true]]
      : s === 'sale' ? ['&', [at('state'), '=', 'sale'], [at('locked'), '=', false]]
      : [[at('state'), '=', s]],
    );
    if (!terms.length) return [['id', '=', 0]];
    return [...Array(terms.length - 1).fill('|'), ...terms.flat()];
  }

  /** The call context the store reads: the version's warehouse key becomes the store's `warehouse_id`; the other key is ignored, as Odoo ignores it. */
  context(context: unknown): unknown {
    if (!isObj(context)) return context;
    const key = warehouseContextKey(this.version);
    const { warehouse, warehouse_id, ...rest } = context;
    const chosen = key === 'warehouse' ? warehouse : warehouse_id;
    return chosen === undefined ? rest : { ...rest, warehouse_id: chosen };
  }

  // ------------------------------------------------------------ outbound (store → client)

  result(model: string, method: string, out: unknown): unknown {
    if (!Array.isArray(out)) {
      if (method === 'fields_get' && isObj(out)) return this.fieldsGet(model, out);
      return out;
    }
    if (method === 'read' || method === 'search_read') return this.readRecords(model, out);
    if (method === 'read_group' || method === 'formatted_read_group') return out.map((r) => (isObj(r) ? this.record(model, r) : r));
    return out;
  }

  /**
   * The records of a read, which the store renders afresh for this answer, all with the
   * same fields in the same order. When the version shows each of those fields under its
   * own name and with its own values, renaming would copy every record key by key into
   * the same object: the records keep their form and only finish() applies.
   */
  private readRecords(model: string, out: unknown[]): unknown[] {
    const first = out[0];
    if (!isObj(first) || !this.keepsForm(model, first)) return out.map((r) => (isObj(r) ? this.record(model, r) : r));
    const keys = Object.keys(first);
    const sameKeys = (r: Record<string, unknown>): boolean => {
      let i = 0;
      for (const k in r) if (k !== keys[i++]) return false;
      return i === keys.length;
    };
    return out.map((r) => (!isObj(r) ? r : sameKeys(r) ? this.finish(model, r, r) : this.record(model, r)));
  }

  /** Does record() give every key of the record under its own name with its value unchanged? */
  private keepsForm(model: string, rec: Record<string, unknown>): boolean {
    const fields = MODELS[model]?.fields;
    for (const k in rec) {
      if (fields && Object.prototype.hasOwnProperty.call(fields, k)) {
        const plan = this.fieldPlan(model, k);
        if (plan.wire !== k || plan.versioned) return false;
      } else if (MODELS[model]?.fields[k.split(':')[0]!]) return false;
    }
    return true;
  }

  /**
   * Per model and field, its wire name (null: the version lacks it) and whether its
   * values change with the version: worked out once per field, not per field and record.
   * Field names only (a bounded set); other keys (aggregates under client-chosen
   * aliases) take the general path in record().
   */
  private readonly fieldPlans = new Map<string, Map<string, { wire: string | null; versioned: boolean }>>();
  private fieldPlan(model: string, field: string): { wire: string | null; versioned: boolean } {
    let byField = this.fieldPlans.get(model);
    if (!byField) this.fieldPlans.set(model, (byField = new Map()));
    let plan = byField.get(field);
    if (!plan) {
      plan = { wire: wireFieldName(this.version, model, field) ?? null, versioned: Boolean(VERSIONED_VALUES[`${model}.${field}`]) };
      byField.set(field, plan);
    }
    return plan;
  }

  private record(model: string, rec: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const v = this.version;
    const fields = MODELS[model]?.fields;
    for (const k in rec) {
      const val = rec[k];
      if (fields && Object.prototype.hasOwnProperty.call(fields, k)) {
        const plan = this.fieldPlan(model, k);
        if (plan.wire !== null) out[plan.wire] = plan.versioned ? wireValue(v, model, k, val) : val;
        continue;
      }
      const head = k.split(':')[0]!;
      if (!MODELS[model]?.fields[head]) {
        out[k] = val; // id, __count, __domain, aggregates under their spec
        continue;
      }
      const wire = wireFieldName(v, model, head);
      if (!wire) continue;
      out[wire + k.slice(head.length)] = VERSIONED_VALUES[`${model}.${head}`] ? wireValue(v, model, head, val) : val;
    }
    return this.finish(model, out, rec);
  }

  /** What the version changes in a record beyond its fields' names and values (`out` may be `rec` itself). */
  private finish(model: string, out: Record<string, unknown>, rec: Record<string, unknown>): Record<string, unknown> {
    const v = this.version;
    if (model === 'sale.order' && locksWithState(v) && out.state === 'sale' && rec.locked === true) out.state = ORDER_LOCK_STATE.state;
    // 19's sale_mrp lists only non-cancelled MOs (facts §7); 16–18 list them all.
    if (model === 'sale.order' && v >= PRODUCTION_LINK.hidesCancelledSince && Array.isArray(out.mrp_production_ids)) {
      out.mrp_production_ids = (out.mrp_production_ids as number[]).filter((id) => this.lookup('mrp.production', id)?.state !== 'cancel');
    }
    if (model === 'product.product' && v <= 17 && 'type' in out) {
      if (out.type === 'consu' && rec.is_storable === true) out.type = 'product';
      out[DETAILED_TYPE] = out.type;
    }
    return out;
  }

  private fieldsGet(model: string, fields: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, desc] of Object.entries(fields)) {
      const wire = wireFieldName(this.version, model, k);
      if (wire) out[wire] = desc;
    }
    return out;
  }
}
