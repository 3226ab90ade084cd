// HubSpot property values → typed values. HubSpot sends every property as a string
// (or null); "unset" can also arrive as ''. Dates come as YYYY-MM-DD, as epoch
// milliseconds (UTC midnight) or as an ISO instant depending on the API and the way
// the value was written; datetimes as ISO instants or epoch milliseconds.
// Each parser returns the typed value, or throws ValueError with what was wrong.

export class ValueError extends Error {}

/** '' and whitespace-only mean unset. */
export function isBlank(raw: string): boolean {
  return raw.trim() === '';
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Whether s is one or more ASCII digits and nothing else (the common property value, read without regular expressions). */
function allDigits(s: string): boolean {
  const length = s.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function parseNumber(raw: string): number {
  // Plain digits are a decimal as they are (Number reads them exactly as the general path would).
  if (raw.length <= 300 && allDigits(raw)) return Number(raw);
  const t = raw.trim().replace(/^\+/, '');
  if (!DECIMAL.test(t)) throw new ValueError(`must be a number, got "${raw}"`);
  const n = Number(t);
  if (!Number.isFinite(n)) throw new ValueError(`must be a finite number, got "${raw}"`);
  return n;
}

/** A whole number such as an Odoo record id (> 0). HubSpot number properties may carry a '.0'. */
export function parsePositiveInteger(raw: string): number {
  const n = parseNumber(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ValueError(`must be a positive whole number, got "${raw}"`);
  return n;
}

/** A HubSpot object / owner id: a numeric string (kept as a string: ids may exceed 2^53 in future). */
export function parseHubSpotId(raw: string): string {
  // Digits without a leading zero are already the id (what the general path returns for them).
  if (allDigits(raw) && (raw.length === 1 || raw.charCodeAt(0) !== 48)) return raw;
  const t = raw.trim().replace(/\.0+$/, '');
  if (!/^\d+$/.test(t)) throw new ValueError(`must be a numeric id, got "${raw}"`);
  return t.replace(/^0+(?=\d)/, '');
}

export function parseBool(raw: string): boolean {
  const t = raw.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new ValueError(`must be "true" or "false", got "${raw}"`);
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** Epoch milliseconds: 11–15 digits covers 1973–33658; shorter strings would be seconds or noise. */
const EPOCH_MS = /^-?\d{11,15}$/;

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A real calendar day. Years before 100 are refused: this check used to be a round trip
 * through Date.UTC, which reads years 0–99 as 1900–1999, so they never matched.
 */
function validCalendarDay(year: number, month: number, day: number): boolean {
  return year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function validYmd(s: string): boolean {
  const m = YMD.exec(s);
  return m !== null && validCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The digits of s from `at` to `end` (exclusive) as a number, or -1 when one is not an ASCII digit. */
function digits(s: string, at: number, end: number): number {
  let n = 0;
  for (let i = at; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The shapes HubSpot sends (YYYY-MM-DDTHH:MM:SS.sssZ, or without the milliseconds) read
 * by arithmetic: the normalised instant when the string is one of them and valid, else
 * undefined and instantMs's general reading decides (and words the refusal). Accepts
 * exactly what that reading accepts for these shapes, and returns what
 * `new Date(instantMs(s)).toISOString()` returns: the string itself (issue 13: the
 * regular expressions, Date.parse and toISOString per value were most of the mapping's CPU).
 */
function canonicalInstant(s: string): string | undefined {
  const length = s.length;
  if (length !== 24 && length !== 20) return undefined;
  if (s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58 /* : */ || s.charCodeAt(16) !== 58) return undefined;
  if (s.charCodeAt(length - 1) !== 90 /* Z */) return undefined;
  if (length === 24 && (s.charCodeAt(19) !== 46 /* . */ || digits(s, 20, 23) < 0)) return undefined;
  const year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
  const hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || !validCalendarDay(year, month, day)) return undefined;
  return length === 24 ? s : `${s.slice(0, 19)}.000Z`;
}

/** Whether Date.parse reads s as a time (the wire contract of createdAt/updatedAt), HubSpot's own shape checked first. */
export function isParsableInstant(s: string): boolean {
  return canonicalInstant(s) !== undefined || !Number.isNaN(Date.parse(s));
}

function instantMs(raw: string): number {
  const t = raw.trim();
  if (EPOCH_MS.test(t)) return Number(t);
  if (YMD.test(t)) {
    if (!validYmd(t)) throw new ValueError(`is not a calendar date: "${raw}"`);
    return Date.parse(`${t}T00:00:00.000Z`);
  }
  const m = ISO_INSTANT.exec(t);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t)) throw new ValueError(`must carry a time zone (Z or ±hh:mm), got "${raw}"`);
    throw new ValueError(`must be an ISO-8601 instant or epoch milliseconds, got "${raw}"`);
  }
  if (!validYmd(m[1]!)) throw new ValueError(`is not a calendar date: "${raw}"`);
  const frac = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[6]!.toUpperCase() === 'Z' ? 'Z' : m[6]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${frac}${zone}`);
  if (Number.isNaN(ms) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) throw new ValueError(`is not a valid instant: "${raw}"`);
  return ms;
}

/** A datetime property → ISO instant in UTC with milliseconds (2024-01-10T10:36:45.123Z). */
export function parseDatetime(raw: string): string {
  return canonicalInstant(raw) ?? new Date(instantMs(raw)).toISOString();
}

/**
 * A date property → YYYY-MM-DD. HubSpot stores dates as UTC midnight, so epoch ms and
 * instants are read in UTC (an instant that is not midnight still names its UTC day).
 */
export function parseDate(raw: string): string {
  const t = raw.trim();
  if (YMD.test(t)) {
    if (!validYmd(t)) throw new ValueError(`is not a calendar date: "${raw}"`);
    return t;
  }
  return new Date(instantMs(t)).toISOString().slice(0, 10);
}

export function parseCurrency(raw: string): string {
  const t = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(t)) throw new ValueError(`must be an ISO 4217 currency code, got "${raw}"`);
  return t;
}

export function parseEnum<const T extends readonly string[]>(values: T, raw: string): T[number] {
  const t = raw.trim();
  if (!(values as readonly string[]).includes(t)) throw new ValueError(`must be one of ${values.join(', ')}, got "${raw}"`);
  return t as T[number];
}
