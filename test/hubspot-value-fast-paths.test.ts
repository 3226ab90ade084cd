// The HubSpot value parsers read the common shapes (ISO instants as HubSpot sends them,
// plain digits) by arithmetic instead of regular expressions and Date round trips (issue
// 13). These tests hold the fast paths to the general reading they replaced: the same
// value, or the same refusal, for every input — valid ones, and the near misses (a day
// past the month's end, hour 24, second 60, years before 100, stray characters).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isParsableInstant, parseDate, parseDatetime, parseHubSpotId, parseNumber, parsePositiveInteger } from '../connectors/crm/hubspot/mapping/values.ts';

// ---- the general readings, as they were before the fast paths ---------------------------
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH_MS = /^-?\d{11,15}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
function refValidYmd(s: string): boolean {
  const m = YMD.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
function refInstantMs(raw: string): number {
  const t = raw.trim();
  if (EPOCH_MS.test(t)) return Number(t);
  if (YMD.test(t)) {
    if (!refValidYmd(t)) throw new Error('calendar');
    return Date.parse(`${t}T00:00:00.000Z`);
  }
  const m = ISO_INSTANT.exec(t);
  if (!m) throw new Error('shape');
  if (!refValidYmd(m[1]!)) throw new Error('calendar');
  const frac = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[6]!.toUpperCase() === 'Z' ? 'Z' : m[6]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${frac}${zone}`);
  if (Number.isNaN(ms) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) throw new Error('instant');
  return ms;
}
const refDatetime = (raw: string) => new Date(refInstantMs(raw)).toISOString();
function refDate(raw: string): string {
  const t = raw.trim();
  if (YMD.test(t)) {
    if (!refValidYmd(t)) throw new Error('calendar');
    return t;
  }
  return new Date(refInstantMs(t)).toISOString().slice(0, 10);
}
function refNumber(raw: string): number {
  const t = raw.trim().replace(/^\+/, '');
  if (!DECIMAL.test(t)) throw new Error('number');
  const n = Number(t);
  if (!Number.isFinite(n)) throw new Error('finite');
  return n;
}
function refHubSpotId(raw: string): string {
  const t = raw.trim().replace(/\.0+$/, '');
  if (!/^\d+$/.test(t)) throw new Error('id');
  return t.replace(/^0+(?=\d)/, '');
}

/** Both readings agree: the same value, or both refuse. */
function same<T>(input: string, fast: (s: string) => T, ref: (s: string) => T): void {
  let want: { ok: true; value: T } | { ok: false };
  try {
    want = { ok: true, value: ref(input) };
  } catch {
    want = { ok: false };
  }
  if (want.ok) assert.equal(fast(input), want.value, `value of ${JSON.stringify(input)}`);
  else assert.throws(() => fast(input), Error, `${JSON.stringify(input)} should be refused`);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Instants around every boundary the fast path checks, in HubSpot's shapes and next to them. */
function instants(): string[] {
  const out: string[] = [];
  const years = [0, 1, 50, 99, 100, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999];
  const days = [0, 1, 28, 29, 30, 31, 32];
  for (const y of years) {
    for (let mo = 0; mo <= 13; mo++) {
      for (const d of days) {
        const date = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
        out.push(`${date}T10:36:45.123Z`, `${date}T00:00:00Z`, date);
      }
    }
  }
  for (const [h, mi, s] of [[0, 0, 0], [23, 59, 59], [24, 0, 0], [23, 60, 0], [23, 59, 60], [99, 99, 99]]) {
    const time = `${pad(h!, 2)}:${pad(mi!, 2)}:${pad(s!, 2)}`;
    out.push(`2024-02-29T${time}.000Z`, `2024-02-29T${time}Z`);
  }
  out.push(
    '2024-01-10t10:36:45.123z', '2024-01-10 10:36:45.123Z', '2024-01-10T10:36:45.123+00:00', '2024-01-10T10:36:45.1234Z',
    '2024-01-10T10:36:45.12Z', '2024-01-10T10:36:45.12aZ', '2024-01-10T10:36:45,123Z', '2024-01-10T10:36:45.123', ' 2024-01-10T10:36:45.123Z',
    '2024-01-10T10:36:45.123Z ', '2024-01-10T10:36:45.123Z\n', '2024-01-10T10:36:45.123X', '2024-01-10X10:36:45.123Z', '2024/01/10T10:36:45.123Z',
    '２０２４-01-10T10:36:45.123Z', '+2024-01-10T10:36:45.12Z', '-024-01-10T10:36:45.123Z', '2024-01-10T1:36:45.1234Z', '1774915200000', '',
    'not a date', '2024-1-10T10:36:45.123Z0', '2024-01-10T10:36:45:123Z', '2024-01-10T10-36-45.123Z',
  );
  return out;
}

describe('HubSpot value fast paths', () => {
  it('parseDatetime reads every instant as the general reading did, and refuses what it refused', () => {
    for (const s of instants()) same(s, parseDatetime, refDatetime);
  });

  it('parseDate reads every value as the general reading did', () => {
    for (const s of instants()) same(s, parseDate, refDate);
  });

  it('isParsableInstant (the wire contract of createdAt/updatedAt) agrees with Date.parse', () => {
    for (const s of instants()) assert.equal(isParsableInstant(s), !Number.isNaN(Date.parse(s)), JSON.stringify(s));
  });

  it('random instants in HubSpot\'s shape round-trip', () => {
    let seed = 13;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor(next() * 253402300799999);
      const iso = new Date(ms).toISOString();
      assert.equal(parseDatetime(iso), iso);
      assert.equal(parseDatetime(iso.replace(/\.\d{3}Z$/, 'Z')), iso.replace(/\.\d{3}Z$/, '.000Z'));
    }
  });

  it('parseNumber, parsePositiveInteger and parseHubSpotId read digits as the general reading did', () => {
    const inputs = [
      '0', '00', '007', '1', '42', '42.0', '42.00', '42.5', ' 42', '42 ', '+42', '-42', '1e3', '.5', '5.', '', ' ', '9007199254740993',
      '123456789012345678901234567890', '9'.repeat(309), '9'.repeat(300), '0x10', '١٢', '12a', 'a12', '1_000',
    ];
    for (const s of inputs) {
      same(s, parseNumber, refNumber);
      same(s, parseHubSpotId, refHubSpotId);
      same(s, parsePositiveInteger, (raw) => {
        const n = refNumber(raw);
        if (!Number.isSafeInteger(n) || n <= 0) throw new Error('positive');
        return n;
      });
    }
  });
});
