// HubSpot objects → typed, normalised records that keep HubSpot's property names.
//   { id: '123', name: 'Acme', odoo_partner_id: 42 | null, lifecyclestage: 'customer' | null,
//     hs_lastmodifieddate: '2026-01-10T10:36:45.123Z' | null, …, createdAt, updatedAt, archived }
// A property that is absent (not requested), null or '' becomes null. Numbers are
// parsed, dates become YYYY-MM-DD, datetimes ISO instants (UTC, ms), booleans
// true/false, enumerations are checked against their verified values. A record that
// does not fit is a typed MAPPING_ERROR naming object type, id and property.
import { z } from 'zod';
import { withUnreadable, type HubSpotObjectType } from './objects.ts';
import { appError, type AppError } from '../../../../policy/errors.ts';
import {
  isBlank,
  parseBool,
  parseCurrency,
  parseDate,
  parseDatetime,
  parseEnum,
  parseHubSpotId,
  parseNumber,
  parsePositiveInteger,
  ValueError,
} from './values.ts';
import { COMPANY_SEGMENT, INCOTERM_VALUES, LIFECYCLE_STAGE, QUOTE_STATUS } from '../canonical.ts';

/**
 * Quote states (hs_status) as HubSpot's quotes API documents them: DRAFT (editable),
 * APPROVAL_NOT_NEEDED (published without approval), PENDING_APPROVAL, APPROVED
 * (approved and published), REJECTED (must be edited before re-submission).
 */
export const QUOTE_STATUSES = Object.keys(QUOTE_STATUS) as Array<keyof typeof QUOTE_STATUS>;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/** HubSpot's default lifecycle stages; portals can add custom stages, which HubSpot identifies by numeric id. */
export const LIFECYCLE_STAGES = Object.keys(LIFECYCLE_STAGE) as Array<keyof typeof LIFECYCLE_STAGE>;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number] | `custom:${string}`;

/** The portal's custom `segment` enumeration on companies. */
export const COMPANY_SEGMENTS = Object.keys(COMPANY_SEGMENT) as Array<keyof typeof COMPANY_SEGMENT>;
export type CompanySegment = (typeof COMPANY_SEGMENTS)[number];

/** Incoterms 2020, the values of the custom `incoterm` property on quotes. */
export const INCOTERMS = INCOTERM_VALUES;
export type Incoterm = (typeof INCOTERMS)[number];

/** A property's value read directly (the fast path of recordSchema); undefined when it does not fit. */
type PropertyRead = (v: unknown) => unknown;
const UNFIT = Symbol('does not fit');

/** A property: string | null | '' on the wire (anything else is an error), parsed when present. */
function prop<T>(parse: (raw: string) => T) {
  const schema = z.unknown().transform((v, ctx): T | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') {
      ctx.addIssue({ code: 'custom', message: `must be a string or null (HubSpot sends every property as a string), got ${typeof v}`, input: v });
      return z.NEVER;
    }
    if (isBlank(v)) return null;
    try {
      return parse(v);
    } catch (e) {
      if (e instanceof ValueError) {
        ctx.addIssue({ code: 'custom', message: e.message, input: v });
        return z.NEVER;
      }
      throw e;
    }
  }).default(null); // an absent key (property not requested) is null too
  // The same rule without zod's per-value machinery; UNFIT sends the record through the schema for its issue.
  const read: PropertyRead = (v) => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return UNFIT;
    // A value starting with a visible ASCII character is not blank: no trim for the common case.
    const first = v.length === 0 ? 0 : v.charCodeAt(0);
    if (!(first > 32 && first < 127) && isBlank(v)) return null;
    return parse(v);
  };
  return Object.assign(schema, { read });
}

const text = prop((s) => s.trim());
const num = prop(parseNumber);
const odooId = prop(parsePositiveInteger);
const hsId = prop(parseHubSpotId);
const bool = prop(parseBool);
const date = prop(parseDate);
const datetime = prop(parseDatetime);
const currency = prop(parseCurrency);
const lifecycle = prop((s): LifecycleStage => (/^\d+$/.test(s.trim()) ? `custom:${s.trim()}` : parseEnum(LIFECYCLE_STAGES, s)));
const segment = prop((s) => parseEnum(COMPANY_SEGMENTS, s));
const quoteStatus = prop((s) => parseEnum(QUOTE_STATUSES, s));
const incoterm = prop((s) => parseEnum(INCOTERMS, s.toUpperCase()));

