// `npm run bench` runs end to end with its smallest settings (our gateway and the direct
// floor, no Hive install, no injected latency): every component in its own process,
// every operation answered without errors, the tables and the chart written. Asserts
// shapes and counts only — never a time.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OPERATIONS = ['order status', 'BI page (50 orders)', 'quote check', 'account page', 'confirmQuote'];

/** The rows of the Markdown table under `heading`, as objects keyed by the header cells. */
function tableAfter(md: string, heading: string): Array<Record<string, string>> {
  const lines = md.slice(md.indexOf(heading)).split('\n').filter((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > 1 && !l.startsWith('| '));
  const [head, , ...rows] = end > 0 ? lines.slice(0, end) : lines;
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const keys = cells(head!);
  const out: Array<Record<string, string>> = [];
  for (const r of rows) {
    const v = cells(r);
    if (v.length !== keys.length) break; // the next table
    out.push(Object.fromEntries(keys.map((k, i) => [k, v[i]!])));
  }
  return out;
}

describe('npm run bench (smallest settings)', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  test('runs every component in its own process and writes the tables and the chart', { timeout: 120_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'bench.ts')], {
      cwd: ROOT,
      env: {
        ...process.env, BENCH_QUICK: '1', BENCH_GATEWAY_CODE: 'tsx', BENCH_CLIENTS: '1', BENCH_SECONDS: '0.3', BENCH_WARMUP: '1',
        BENCH_LATENCY: 'none', BENCH_PEERS: 'none', BENCH_OUT: out,
      },
      maxBuffer: 16 * 2 ** 20,
    });
    assert.match(stdout, /summary \(req\/s ratio/);
    const md = readFileSync(path.join(out, 'results.md'), 'utf8');
    assert.match(md, /TypeScript sources under the tsx loader/);
    // The children run as in production whatever NODE_ENV the bench itself was started with (test, here).
    assert.match(md, /NODE_ENV=production in every process the bench starts/);
    assert.match(readFileSync(path.join(out, 'results-none.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);

    const main = tableAfter(md, '### Throughput and latency');
    const cpu = tableAfter(md, '### CPU ms per request');
    for (const op of OPERATIONS) {
      for (const target of ['ours', 'floor']) {
        const row = main.find((r) => r.operation === op && r.target === target);
        assert.ok(row, `${op} / ${target} measured`);
        assert.equal(row.errors, '0', `${op} / ${target} answered without errors`);
        assert.ok(Number(row['req/s']) > 0);
      }
      const ours = cpu.find((r) => r.operation === op && r.target === 'ours')!;
      const floor = cpu.find((r) => r.operation === op && r.target === 'floor')!;
      // Every process reported its own CPU.
      for (const p of ['gateway', 'odoo-sandbox', 'hubspot-sandbox', 'odoo-subgraph', 'crm-subgraph', 'writes-subgraph']) assert.ok(Number(ours[p]) >= 0, `${op}: CPU of ${p}`);
      // The floor replays our plan: the same backend calls per request, and some for every operation.
      assert.ok(Number(ours['Odoo calls/req']) + Number(ours['HubSpot calls/req']) > 0, `${op} reaches a backend`);
      assert.equal(floor['Odoo calls/req'], ours['Odoo calls/req'], `${op}: Odoo calls, floor vs ours`);
      assert.equal(floor['HubSpot calls/req'], ours['HubSpot calls/req'], `${op}: HubSpot calls, floor vs ours`);
    }
    // confirmQuote on fresh quotes: exactly one Odoo order per call, a distinct one each time.
    const confirm = cpu.find((r) => r.operation === 'confirmQuote' && r.target === 'ours')!;
    const m = /^1 \((\d+) distinct of (\d+)\)$/.exec(confirm['orders created/call']!);
    assert.ok(m, confirm['orders created/call']);
    assert.equal(m[1], m[2]);
    assert.equal(cpu.find((r) => r.operation === 'confirmQuote' && r.target === 'floor')!['orders created/call'], '1');
  });

  test('BENCH_SUBGRAPHS=canned measures the gateway alone: subgraph answers come from memory after their first sight', { timeout: 120_000 }, async () => {
    const cannedOut = path.join(out, 'canned');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'bench.ts')], {
      cwd: ROOT,
      env: {
        ...process.env, BENCH_QUICK: '1', BENCH_GATEWAY_CODE: 'tsx', BENCH_CLIENTS: '1', BENCH_SECONDS: '0.3', BENCH_WARMUP: '2',
        BENCH_PEERS: 'none', BENCH_OUT: cannedOut, BENCH_SUBGRAPHS: 'canned',
      },
      maxBuffer: 16 * 2 ** 20,
    });
    const md = readFileSync(path.join(cannedOut, 'gateway-alone.md'), 'utf8');
    const counts = /\((\d+) answers forwarded to the subgraphs, (\d+) from memory\)/.exec(md);
    assert.ok(counts, 'the canned counts are stated');
    assert.ok(Number(counts[1]) > 0 && Number(counts[2]) > Number(counts[1]), `${counts[1]} forwarded, ${counts[2]} from memory`);
    const main = tableAfter(md, '### Throughput and latency');
    const cpu = tableAfter(md, '### CPU ms per request');
    for (const op of OPERATIONS.filter((o) => o !== 'confirmQuote')) {
      const row = main.find((r) => r.operation === op && r.target === 'ours');
      assert.ok(row, `${op} measured`);
      assert.equal(row.errors, '0', `${op} answered without errors`);
      // Measured after the warm-up: no request reached a backend.
      const c = cpu.find((r) => r.operation === op && r.target === 'ours')!;
      assert.equal(Number(c['Odoo calls/req']) + Number(c['HubSpot calls/req']), 0, `${op}: backend calls while measuring`);
    }
    assert.ok(!main.some((r) => r.operation === 'confirmQuote' || r.target === 'floor'), 'no confirmQuote, no floor');
  });

  // A shallow clone may lack the baseline commit: nothing to compare with then.
  const baseline = spawnSync('git', ['cat-file', '-e', '2016f13^{commit}'], { cwd: ROOT }).status === 0;
  test('BENCH_BEFORE runs an earlier commit\'s whole stack beside ours over the same sandboxes', { timeout: 180_000, skip: !baseline && 'commit 2016f13 is not in this clone' }, async () => {
    const beforeOut = path.join(out, 'before');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'bench.ts')], {
      cwd: ROOT,
      env: {
        ...process.env, BENCH_QUICK: '1', BENCH_GATEWAY_CODE: 'tsx', BENCH_CLIENTS: '1', BENCH_SECONDS: '0.3', BENCH_WARMUP: '1',
        BENCH_LATENCY: 'none', BENCH_PEERS: 'none', BENCH_FLOOR: '0', BENCH_OPS: 'order status', BENCH_OUT: beforeOut,
        BENCH_BEFORE: '1', BENCH_BEFORE_CACHE: path.join(out, 'cache'),
      },
      maxBuffer: 16 * 2 ** 20,
    });
    assert.doesNotMatch(stdout, /ours-before.*(did not start|not prepared|left out)/);
    const md = readFileSync(path.join(beforeOut, 'results.md'), 'utf8');
    assert.match(md, /`ours-before` is commit 2016f13 /);
    const summary = tableAfter(md, '### Summary');
    assert.match(summary[0]!['ours ÷ before']!, /×$/);
    assert.match(summary[0]!['subgraphs CPU ours ÷ before']!, /×$/);
    const row = tableAfter(md, '### Throughput and latency').find((r) => r.target === 'ours-before');
    assert.ok(row && row.errors === '0' && Number(row['req/s']) > 0, 'ours-before answered without errors');
    const cpu = tableAfter(md, '### CPU ms per request');
    const [ours, before] = ['ours', 'ours-before'].map((t) => cpu.find((r) => r.target === t)!);
    // Its own gateway and subgraphs did the work (today's were idle during its cells); today never needs more backend calls than it did.
    for (const p of ['gateway', 'odoo-subgraph', 'crm-subgraph']) assert.ok(Number(before![p]) > 0, `ours-before: CPU of its ${p}`);
    for (const calls of ['Odoo calls/req', 'HubSpot calls/req']) {
      assert.ok(Number(before![calls]) > 0 && Number(ours![calls]) <= Number(before![calls]), `${calls}: ours ${ours![calls]}, before ${before![calls]}`);
    }
  });
});
