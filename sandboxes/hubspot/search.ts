// CRM search as HubSpot evaluates it: filter groups OR'd, filters inside a group
// AND'd, the limits of the 2024 search API (5 groups, 10 filters a group, 25 in
// total), `limit` ≤ 200, offset paging capped at 10,000 results.
import { HUBSPOT_PROPERTY_TYPES, type HubSpotObjectType } from './portal.ts';
import type { StoredObject } from './store.ts';
import { compareIds } from './store.ts';

export const SEARCH_LIMITS = {
  maxFilterGroups: 5,
  maxFiltersPerGroup: 10,
  maxFiltersTotal: 25,
  maxLimit: 200,
  defaultLimit: 10,
  maxResults: 10_000,
} as const;

export const SEARCH_OPERATORS = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN',
  'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof SEARCH_OPERATORS)[number];

export interface SearchFilter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: { filters: SearchFilter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties?: string[];
  limit: number;
  offset: number;
  query?: string;
}

/** A 400 the sandbox answers with HubSpot's VALIDATION_ERROR body. */
export class SearchValidationError extends Error {}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Validate a search body the way HubSpot does; throws SearchValidationError. */
export function parseSearchRequest(body: unknown): SearchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SearchValidationError('Invalid input JSON: expected an object');
  }
  const b = body as Record<string, unknown>;
  const rawGroups = b.filterGroups ?? [];
  if (!Array.isArray(rawGroups)) throw new SearchValidationError('Invalid input JSON: filterGroups must be an array');
  if (rawGroups.length > SEARCH_LIMITS.maxFilterGroups) {
    throw new SearchValidationError(
      `Too many filterGroups: ${rawGroups.length}. A search request can have at most ${SEARCH_LIMITS.maxFilterGroups} filterGroups.`,
    );
  }
  let total = 0;
  const filterGroups = rawGroups.map((g, gi) => {
    const filters = (g as { filters?: unknown })?.filters ?? [];
    if (!Array.isArray(filters)) throw new SearchValidationError(`Invalid input JSON: filterGroups[${gi}].filters must be an array`);
    if (filters.length > SEARCH_LIMITS.maxFiltersPerGroup) {
      throw new SearchValidationError(
        `Too many filters in filterGroups[${gi}]: ${filters.length}. A filterGroup can have at most ${SEARCH_LIMITS.maxFiltersPerGroup} filters.`,
      );
    }
    total += filters.length;
    return {
      filters: filters.map((f): SearchFilter => {
        const r = (f ?? {}) as Record<string, unknown>;
        const operator = r.operator;
        if (typeof r.propertyName !== 'string' || typeof operator !== 'string') {
          throw new SearchValidationError('Invalid input JSON: Cannot build Filter, some of required attributes are not set [propertyName, operator]');
        }
        if (!(SEARCH_OPERATORS as readonly string[]).includes(operator)) {
          throw new SearchValidationError(
            `Invalid input JSON: Cannot deserialize value of type \`FilterOperator\` from String "${operator}": not one of the values accepted for Enum class: [${SEARCH_OPERATORS.join(', ')}]`,
          );
        }
        const filter: SearchFilter = { propertyName: r.propertyName, operator: operator as Operator };
        const value = str(r.value);
        if (value !== undefined) filter.value = value;
        const highValue = str(r.highValue);
        if (highValue !== undefined) filter.highValue = highValue;
        if (Array.isArray(r.values)) filter.values = r.values.map((v) => str(v) ?? '');
        const needsValue = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'];
        if (needsValue.includes(operator) && filter.value === undefined) {
          throw new SearchValidationError(`Invalid input JSON: Cannot construct instance of \`Filter\`, problem: operator ${operator} requires a value`);
        }
        if (operator === 'BETWEEN' && filter.highValue === undefined) {
          throw new SearchValidationError('Invalid input JSON: Cannot construct instance of `Filter`, problem: operator BETWEEN requires a highValue');
        }
        if ((operator === 'IN' || operator === 'NOT_IN') && !filter.values?.length) {
          throw new SearchValidationError(`Invalid input JSON: Cannot construct instance of \`Filter\`, problem: operator ${operator} requires values`);
        }
        return filter;
      }),
    };
  });
  if (total > SEARCH_LIMITS.maxFiltersTotal) {
    throw new SearchValidationError(
      `Too many filters: ${total}. A search request can have at most ${SEARCH_LIMITS.maxFiltersTotal} filters across all filterGroups.`,
    );
  }
  const rawSorts = b.sorts ?? [];
  if (!Array.isArray(rawSorts)) throw new SearchValidationError('Invalid input JSON: sorts must be an array');
  const sorts = rawSorts.map((s) => {
    if (typeof s === 'string') {
      return s.startsWith('-')
        ? { propertyName: s.slice(1), direction: 'DESCENDING' as const }
        : { propertyName: s, direction: 'ASCENDING' as const };
    }
    const r = (s ?? {}) as Record<string, unknown>;
    if (typeof r.propertyName !== 'string') throw new SearchValidationError('Invalid input JSON: a sort needs a propertyName');
    return { propertyName: r.propertyName, direction: r.direction === 'DESCENDING' ? ('DESCENDING' as const) : ('ASCENDING' as const) };
  });
  let limit: number = SEARCH_LIMITS.defaultLimit;
  if (b.limit !== undefined && b.limit !== null) {
    const n = Number(b.limit);
    if (!Number.isInteger(n) || n < 1) throw new SearchValidationError(`Invalid input JSON: limit must be a positive integer, got ${String(b.limit)}`);
    if (n > SEARCH_LIMITS.maxLimit) {
      throw new SearchValidationError(`limit ${n} is larger than the maximum of ${SEARCH_LIMITS.maxLimit}`);
    }
    limit = n;
  }
  let offset = 0;
  if (b.after !== undefined && b.after !== null && b.after !== '') {
    const n = Number(b.after);
    if (!Number.isInteger(n) || n < 0) throw new SearchValidationError(`Invalid input JSON: after must be a non-negative integer, got ${String(b.after)}`);
    offset = n;
  }
  if (offset >= SEARCH_LIMITS.maxResults) {
    throw new SearchValidationError(
      `The search API returns at most ${SEARCH_LIMITS.maxResults} results for a query; after=${offset} is beyond that. Narrow the filters instead of paging further.`,
    );
  }
  const properties = Array.isArray(b.properties) ? b.properties.filter((p): p is string => typeof p === 'string') : undefined;
  const query = typeof b.query === 'string' && b.query.trim() !== '' ? b.query.trim() : undefined;
  return { filterGroups, sorts, properties, limit, offset, query };
}

