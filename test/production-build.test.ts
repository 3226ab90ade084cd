// The production build: `npm run build` compiles to dist/, and every component
// starts from it with plain `node` (no tsx, NODE_ENV=production, secrets of its
// own): both sandboxes, the three subgraphs and the gateway, each its own process
// on port 0, and a query through the gateway answers with data from both systems.
// The compiled code imports no dev dependency (the Docker image prunes them).
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DEV_AUDIENCE, DEV_ISSUER, signCallerToken } from '../core/identity.ts';
import { buildWorld, SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { postGraphQL } from './support/stack.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const run = promisify(execFile);

interface Component {
  name: string;
  child: ChildProcess;
  output: string[];
}

/** Starts `node dist/<entry>` and resolves with the URL it logs once listening. */
function startComponent(name: string, entry: string, env: Record<string, string>, urlPattern: RegExp): Promise<{ component: Component; url: string }> {
  const child = spawn(process.execPath, [join(DIST, entry)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const component: Component = { name, child, output: [] };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${component.output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      component.output.push(text);
      const m = urlPattern.exec(component.output.join(''));
      if (m) {
        clearTimeout(timer);
        resolvePromise({ component, url: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${component.output.join('')}`));
    });
  });
}

async function stopComponent(c: Component): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((r) => c.child.once('exit', r));
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

describe('the production build runs with plain node', () => {
  const components: Component[] = [];
  const storeDir = mkdtempSync(join(tmpdir(), 'supergraph-build-'));
  let gatewayUrl = '';
  const callerSecret = randomBytes(32).toString('hex');
  const internalSecret = randomBytes(32).toString('hex');

  before(async () => {
    await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, timeout: 300_000 });
    const listening = /listening on (http:\/\/\S+?)[\s(]/;
    const logged = /"url":"(http:\/\/[^"]+)"/;
    const start = async (name: string, entry: string, env: Record<string, string>, pattern: RegExp) => {
      const { component, url } = await startComponent(name, entry, env, pattern);
      components.push(component);
      return url;
    };
    const odoo = await start('odoo sandbox', 'sandboxes/odoo/main.js', { ODOO_SANDBOX_PORT: '0' }, listening);
    const hubspot = await start('hubspot sandbox', 'sandboxes/hubspot/main.js', { HUBSPOT_SANDBOX_PORT: '0' }, listening);
    const backends = {
      NODE_ENV: 'production',
      INTERNAL_TOKEN_SECRET: internalSecret,
      ODOO_URL: odoo,
      ODOO_DB: SANDBOX_ODOO_CREDENTIALS.database,
      ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
      ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey,
      // JSON-RPC answers on every version the sandbox may imitate (ODOO_SANDBOX_VERSION); JSON-2 only on 19.
      ODOO_PROTOCOL: 'jsonrpc',
      HUBSPOT_BASE_URL: hubspot,
      HUBSPOT_ACCESS_TOKEN: SANDBOX_HUBSPOT_TOKEN,
      STORE_PATH: join(storeDir, 'store.sqlite'),
    };
    const [odooSubgraph, crmSubgraph, writesSubgraph] = await Promise.all([
      start('odoo subgraph', 'subgraphs/odoo/main.js', { ...backends, ODOO_SUBGRAPH_PORT: '0' }, logged),
      start('crm subgraph', 'subgraphs/crm/main.js', { ...backends, CRM_SUBGRAPH_PORT: '0' }, logged),
      start('writes subgraph', 'subgraphs/writes/main.js', { ...backends, WRITES_SUBGRAPH_PORT: '0' }, logged),
    ]);
    gatewayUrl = await start('gateway', 'gateway/main.js', {
      NODE_ENV: 'production',
      GATEWAY_PORT: '0',
      AUTH_JWT_SECRET: callerSecret,
      INTERNAL_TOKEN_SECRET: internalSecret,
      STORE_PATH: join(storeDir, 'gateway.sqlite'),
      GATEWAY_SUBGRAPH_ODOO_URL: odooSubgraph!,
      GATEWAY_SUBGRAPH_CRM_URL: crmSubgraph!,
      GATEWAY_SUBGRAPH_WRITES_URL: writesSubgraph!,
    }, logged);
  });

  after(async () => {
    await Promise.all(components.map(stopComponent));
    rmSync(storeDir, { recursive: true, force: true });
  });

  test('a query through the compiled gateway answers with data from both systems', async () => {
    const demo = buildWorld().demo;
    const token = await signCallerToken({ sub: 'build-check', roles: ['finance'] }, callerSecret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, expiresIn: '5m' });
    const res = await postGraphQL(gatewayUrl, 'query($n: String!) { order(number: $n) { number state account { name } } }', { n: demo.orderNumber }, { authorization: `Bearer ${token}` });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.order.number, demo.orderNumber);
    assert.equal(res.data.order.account.name, demo.accountName, 'the account name comes from the CRM subgraph');
  });

  test('the compiled components do not serve the development explorer in production', async () => {
    const res = await fetch(`${new URL(gatewayUrl).origin}/explorer`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });

  test('the compiled code imports no dev dependency and no TypeScript file', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const devDeps = Object.keys(pkg.devDependencies);
    const files = jsFiles(DIST);
    assert.ok(files.length > 50 && existsSync(join(DIST, 'subgraphs', 'odoo', 'schema.graphql')));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2])!;
        assert.ok(!spec.endsWith('.ts'), `${file} imports ${spec}`);
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        assert.ok(!devDeps.includes(name), `${file} imports the dev dependency ${spec}`);
      }
    }
  });
});
