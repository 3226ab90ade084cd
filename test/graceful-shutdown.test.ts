// A component told to stop (SIGTERM) finishes what it is doing: the Odoo subgraph,
// started as its own process, answers a request that is in flight when the signal
// arrives, refuses new connections meanwhile, and exits 0.
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { createOdooSandbox } from '../sandboxes/odoo/server.ts';
import { buildWorld, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
let child: ChildProcess | undefined;
const world = buildWorld();
const sandbox = createOdooSandbox({ dataset: world.odoo });

after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await sandbox.close();
});

/** Resolves with the URL the child logs once it listens (JSON lines on stdout). */
function listeningUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let buffered = '';
    proc.stdout!.on('data', (chunk) => {
      buffered += String(chunk);
      for (const line of buffered.split('\n')) {
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'odoo subgraph listening') resolveUrl(entry.url);
        } catch {
          // a partial line: wait for the rest
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
}

test('SIGTERM while a request is in flight: it completes, new connections are refused, the process exits 0', async () => {
  const odooUrl = await sandbox.listen(0);
  child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/odoo/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ODOO_SUBGRAPH_PORT: '0',
      ODOO_URL: odooUrl, ODOO_DB: world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
      ODOO_PROTOCOL: protocolsOf(sandbox.version)[0]!, SHUTDOWN_GRACE_MS: '10000', ALLOW_DEV_SECRETS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  const url = await listeningUrl(child);

  // The order read will wait 3 s at Odoo: long enough for the signal to arrive meanwhile, even on a busy machine.
  sandbox.faults.add({ kind: 'latency', ms: 3000, model: 'sale.order' });
  const identity = await signInternalToken({ sub: 'shutdown-test', roles: ['finance'], accountId: null, companyIds: null, scopes: [] }, 'odoo', DEV_INTERNAL_SECRET, 'shutdown-test-0001');
  const inFlight = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
    body: JSON.stringify({ query: 'query($n: String) { order(number: $n) { number state } }', variables: { n: world.demo.orderNumber } }),
  });
  // Wait until the request has reached Odoo, then stop the process.
  for (let i = 0; i < 1000 && sandbox.log.count({ model: 'sale.order' }) === 0; i++) await sleep(10);
  assert.equal(sandbox.log.count({ model: 'sale.order' }), 1, 'the request is at Odoo');
  child.kill('SIGTERM');
  // Once the signal is handled, a new connection is refused (while the request above is still at Odoo).
  let refused = false;
  for (let i = 0; i < 50 && !refused; i++) {
    refused = await fetch(url.replace('/graphql', '/health')).then(() => false, () => true);
    if (!refused) await sleep(50);
  }
  assert.ok(refused, 'a draining process accepts no new connection');

  const res = await inFlight;
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.equal(body.data.order.number, world.demo.orderNumber);
  assert.equal(await exited, 0);
});
