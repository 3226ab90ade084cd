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

export function parseNumber(raw: string): number {
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

function validYmd(s: string): boolean {
  const m = YMD.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
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
  return new Date(instantMs(raw)).toISOString();
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
