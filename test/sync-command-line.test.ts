// `npm run sync -- --flow <name> --demo` (issue 11, flow 5): a backfill run once from the
// command line against the sandboxes `npm start` runs — a real child process, its exit
// code and its summary — and a second run over the same store adds and changes nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from './support/stack.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('npm run sync runs one flow once from the command line', () => {
  let stack: TestStack;
  let dir: string;
  before(async () => {
    stack = await startTestStack();
    dir = mkdtempSync(join(tmpdir(), 'sync-cli-'));
  });
  after(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function runSync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const port = (url: string) => new URL(url).port;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', ...args], {
      cwd: ROOT,
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent',
        ODOO_SANDBOX_PORT: port(stack.urls.odooSandbox), HUBSPOT_SANDBOX_PORT: port(stack.urls.hubspotSandbox),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise((r) => child.once('exit', (code) => r({ code, stdout, stderr })));
  }

  test('the catalog flow pushes the demo products once and says what it did; a second run adds and changes nothing', { timeout: 180_000 }, async () => {
    const store = join(dir, 'sync.sqlite');
    const upserts = () => stack.hubspotSandbox.log.count({ operation: 'batch_upsert', objectType: 'products' });
    const first = await runSync(['--flow', 'catalog', '--demo', '--store', store]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /^flow catalog/m);
    const applied = Number(/records applied\s+(\d+)/.exec(first.stdout)?.[1]);
    assert.ok(applied > 0, first.stdout);
    assert.ok(upserts() >= 1, 'products reached HubSpot in batches');

    // A second process over the same store: it may re-send the products inside the engine's
    // overlap window (clock skew, equal write_dates), by upsert and with the same values —
    // never a second product, never a changed value.
    const products = () => JSON.stringify(stack.hubspotSandbox.store.all('products').map((p) => {
      const { hs_lastmodifieddate: _modified, ...props } = p.properties;
      return [p.id, props];
    }));
    const before = products();
    const second = await runSync(['--flow', 'catalog', '--demo', '--store', store]);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.equal(products(), before, 'no product added or changed');
  });

  test('an unknown flow or a date that is not one is refused with usage, exit 2', async () => {
    const unknown = await runSync(['--flow', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage: npm run sync -- --flow <[a-z-|]+>/);
    const badDate = await runSync(['--flow', 'catalog', '--since', 'yesterday-ish']);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--since: not a date/);
  });
});