const instant = z.string().transform((v, ctx) => {
  try {
    return parseDatetime(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message, input: v });
    return z.NEVER;
  }
});

const NUMERIC_ID = /^\d+$/;

/**
 * The record of an object whose every value fits, built by the properties' own
 * readers (prop); undefined for anything else, which the zod schema then parses
 * for its typed issue. Same output as the schema: id, instants, archived, then
 * the declared properties in their order; undeclared keys are left out.
 */
function fastRecord(properties: Record<string, { read: PropertyRead }>) {
  // Names and readers in two arrays, walked by index: the schema's plan, made once per object type.
  const names = Object.keys(properties);
  const readers = names.map((name) => properties[name]!.read);
  const count = names.length;
  const datetimeOf = parseDatetime;
  return (o: unknown): Record<string, unknown> | undefined => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
    const { id, properties: props, createdAt, updatedAt, archived } = o as Record<string, unknown>;
    if (typeof id !== 'string' || !NUMERIC_ID.test(id) || typeof createdAt !== 'string' || typeof updatedAt !== 'string') return undefined;
    if (!props || typeof props !== 'object' || Array.isArray(props)) return undefined;
    if (archived !== undefined && typeof archived !== 'boolean') return undefined;
    try {
      const out: Record<string, unknown> = { id, createdAt: datetimeOf(createdAt), updatedAt: datetimeOf(updatedAt), archived: archived ?? false };
      for (let i = 0; i < count; i++) {
        const name = names[i]!;
        const value = readers[i]!((props as Record<string, unknown>)[name]);
        if (value === UNFIT) return undefined;
        out[name] = value;
      }
      if (out.hs_object_id != null && out.hs_object_id !== id) return undefined;
      return out;
    } catch {
      return undefined;
    }
  };
}

function recordSchema<P extends Record<string, ReturnType<typeof prop>>>(properties: P) {
  const schema = z
    .object({
      id: z.string().regex(NUMERIC_ID, 'must be a numeric string'),
      properties: z.object(properties),
      createdAt: instant,
      updatedAt: instant,
      archived: z.boolean().default(false),
    })
    .superRefine((o, ctx) => {
      const own = (o.properties as { hs_object_id?: string | null }).hs_object_id;
      if (own != null && own !== o.id) {
        ctx.addIssue({ code: 'custom', path: ['properties', 'hs_object_id'], message: `is ${own} but the object id is ${o.id}`, input: own });
      }
    })
    .transform(({ properties, ...rest }) => ({ ...rest, ...properties }) as typeof rest & z.output<z.ZodObject<P>>);
  return Object.assign(schema, { fast: fastRecord(properties) });
}

