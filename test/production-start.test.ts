// NODE_ENV=production means the same for `npm start` as for each component
// started alone: the public development secrets are refused, naming the variable,
// before anything listens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const PORTS = { GATEWAY_PORT: '0', ODOO_SUBGRAPH_PORT: '0', CRM_SUBGRAPH_PORT: '0', WRITES_SUBGRAPH_PORT: '0', ODOO_SANDBOX_PORT: '0', HUBSPOT_SANDBOX_PORT: '0' };

function start(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AUTH_|INTERNAL_TOKEN_SECRET|ALLOW_DEV_SECRETS)/.test(k)));
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: ROOT, env: { ...clean, ...PORTS, ...env }, encoding: 'utf8', timeout: 60_000 });
}

test('npm start with NODE_ENV=production and the embedded secrets refuses to start, naming the variables', () => {
  const run = start({ NODE_ENV: 'production' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /AUTH_JWT_SECRET/);
  assert.match(run.stderr, /INTERNAL_TOKEN_SECRET/);
  assert.doesNotMatch(run.stdout, /is running/);
});

test('ALLOW_DEV_SECRETS does not lift the refusal in production, as for the components alone', () => {
  const run = start({ NODE_ENV: 'production', ALLOW_DEV_SECRETS: '1' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /development secret/);
});