type Comparable = { kind: 'number'; n: number } | { kind: 'string'; s: string };

const NUMERIC = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Numbers compare as numbers; dates/datetimes (ISO or epoch ms) as epoch ms; the rest case-insensitively. */
function comparable(raw: string, propType: string | undefined): Comparable {
  const t = raw.trim();
  if (NUMERIC.test(t)) return { kind: 'number', n: Number(t) };
  if ((propType === 'date' || propType === 'datetime' || ISO_DATE.test(t)) && !Number.isNaN(Date.parse(t))) {
    return { kind: 'number', n: Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t) };
  }
  return { kind: 'string', s: t.toLowerCase() };
}

function cmp(a: Comparable, b: Comparable): number | undefined {
  if (a.kind === 'number' && b.kind === 'number') return a.n - b.n;
  if (a.kind === 'string' && b.kind === 'string') return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  return undefined;
}

function valueOf(obj: StoredObject, prop: string): string | null {
  if (prop === 'hs_object_id') return obj.id;
  const v = obj.properties[prop];
  return v === undefined || v === '' ? null : v;
}

function tokenMatch(value: string, token: string): boolean {
  const pattern = new RegExp(`^${token.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return value.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).concat(value.toLowerCase()).some((tok) => pattern.test(tok));
}

function matches(obj: StoredObject, f: SearchFilter, type: HubSpotObjectType): boolean {
  const pt = HUBSPOT_PROPERTY_TYPES[type][f.propertyName];
  const v = valueOf(obj, f.propertyName);
  const eq = (x: string, y: string) => cmp(comparable(x, pt), comparable(y, pt)) === 0;
  switch (f.operator) {
    case 'HAS_PROPERTY': return v !== null;
    case 'NOT_HAS_PROPERTY': return v === null;
    case 'EQ': return v !== null && eq(v, f.value!);
    case 'NEQ': return v === null || !eq(v, f.value!);
    case 'IN': return v !== null && f.values!.some((x) => eq(v, x));
    case 'NOT_IN': return v === null || !f.values!.some((x) => eq(v, x));
    case 'CONTAINS_TOKEN': return v !== null && tokenMatch(v, f.value!);
    case 'NOT_CONTAINS_TOKEN': return v === null || !tokenMatch(v, f.value!);
    case 'BETWEEN': {
      if (v === null) return false;
      const c = comparable(v, pt);
      const lo = cmp(c, comparable(f.value!, pt));
      const hi = cmp(c, comparable(f.highValue!, pt));
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    default: {
      if (v === null) return false;
      const d = cmp(comparable(v, pt), comparable(f.value!, pt));
      if (d === undefined) return false;
      return f.operator === 'LT' ? d < 0 : f.operator === 'LTE' ? d <= 0 : f.operator === 'GT' ? d > 0 : d >= 0;
    }
  }
}

const QUERY_PROPERTIES = ['name', 'domain', 'website', 'phone', 'firstname', 'lastname', 'email', 'dealname', 'hs_title', 'quote_number', 'hs_sku', 'description'];

/** Run a validated search over live objects; returns the matching page and the total. */
export function runSearch(type: HubSpotObjectType, objects: StoredObject[], req: SearchRequest): { total: number; page: StoredObject[] } {
  let hits = objects.filter((o) => !o.archived);
  if (req.filterGroups.length > 0) {
    hits = hits.filter((o) => req.filterGroups.some((g) => g.filters.every((f) => matches(o, f, type))));
  }
  if (req.query) {
    const q = req.query.toLowerCase();
    hits = hits.filter((o) => QUERY_PROPERTIES.some((p) => (o.properties[p] ?? '').toLowerCase().includes(q)));
  }
  const sorted = [...hits].sort((a, b) => {
    for (const s of req.sorts) {
      const pt = HUBSPOT_PROPERTY_TYPES[type][s.propertyName];
      const va = valueOf(a, s.propertyName);
      const vb = valueOf(b, s.propertyName);
      if (va === null && vb === null) continue;
      if (va === null) return 1;
      if (vb === null) return -1;
      const d = cmp(comparable(va, pt), comparable(vb, pt)) ?? va.localeCompare(vb);
      if (d !== 0) return s.direction === 'DESCENDING' ? -d : d;
    }
    return compareIds(a.id, b.id);
  });
  const total = sorted.length;
  const end = Math.min(req.offset + req.limit, SEARCH_LIMITS.maxResults);
  return { total, page: sorted.slice(req.offset, end) };
}
