// Every mutation input is parsed with zod before anything reaches a backend:
// wrong types, unknown fields, out-of-range numbers, malformed dates, over-long
// or unsafe text are BAD_USER_INPUT naming the field (`input.lines[2].discount`).
import { z } from 'zod';
import { appError } from '../../policy/errors.ts';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from '../../store/index.ts';
import { ACCOUNT_SEGMENTS, INCOTERMS, LIFECYCLE_STAGES, QUOTE_STATUS_INPUTS } from '../../policy/vocabulary.ts';

/** Free text that goes into another system: printable, no markup, no control characters. */
export function safeText(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')
    .refine((s) => !/[<>]/.test(s), 'must not contain markup (< or >)');
}

const isoDate = z.iso.date('must be a date YYYY-MM-DD');
const numericId = z.string().regex(/^[0-9]{1,18}$/, 'must be a numeric id');
const money = z.number().finite().min(0, 'must not be negative').max(1e12, 'is too large');
const percent = z.number().finite().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');

export const idempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE);

export const accountUpdateSchema = z
  .strictObject({
    name: safeText(200),
    website: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(255),
    domain: z.string().max(253).regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name'),
    industry: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be a HubSpot industry value, e.g. MACHINERY'),
    segment: z.enum(ACCOUNT_SEGMENTS),
    phone: z.string().max(40).regex(/^\+?[0-9 ()./-]{4,40}$/, 'must be a phone number'),
    owner: numericId,
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    taxId: z.string().regex(/^[A-Z]{2}[A-Z0-9]{2,13}$/, 'must be a VAT number, e.g. DE123456789'),
    paymentTerms: numericId,
    pricelist: numericId,
    creditLimit: money,
    // Read-only fields: shield refuses them before this runs; kept so the parser knows them.
    currency: z.string(),
    openReceivable: z.number(),
    creditHold: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');

export const deliveryDateSchema = z.strictObject({
  orderId: z.string().min(1).max(200),
  date: isoDate,
  reason: safeText(500),
  idempotencyKey: idempotencyKeySchema,
});

const quoteLineSchema = z.strictObject({
  sku: z.string().regex(/^[A-Za-z0-9._/-]{1,64}$/, 'must be a product code'),
  quantity: z.number().finite().positive('must be greater than 0').max(100_000, 'must be at most 100000'),
  unitPrice: money,
  discount: percent.default(0),
});

export const quoteCreateSchema = z.strictObject({
  account: z.string().min(1).max(200),
  title: safeText(200),
  currency: z.enum(['EUR', 'USD'], 'must be a currency of the companies (EUR, USD)'),
  validUntil: isoDate,
  requestedDeliveryDate: isoDate.nullish(),
  incoterm: z.enum(INCOTERMS, 'must be an Incoterms 2020 code').nullish(),
  lines: z.array(quoteLineSchema).min(1, 'must have at least one line').max(50, 'must have at most 50 lines'),
  deal: z.string().min(1).max(200).nullish(),
  contact: z.string().min(1).max(200).nullish(),
});

export const quoteRejectionSchema = z.strictObject({ reason: safeText(500) });

export const quoteUpdateSchema = z
  .strictObject({
    title: safeText(200),
    validUntil: isoDate,
    requestedDeliveryDate: isoDate,
    incoterm: z.enum(INCOTERMS, 'must be an Incoterms 2020 code'),
    status: z.enum(QUOTE_STATUS_INPUTS),
    lines: z.array(quoteLineSchema).min(1, 'must have at least one line').max(50, 'must have at most 50 lines'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');

/** `input.lines.2.discount` → `input.lines[2].discount` */
function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** Parses or throws BAD_USER_INPUT naming the first offending field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
  const field = fieldPath(prefix, keys.length ? [...issue.path, keys[0]!] : issue.path);
  const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  throw appError('BAD_USER_INPUT', `${field} ${message}`, { field });
}
