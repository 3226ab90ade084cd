// Boundary normalisers for Odoo's wire values (§6). Each takes what Odoo sent and
// returns the project's form, or throws ValueShapeError saying why the value does
// not fit — records.ts turns that into a typed MAPPING_ERROR naming model, id and
// field. Nothing here guesses: an odd value is an error, never a silent default.
//
//   false (non-boolean field)          → null
//   many2one [id, "name"]              → { id, name }
//   one2many / many2many [ids]         → number[]
//   datetime "YYYY-MM-DD HH:MM:SS"     → "YYYY-MM-DDTHH:MM:SSZ" (naive UTC → ISO-8601 instant)
//   date "YYYY-MM-DD"                  → "YYYY-MM-DD" (validated calendar date)
//   integer / float / monetary         → finite number
//   selection                          → one of the declared keys
import type { OdooFieldSpec } from './models.ts';

export class ValueShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueShapeError';
  }
}

export interface Many2one {
  id: number;
  name: string;
}

const show = (v: unknown): string => {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A real day of the proleptic Gregorian calendar, as JavaScript's Date counts it, in
 * arithmetic (every datetime of every record passes here: no Date per value). Years
 * below 100 stay refused, as Date.UTC reads them as 19xx.
 */
function validCalendar(y: number, m: number, d: number): boolean {
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** The two digits at `i` of a string the caller's pattern already checked are digits. */
const two = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);

export function normalizeString(v: unknown): string | null {
  if (v === false || v === null) return null;
  if (typeof v !== 'string') throw new ValueShapeError(`expected a string or false, got ${show(v)}`);
  return v;
}

export function normalizeBoolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueShapeError(`expected a boolean, got ${show(v)}`);
  return v;
}

export function normalizeNumber(v: unknown): number | null {
  if (v === false || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueShapeError(`expected a finite number, got ${show(v)}`);
  return v;
}

export function normalizeInteger(v: unknown): number | null {
  const n = normalizeNumber(v);
  if (n !== null && !Number.isInteger(n)) throw new ValueShapeError(`expected an integer, got ${show(v)}`);
  return n;
}

export function normalizeSelection(v: unknown, allowed?: readonly string[]): string | null {
  if (v === false || v === null) return null;
  if (typeof v !== 'string') throw new ValueShapeError(`expected a selection key or false, got ${show(v)}`);
  if (allowed && !allowed.includes(v)) throw new ValueShapeError(`unknown selection value ${show(v)} (expected one of ${allowed.join(', ')})`);
  return v;
}

export function normalizeMany2one(v: unknown): Many2one | null {
  if (v === false || v === null) return null;
  if (!Array.isArray(v) || v.length !== 2 || !isPositiveInt(v[0]) || (typeof v[1] !== 'string' && v[1] !== false)) {
    throw new ValueShapeError(`expected a many2one [id, "name"] or false, got ${show(v)}`);
  }
  return { id: v[0], name: v[1] === false ? '' : v[1] };
}

export function normalizeX2many(v: unknown): number[] {
  if (v === false) return [];
  if (!Array.isArray(v) || !v.every(isPositiveInt)) throw new ValueShapeError(`expected a list of record ids, got ${show(v)}`);
  return [...v];
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Odoo naive-UTC datetime → ISO-8601 instant ("2026-03-01 08:00:00" → "2026-03-01T08:00:00Z"). */
export function normalizeDatetime(v: unknown): string | null {
  if (v === false || v === null) return null;
  if (typeof v !== 'string' || !DATETIME_RE.test(v)) throw new ValueShapeError(`expected a datetime "YYYY-MM-DD HH:MM:SS" or false, got ${show(v)}`);
  // Positions fixed by the pattern: YYYY-MM-DD HH:MM:SS[.ffffff]
  if (!validCalendar(two(v, 0) * 100 + two(v, 2), two(v, 5), two(v, 8)) || two(v, 11) > 23 || two(v, 14) > 59 || two(v, 17) > 59) throw new ValueShapeError(`not a real datetime: ${show(v)}`);
  return `${v.slice(0, 10)}T${v.slice(11, 19)}Z`;
}

/** Odoo date → the same "YYYY-MM-DD", validated. */
export function normalizeDate(v: unknown): string | null {
  if (v === false || v === null) return null;
  if (typeof v !== 'string' || !DATE_RE.test(v)) throw new ValueShapeError(`expected a date "YYYY-MM-DD" or false, got ${show(v)}`);
  if (!validCalendar(two(v, 0) * 100 + two(v, 2), two(v, 5), two(v, 8))) throw new ValueShapeError(`not a real date: ${show(v)}`);
  return v;
}

/** The normalised TypeScript value of a field of type T. */
export type NormalizedValue = string | number | boolean | null | number[] | Many2one;

/** Normalise one wire value by the field's declared type. `undefined` (field absent from the answer) is an error. */
export function normalizeField(spec: Pick<OdooFieldSpec, 'type' | 'selection'>, v: unknown): NormalizedValue {
  if (v === undefined) throw new ValueShapeError('is missing from the answer');
  switch (spec.type) {
    case 'char':
    case 'text':
    case 'html':
      return normalizeString(v);
    case 'boolean':
      return normalizeBoolean(v);
    case 'integer':
      return normalizeInteger(v);
    case 'float':
    case 'monetary':
      return normalizeNumber(v);
    case 'selection':
      return normalizeSelection(v, spec.selection?.map(([k]) => k));
    case 'many2one':
      return normalizeMany2one(v);
    case 'one2many':
    case 'many2many':
      return normalizeX2many(v);
    case 'date':
      return normalizeDate(v);
    case 'datetime':
      return normalizeDatetime(v);
  }
}

// ---------------------------------------------------------------- the way back (writes, domains)

/** ISO-8601 instant (any offset) → Odoo naive UTC "YYYY-MM-DD HH:MM:SS". */
export function toOdooDatetime(iso: string): string {
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(t)) throw new ValueShapeError(`expected an ISO-8601 instant, got ${show(iso)}`);
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

/** "YYYY-MM-DD" → the same, validated. */
export function toOdooDate(date: string): string {
  return normalizeDate(date) as string;
}

/** null → false, as Odoo expects for "empty" in vals. */
export function toOdooValue<T>(v: T | null | undefined): T | false {
  return v === null || v === undefined ? false : v;
}
