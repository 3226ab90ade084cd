// No component contacts a host it was not configured with: Apollo Gateway's
// anonymous usage reporting (and the cloud-metadata probes that come with it) is off
// unless the operator sets APOLLO_TELEMETRY_DISABLED=false, and a whole request
// through gateway, subgraphs and backends connects to loopback only. The guard
// (test/support/no-outbound.mjs) runs under the whole suite; here it is asserted.
// Tests that build an ApolloGateway themselves (to read its schema) get
// APOLLO_TELEMETRY_DISABLED=true from `npm test`; the guard is what caught them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { disableApolloTelemetryByDefault } from '../gateway/server.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

// The guard is plain JavaScript loaded by `npm test` (NODE_OPTIONS); loaded here too when this file runs alone.
const GUARD = Symbol.for('odoo-crm-supergraph.no-outbound');
const guardModule = pathToFileURL(resolve(import.meta.dirname, 'support', 'no-outbound.mjs')).href;
if (!(globalThis as Record<symbol, unknown>)[GUARD]) await import(guardModule);
const outboundViolations = (): string[] => ((globalThis as Record<symbol, unknown>)[GUARD] as { violations: string[] }).violations;

describe('no phoning home', () => {
  let stack: TestStack;
  let apolloTelemetry: string | undefined;
  before(async () => {
    apolloTelemetry = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
    if (apolloTelemetry === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = apolloTelemetry;
  });

  test('the guard blocks a connection to a host that is not loopback', async () => {
    const before = outboundViolations().length;
    const error = await new Promise<Error>((resolve) => {
      const socket = net.connect({ host: '192.0.2.1', port: 443 }); // TEST-NET-1: never routed
      socket.once('error', resolve);
    });
    assert.match(error.message, /blocked/);
    assert.equal(outboundViolations().length, before + 1);
    outboundViolations().splice(before, 1); // this one was on purpose
  });

  test('a gateway built with Apollo defaults turns Apollo telemetry off unless the operator turned it on', () => {
    assert.equal(process.env.APOLLO_TELEMETRY_DISABLED, 'true');
    const env: Record<string, string | undefined> = { APOLLO_TELEMETRY_DISABLED: 'false' };
    disableApolloTelemetryByDefault(env);
    assert.equal(env.APOLLO_TELEMETRY_DISABLED, 'false', 'an explicit opt-in is kept');
  });

  test('a request through every component connects to loopback only', async () => {
    const res = await stack.query('query($n: String!) { order(number: $n) { number account { name } } }', { n: stack.world.demo.orderNumber });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(outboundViolations(), []);
  });
});

describe('the guard sees what Apollo would send', () => {
  const ROOT = resolve(import.meta.dirname, '..');
  const run = (env: Record<string, string>) => {
    const { APOLLO_TELEMETRY_DISABLED: _, NODE_OPTIONS: __, ...rest } = process.env;
    return spawnSync(process.execPath, ['--import', './test/support/no-outbound.mjs', '--import', 'tsx', 'test/support/stack-start-stop.ts'], {
      cwd: ROOT, env: { ...rest, NODE_ENV: 'test', ...env }, encoding: 'utf8', timeout: 60_000,
    });
  };

  test('a process running the stack with our defaults connects to no outside host', () => {
    const ok = run({});
    assert.equal(ok.status, 0, ok.stderr);
    assert.doesNotMatch(ok.stderr, /blocked/);
  });

  test('with Apollo telemetry turned on (APOLLO_TELEMETRY_DISABLED=false) the same run is caught probing cloud metadata and reporting to Apollo', () => {
    const phoned = run({ APOLLO_TELEMETRY_DISABLED: 'false' });
    assert.equal(phoned.status, 1, phoned.stderr);
    assert.match(phoned.stderr, /usage-reporting\.api\.apollographql\.com|169\.254\.169\.254/);
  });
});
