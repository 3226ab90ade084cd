// Typed, validated Odoo records. One zod schema per model of the data contract
// (models.ts — pure data, shared by the connector and the sandbox),
// covering every field listed there; values are normalised by values.ts and the
// records KEEP Odoo's field names:
//
//   { id: 42, name: 'S00042', state: 'sale', partner_id: { id: 7, name: 'Acme' },
//     commitment_date: '2026-03-01T08:00:00Z' | null, order_line: [1, 2] }
//
// Types (exported):
//   OdooRecord<M>          every field of model M, normalised (e.g. OdooRecord<'sale.order'>)
//   OdooRecordPick<M, F>   `id` plus the fields F you asked for — what parseRecords returns
//   FieldName<M>           the field names of M;  FieldValue<Spec>  one field's normalised type
//   Many2one               { id: number; name: string }
//   Named aliases: Currency, Company, User, PaymentTerm, Pricelist, Incoterm, Uom, Warehouse,
//     Carrier, Partner, Product, SaleOrder, SaleOrderLine, Picking, StockMove, Production, AccountMove
//
// A record that does not fit throws AppError MAPPING_ERROR with details.model,
// details.recordId and details.field — never a crash, never a silently wrong value.
// safeParseRecords returns the good rows plus one typed error per bad row.
import { z } from 'zod';
import { ODOO_MODELS, type OdooFieldSpec, type OdooModelName } from './models.ts';
import { appError, type AppError } from '../../../policy/errors.ts';
import type { RawRecord } from '../odoo-client.ts';
import { normalizeField, ValueShapeError, type Many2one } from './values.ts';

export type { Many2one } from './values.ts';

type Models = typeof ODOO_MODELS;
type FieldsOf<M extends OdooModelName> = Models[M]['fields'];
export type FieldName<M extends OdooModelName> = Extract<keyof FieldsOf<M>, string>;

type SelectionKey<F> = F extends { selection: ReadonlyArray<readonly [infer K, string]> } ? K : string;

/** The normalised TypeScript type of one field spec. */
export type FieldValue<F> = F extends { type: 'many2one' }
  ? Many2one | null
  : F extends { type: 'one2many' | 'many2many' }
    ? number[]
    : F extends { type: 'boolean' }
      ? boolean
      : F extends { type: 'integer' | 'float' | 'monetary' }
        ? number | null
        : F extends { type: 'selection' }
          ? SelectionKey<F> | null
          : string | null;

export type OdooRecord<M extends OdooModelName> = { id: number } & {
  -readonly [K in Exclude<FieldName<M>, 'id'>]: FieldValue<FieldsOf<M>[K]>;
};

export type OdooRecordPick<M extends OdooModelName, F extends FieldName<M>> = { id: number } & {
  -readonly [K in Exclude<F, 'id'>]: FieldValue<FieldsOf<M>[K]>;
};

export type Currency = OdooRecord<'res.currency'>;
export type Company = OdooRecord<'res.company'>;
export type User = OdooRecord<'res.users'>;
export type PaymentTerm = OdooRecord<'account.payment.term'>;
export type Pricelist = OdooRecord<'product.pricelist'>;
export type Incoterm = OdooRecord<'account.incoterms'>;
export type Uom = OdooRecord<'uom.uom'>;
export type Warehouse = OdooRecord<'stock.warehouse'>;
export type Carrier = OdooRecord<'delivery.carrier'>;
export type Partner = OdooRecord<'res.partner'>;
export type Product = OdooRecord<'product.product'>;
export type SaleOrder = OdooRecord<'sale.order'>;
export type SaleOrderLine = OdooRecord<'sale.order.line'>;
export type Picking = OdooRecord<'stock.picking'>;
export type StockMove = OdooRecord<'stock.move'>;
export type Production = OdooRecord<'mrp.production'>;
export type AccountMove = OdooRecord<'account.move'>;

// ---------------------------------------------------------------- schemas

const MODEL_SPECS = ODOO_MODELS as unknown as Record<string, { fields: Record<string, OdooFieldSpec> }>;

/** One field's value, normalised; throws ValueShapeError when it does not fit. */
function normalizeRecordField(spec: OdooFieldSpec, fname: string, v: unknown): unknown {
  if (fname === 'id') {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueShapeError(`expected a positive integer id, got ${JSON.stringify(v)}`);
    return v;
  }
  return normalizeField(spec, v);
}