export const companyRecordSchema = recordSchema({
  name: text,
  domain: text,
  website: text,
  industry: text,
  phone: text,
  city: text,
  country: text,
  hubspot_owner_id: hsId,
  lifecyclestage: lifecycle,
  segment,
  odoo_partner_id: odooId,
  odoo_tax_id: text,
  createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export const contactRecordSchema = recordSchema({
  firstname: text,
  lastname: text,
  email: text,
  phone: text,
  jobtitle: text,
  associatedcompanyid: hsId,
  createdate: datetime,
  lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export const dealRecordSchema = recordSchema({
  dealname: text,
  dealstage: text,
  pipeline: text,
  amount: num,
  closedate: datetime,
  hubspot_owner_id: hsId,
  deal_currency_code: currency,
  hs_is_closed: bool,
  hs_is_closed_won: bool,
  createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export const quoteRecordSchema = recordSchema({
  hs_title: text,
  hs_status: quoteStatus,
  hs_expiration_date: date,
  hs_currency: currency,
  hs_quote_amount: num,
  hubspot_owner_id: hsId,
  quote_number: text,
  requested_delivery_date: date,
  incoterm,
  odoo_order_id: odooId,
  odoo_order_ref: text,
  approved_discount_limit: num,
  hs_esign_enabled: bool,
  hs_createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export const lineItemRecordSchema = recordSchema({
  name: text,
  quantity: num,
  price: num,
  hs_discount_percentage: num,
  discount: num,
  hs_sku: text,
  hs_product_id: hsId,
  amount: num,
  createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export const productRecordSchema = recordSchema({
  name: text,
  hs_sku: text,
  price: num,
  description: text,
  odoo_product_id: odooId,
  odoo_uom: text,
  odoo_lead_time_days: num,
  createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

/** A quote template (`quote_template`): what a quote is rendered with; made in the portal, read through the API. */
export const quoteTemplateRecordSchema = recordSchema({
  hs_name: text,
  hs_active: bool,
  hs_createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

/** A timeline note (engagement): the sync engine's milestone notes on deals and companies. */
export const noteRecordSchema = recordSchema({
  hs_note_body: text,
  hs_timestamp: datetime,
  hubspot_owner_id: hsId,
  hs_createdate: datetime,
  hs_lastmodifieddate: datetime,
  hs_object_id: hsId,
});

export type HubSpotCompany = z.output<typeof companyRecordSchema>;
export type HubSpotContact = z.output<typeof contactRecordSchema>;
export type HubSpotDeal = z.output<typeof dealRecordSchema>;
export type HubSpotQuote = z.output<typeof quoteRecordSchema>;
export type HubSpotLineItem = z.output<typeof lineItemRecordSchema>;
export type HubSpotProduct = z.output<typeof productRecordSchema>;
export type HubSpotQuoteTemplate = z.output<typeof quoteTemplateRecordSchema>;
export type HubSpotNote = z.output<typeof noteRecordSchema>;

export interface HubSpotRecordByType {
  companies: HubSpotCompany;
  contacts: HubSpotContact;
  deals: HubSpotDeal;
  quotes: HubSpotQuote;
  line_items: HubSpotLineItem;
  products: HubSpotProduct;
  quote_template: HubSpotQuoteTemplate;
  notes: HubSpotNote;
}
export type HubSpotRecord = HubSpotRecordByType[HubSpotObjectType];

export const HUBSPOT_RECORD_SCHEMAS = {
  companies: companyRecordSchema,
  contacts: contactRecordSchema,
  deals: dealRecordSchema,
  quotes: quoteRecordSchema,
  line_items: lineItemRecordSchema,
  products: productRecordSchema,
  quote_template: quoteTemplateRecordSchema,
  notes: noteRecordSchema,
} as const satisfies Record<HubSpotObjectType, z.ZodType>;

function mappingError(type: HubSpotObjectType, raw: unknown, error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  const field = path[0] === 'properties' && path.length > 1 ? path[1]! : path[0] ?? '(object)';
  const id = (raw as { id?: unknown } | null | undefined)?.id;
  const recordId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  const message = issue.code === 'invalid_type' && path.length <= 1 ? `${field}: ${issue.message}` : `${field} ${issue.message}`;
  return appError('MAPPING_ERROR', `HubSpot ${type} ${recordId ?? '(without id)'}: ${message}`, {
    system: 'hubspot',
    model: type,
    ...(recordId !== undefined ? { recordId } : {}),
    field,
    issues: error.issues.length,
  });
}

/** One object → its typed record; throws AppError MAPPING_ERROR. */
export function parseObject<T extends HubSpotObjectType>(type: T, raw: unknown): HubSpotRecordByType[T] {
  const object = withUnreadable(raw);
  const fast = HUBSPOT_RECORD_SCHEMAS[type].fast(object);
  if (fast) return fast as HubSpotRecordByType[T];
  const schema = HUBSPOT_RECORD_SCHEMAS[type] as unknown as z.ZodType<HubSpotRecordByType[T]>;
  const r = schema.safeParse(object);
  if (!r.success) throw mappingError(type, object, r.error);
  return r.data;
}

/** Objects → typed records; the first object that does not fit throws AppError MAPPING_ERROR. */
export function parseObjects<T extends HubSpotObjectType>(type: T, objects: readonly unknown[]): HubSpotRecordByType[T][] {
  return objects.map((o) => parseObject(type, o));
}

/** Objects → the records that fit, and one MAPPING_ERROR per object that does not (never throws). */
export function safeParseObjects<T extends HubSpotObjectType>(type: T, objects: readonly unknown[]): { ok: HubSpotRecordByType[T][]; errors: AppError[] } {
  const schema = HUBSPOT_RECORD_SCHEMAS[type] as unknown as z.ZodType<HubSpotRecordByType[T]>;
  const ok: HubSpotRecordByType[T][] = [];
  const errors: AppError[] = [];
  const fastRead = HUBSPOT_RECORD_SCHEMAS[type].fast;
  for (const raw of objects) {
    const o = withUnreadable(raw);
    const fast = fastRead(o);
    if (fast) {
      ok.push(fast as HubSpotRecordByType[T]);
      continue;
    }
    const r = schema.safeParse(o);
    if (r.success) ok.push(r.data);
    else errors.push(mappingError(type, o, r.error));
  }
  return { ok, errors };
}
