// The HubSpot wire payloads the connector accepts, validated with zod at the
// boundary. Envelopes that do not parse are BACKEND_PROTOCOL; an object inside a
// valid envelope without a numeric-string id or its timestamps is MAPPING_ERROR naming
// the object. A property value that is not a string or null (HubSpot sends every
// property as a string) costs that property only: it is set aside in `unreadable`, and
// the mapping fails the field it feeds with MAPPING_ERROR — never the object's page
// (mapping/objects.ts withUnreadable).
import { z } from 'zod';
import type { HubSpotObject, HubSpotObjectType, HubSpotOwner } from './mapping/objects.ts';
import { appError, type AppError } from '../../../policy/errors.ts';
import { isParsableInstant } from './mapping/values.ts';

const NUMERIC_ID = /^\d+$/;
const numericId = z.string().regex(NUMERIC_ID, 'must be a numeric string');
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 instant');

export const wireObjectSchema = z.object({
  id: numericId,
  properties: z.record(z.string(), z.unknown()),
  createdAt: instant,
  updatedAt: instant,
  archived: z.boolean().default(false),
  archivedAt: instant.optional(),
});

const pagingSchema = z
  .object({ next: z.object({ after: z.union([z.string(), z.number()]).transform(String) }).optional() })
  .optional();

export const collectionSchema = z.object({ results: z.array(z.unknown()), paging: pagingSchema });
export const searchCollectionSchema = z.object({ total: z.number().int().nonnegative(), results: z.array(z.unknown()), paging: pagingSchema });
export const batchSchema = z.object({
  status: z.string(),
  results: z.array(z.unknown()),
  numErrors: z.number().optional(),
  errors: z.array(z.unknown()).optional(),
});

export const batchErrorSchema = z.object({
  category: z.string().optional(),
  subCategory: z.string().optional(),
  message: z.string().optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
}).loose();

export const associationBatchSchema = z.object({
  status: z.string(),
  results: z.array(
    z.object({
      from: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      to: z.array(
        z.object({
          toObjectId: z.union([z.number().int().nonnegative(), numericId]).transform(String),
          associationTypes: z.array(z.object({ category: z.string(), typeId: z.number().int(), label: z.string().nullable().optional() })).optional(),
        }),
      ),
      paging: pagingSchema,
    }),
  ),
  numErrors: z.number().optional(),
  errors: z.array(batchErrorSchema).optional(),
});

/**
 * The ids of a v3 object answer's association listing for one type (`?associations=`:
 * `{ results: [{ id, type }], paging? }`), or undefined when it is paged (past 100 ids)
 * or not of that shape: then the v4 association read decides.
 */
export function completeAssociationIds(listing: unknown): string[] | undefined {
  if (typeof listing !== 'object' || listing === null) return undefined;
  const { results, paging } = listing as { results?: unknown; paging?: { next?: unknown } | null };
  if (!Array.isArray(results) || (paging != null && (typeof paging !== 'object' || paging.next !== undefined))) return undefined;
  const ids: string[] = [];
  for (const r of results as Array<{ id?: unknown; type?: unknown } | null>) {
    const id = r?.id;
    if (typeof id === 'string' && NUMERIC_ID.test(id)) ids.push(id);
    else if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) ids.push(String(id));
    else return undefined;
    if (r!.type !== undefined && typeof r!.type !== 'string') return undefined;
  }
  return ids;
}

export const defaultAssociationSchema = z.object({ status: z.string(), results: z.array(z.unknown()) });

export const ownerSchema = z.object({
  id: numericId,
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  userId: z.number().int().nullish(),
  archived: z.boolean().default(false),
});
export const ownersPageSchema = z.object({ results: z.array(ownerSchema), paging: pagingSchema });

/** HubSpot's error envelope (all fields optional: 5xx from the edge may be HTML, 404s may be empty). */
export const errorBodySchema = z
  .object({
    status: z.string().optional(),
    message: z.string().optional(),
    correlationId: z.string().optional(),
    category: z.string().optional(),
    subCategory: z.string().optional(),
    errorType: z.string().optional(),
    policyName: z.string().optional(),
    errors: z.array(z.unknown()).optional(),
    context: z.unknown().optional(),
  })
  .loose();