function fieldSchema(spec: OdooFieldSpec, fname: string) {
  return z.unknown().transform((v, ctx) => {
    try {
      return normalizeRecordField(spec, fname, v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof ValueShapeError ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

function buildSchema(model: string) {
  const shape: Record<string, ReturnType<typeof fieldSchema>> = {};
  for (const [fname, spec] of Object.entries(MODEL_SPECS[model]!.fields)) shape[fname] = fieldSchema(spec, fname);
  return z.object(shape);
}

/** One zod schema per model, every field of models.ts; `.pick()` them for partial reads. */
export const RECORD_SCHEMAS = Object.fromEntries(Object.keys(ODOO_MODELS).map((m) => [m, buildSchema(m)])) as Record<
  OdooModelName,
  ReturnType<typeof buildSchema>
>;

/**
 * A picked schema and, for the common case, the same normalisers run directly: a
 * record whose every value fits is built without zod's per-field machinery (a BI page
 * reads thousands of values); a record with a value that does not fit goes through
 * the zod schema, which names the field and the reason.
 */
interface PickedSchema {
  schema: z.ZodType;
  fast: (raw: Record<string, unknown>) => Record<string, unknown> | undefined;
}

function fastPath(model: OdooModelName, names: readonly string[]): PickedSchema['fast'] {
  // The schema's own key order (pick keeps the model's), so both paths build the same object.
  const ordered = Object.keys(MODEL_SPECS[model]!.fields).filter((f) => names.includes(f));
  const specs = ordered.map((f) => MODEL_SPECS[model]!.fields[f]!);
  return (raw) => {
    const out: Record<string, unknown> = {};
    try {
      for (let i = 0; i < ordered.length; i++) out[ordered[i]!] = normalizeRecordField(specs[i]!, ordered[i]!, raw[ordered[i]!]);
    } catch {
      return undefined;
    }
    return out;
  };
}

const pickCache = new Map<string, PickedSchema>();
function schemaFor(model: OdooModelName, fields: readonly string[]): { schema: PickedSchema; names: string[] } {
  const spec = MODEL_SPECS[model];
  if (!spec) throw appError('MAPPING_ERROR', `Unknown Odoo model ${model}`, { system: 'odoo', model });
  const names = [...new Set(['id', ...fields])];
  for (const f of names) {
    if (!spec.fields[f]) throw appError('MAPPING_ERROR', `Field ${f} is not part of the ${model} mapping`, { system: 'odoo', model, field: f });
  }
  const key = `${model}|${names.join(',')}`;
  let schema = pickCache.get(key);
  if (!schema) {
    schema = { schema: RECORD_SCHEMAS[model].pick(Object.fromEntries(names.map((n) => [n, true])) as Record<string, true>), fast: fastPath(model, names) };
    pickCache.set(key, schema);
  }
  return { schema, names };
}

function recordIdOf(raw: unknown): number | string | undefined {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' || typeof id === 'string') return id;
  }
  return undefined;
}

function parseOne(model: OdooModelName, picked: PickedSchema, raw: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; error: AppError } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, error: appError('MAPPING_ERROR', `Odoo ${model} answer holds a non-record (no field id): ${String(JSON.stringify(raw)).slice(0, 60)}`, { system: 'odoo', model, recordId: recordIdOf(raw), field: 'id' }) };
  }
  const fast = picked.fast(raw as Record<string, unknown>);
  if (fast) return { ok: true, value: fast };
  const recordId = recordIdOf(raw);
  const result = picked.schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data as Record<string, unknown> };
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? 'id');
  return {
    ok: false,
    error: appError('MAPPING_ERROR', `Odoo ${model} record ${recordId ?? '?'}: field ${field} ${issue.message}`, {
      system: 'odoo',
      model,
      recordId,
      field,
      reason: issue.message,
    }),
  };
}

/**
 * Validate and normalise records read from Odoo. Only `fields` (plus `id`) are
 * checked and returned. Throws AppError MAPPING_ERROR on the first record that
 * does not fit (details: model, recordId, field).
 */
export function parseRecords<M extends OdooModelName, F extends FieldName<M>>(model: M, raws: readonly RawRecord[] | readonly unknown[], fields: readonly F[]): Array<OdooRecordPick<M, F>>;
export function parseRecords(model: OdooModelName, raws: readonly RawRecord[] | readonly unknown[], fields: readonly string[]): Array<{ id: number } & Record<string, unknown>>;
export function parseRecords(model: OdooModelName, raws: readonly unknown[], fields: readonly string[]): Array<{ id: number } & Record<string, unknown>> {
  const { schema } = schemaFor(model, fields);
  return raws.map((raw) => {
    const r = parseOne(model, schema, raw);
    if (!r.ok) throw r.error;
    return r.value as { id: number } & Record<string, unknown>;
  });
}

/** One record; same rules as parseRecords. */
export function parseRecord<M extends OdooModelName, F extends FieldName<M>>(model: M, raw: RawRecord | unknown, fields: readonly F[]): OdooRecordPick<M, F> {
  return parseRecords(model, [raw], fields)[0]!;
}

/**
 * Non-throwing variant: the records that fit, in order, plus one MAPPING_ERROR per
 * record that does not — so a list can return its good rows and typed errors.
 * (An unknown model or field name is a programming error and still throws.)
 */
export function safeParseRecords<M extends OdooModelName, F extends FieldName<M>>(
  model: M,
  raws: readonly RawRecord[] | readonly unknown[],
  fields: readonly F[],
): { ok: Array<OdooRecordPick<M, F>>; errors: AppError[] };
export function safeParseRecords(model: OdooModelName, raws: readonly RawRecord[] | readonly unknown[], fields: readonly string[]): { ok: Array<{ id: number } & Record<string, unknown>>; errors: AppError[] };
export function safeParseRecords(model: OdooModelName, raws: readonly unknown[], fields: readonly string[]): { ok: Array<{ id: number } & Record<string, unknown>>; errors: AppError[] } {
  const { schema } = schemaFor(model, fields);
  const ok: Array<{ id: number } & Record<string, unknown>> = [];
  const errors: AppError[] = [];
  for (const raw of raws) {
    const r = parseOne(model, schema, raw);
    if (r.ok) ok.push(r.value as { id: number } & Record<string, unknown>);
    else errors.push(r.error);
  }
  return { ok, errors };
}
