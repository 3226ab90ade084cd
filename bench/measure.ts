// Measurement helpers for `npm run bench`: a GraphQL client over loopback HTTP,
// latency sampling with warm-up, a fixed-concurrency throughput run, percentile
// summaries and plain-text tables. Nothing here asserts on time: it only measures.
import { performance } from 'node:perf_hooks';

export interface GraphQLResult {
  status: number;
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** One POST to the gateway; throws on HTTP or GraphQL errors (a broken query must not yield figures). */
export async function postQuery(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: unknown; errors?: GraphQLResult['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status !== 200 || body.errors?.length) {
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return { status: res.status, data: body.data, errors: body.errors };
}

export type Run = () => Promise<unknown>;

/** Runs `fn` `n` times one after another (warm-up: JIT, keep-alive sockets, caches). */
export async function warmUp(fn: Run, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await fn();
}

/**
 * Sequential latency samples (ms) of several variants, interleaved round-robin so that
 * drift over the run (GC, CPU frequency, other load) affects every variant alike.
 */
export async function sampleInterleaved(variants: Run[], iterations: number): Promise<number[][]> {
  const samples = variants.map(() => [] as number[]);
  for (let i = 0; i < iterations; i++) {
    for (let v = 0; v < variants.length; v++) {
      const t0 = performance.now();
      await variants[v]!();
      samples[v]!.push(performance.now() - t0);
    }
  }
  return samples;
}

/** `total` requests through `concurrency` workers pulling from one counter; returns requests/s. */
export async function throughput(fn: Run, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++;
        await fn();
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const p95 = s[Math.max(0, Math.ceil(0.95 * n) - 1)]!; // nearest rank
  const mean = s.reduce((a, b) => a + b, 0) / n;
  return { n, median, p95, mean, min: s[0]! };
}

// ------------------------------------------------------------ formatting

export function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function num(v: number, digits = 1): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** `a / b` as "1.23×"; "—" when undefined. */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return `${(a / b).toFixed(2)}×`;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].map((l) => `  ${l.trimEnd()}`).join('\n');
}