export type HubSpotErrorBody = z.infer<typeof errorBodySchema>;

/** Parse an envelope; a mismatch is BACKEND_PROTOCOL. */
export function parseEnvelope<S extends z.ZodType>(schema: S, json: unknown, what: string, details: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw appError('BACKEND_PROTOCOL', `HubSpot answered ${what} in an unexpected shape: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim(), {
      system: 'hubspot',
      ...details,
      field: issue ? issue.path.map(String).join('.') : undefined,
    });
  }
  return r.data;
}

function objectError(type: HubSpotObjectType, raw: unknown, error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  // ['properties', 'name'] → the property; ['id'] → id; ['createdAt'] → createdAt.
  const field = path[0] === 'properties' && path.length > 1 ? path[1]! : (path[0] ?? '(object)');
  const id = (raw as { id?: unknown } | null)?.id;
  const recordId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  return appError('MAPPING_ERROR', `HubSpot ${type} ${recordId ?? '(no id)'}: ${field} ${issue.message}`, {
    system: 'hubspot',
    model: type,
    ...(recordId !== undefined ? { recordId } : {}),
    field,
  });
}

const isInstant = (v: unknown): v is string => typeof v === 'string' && isParsableInstant(v);

/**
 * wireObjectSchema's rules checked by hand for the common case, an object that keeps
 * HubSpot's contract (zod's generic walk was most of the connector's parsing CPU per
 * call, issue 13); anything else goes to the schema, which decides and names the fault.
 */
function fitsWireObject(raw: unknown): raw is { id: string; properties: Record<string, unknown>; createdAt: string; updatedAt: string; archived?: boolean; archivedAt?: string } {
  if (typeof raw !== 'object' || raw === null) return false;
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !NUMERIC_ID.test(o.id)) return false;
  const props = o.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return false;
  if (!isInstant(o.createdAt) || !isInstant(o.updatedAt)) return false;
  if (o.archived !== undefined && typeof o.archived !== 'boolean') return false;
  return o.archivedAt === undefined || isInstant(o.archivedAt);
}

/** Validate one HubSpot object (throws MAPPING_ERROR naming type, id and field). */
export function parseWireObject(type: HubSpotObjectType, raw: unknown): HubSpotObject {
  let fields: { id: string; properties: Record<string, unknown>; createdAt: string; updatedAt: string; archived?: boolean; archivedAt?: string };
  if (fitsWireObject(raw)) fields = raw;
  else {
    const r = wireObjectSchema.safeParse(raw);
    if (!r.success) throw objectError(type, raw, r.error);
    fields = r.data;
  }
  const { id, createdAt, updatedAt, archived = false, archivedAt } = fields;
  const { properties, unreadable } = splitProperties(fields.properties);
  const object: HubSpotObject = archivedAt ? { id, properties, createdAt, updatedAt, archived, archivedAt } : { id, properties, createdAt, updatedAt, archived };
  if (unreadable) object.unreadable = unreadable;
  return object;
}

/** The string-or-null properties, and the others set aside (undefined when there are none: the common case copies nothing). */
function splitProperties(props: Record<string, unknown>): { properties: Record<string, string | null>; unreadable?: Record<string, unknown> } {
  let unreadable: Record<string, unknown> | undefined;
  for (const key in props) {
    const v = props[key];
    if (v !== null && typeof v !== 'string') (unreadable ??= {})[key] = v;
  }
  if (!unreadable) return { properties: props as Record<string, string | null> };
  const properties: Record<string, string | null> = {};
  for (const key in props) if (!(key in unreadable)) properties[key] = props[key] as string | null;
  return { properties, unreadable };
}


export function parseWireObjects(type: HubSpotObjectType, raws: unknown[]): HubSpotObject[] {
  return raws.map((r) => parseWireObject(type, r));
}

export function toOwner(o: z.output<typeof ownerSchema>): HubSpotOwner {
  return {
    id: o.id,
    email: o.email ?? '',
    firstName: o.firstName ?? '',
    lastName: o.lastName ?? '',
    userId: o.userId ?? 0,
    archived: o.archived,
  };
}
