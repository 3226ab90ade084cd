// The Dockerfile and compose.yaml, checked without a Docker daemon (CI builds the
// image where one is available, .ci/run): a multi-stage build whose runtime stage
// runs as a non-root user with a HEALTHCHECK, and a compose file whose services run
// compiled entry points that exist, with settings the code reads and the sandbox
// credentials the seed really has. test/production-build.test.ts runs those same
// entry points from dist/ with plain node.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { ODOO_DATABASE } from '../sandboxes/seed/catalog.ts';
import { SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Landing from the sync-worker work (worker/main.ts, `npm run start:worker`); compose already runs it. */
const NOT_YET_IN_THIS_TREE = existsSync(join(ROOT, 'worker', 'main.ts')) ? [] : ['worker/main.ts'];

interface Service {
  image?: string; command?: string[]; environment?: Record<string, string>; healthcheck?: { disable?: boolean; test?: string[] };
  depends_on?: Record<string, { condition?: string }>; profiles?: string[]; deploy?: { replicas?: number }; volumes?: string[]; ports?: string[];
}
const compose = YAML.parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const OUR_IMAGE = 'odoo-crm-supergraph:local';
/** Services built from this repository's image (not the PostgreSQL and Redis images of the scale profile). */
const ours = Object.fromEntries(Object.entries(compose.services).filter(([, s]) => s.image === OUR_IMAGE));
/** The single-host default: what `docker compose up` starts. */
const single = Object.fromEntries(Object.entries(ours).filter(([, s]) => !s.profiles?.length));
/** The profile "scale": two replicas of every component on PostgreSQL and Redis. */
const scaled = Object.fromEntries(Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('scale')));
function sourceText(): string {
  const dirs = ['gateway', 'subgraphs', 'connectors', 'core', 'policy', 'store', 'sandboxes', 'scripts', 'worker'];
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])) : []);
  return dirs.flatMap((d) => files(join(ROOT, d))).map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** `${NAME:-default}` → default; `${NAME:?msg}` → a placeholder (the operator must set it). */
function value(v: string): string {
  return String(v).replace(/\$\{(\w+):-([^}]*)\}/g, '$2').replace(/\$\{(\w+):\?[^}]*\}/g, '<$1>');
}

test('the Dockerfile builds in one stage and runs compiled code as a non-root user with a healthcheck', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  assert.ok(stages.length >= 2, 'multi-stage');
  const runtime = stages.at(-1)!;
  assert.match(stages[0]!, /npm ci/);
  assert.match(stages[0]!, /npm run build/);
  assert.match(stages[0]!, /npm prune --omit=dev/);
  assert.match(runtime, /^USER (?!root\b|0\b)\S+/m, 'the runtime stage runs as a non-root user');
  assert.match(runtime, /^HEALTHCHECK .*CMD \["node", "dist\/scripts\/healthcheck\.js"\]/m);
  assert.ok(existsSync(join(ROOT, 'scripts', 'healthcheck.ts')));
  assert.match(runtime, /^CMD \["node", "dist\/gateway\/main\.js"\]/m);
  assert.doesNotMatch(runtime, /tsx/, 'the runtime runs JavaScript, not TypeScript');
  assert.match(readFileSync(join(ROOT, '.dockerignore'), 'utf8'), /^node_modules$/m, 'the host node_modules (built for another platform) stays out');
});

test('compose.yaml runs gateway, subgraphs, worker and sandboxes from compiled entry points that exist', () => {
  const names = Object.keys(single).sort();
  assert.deepEqual(names, ['crm-subgraph', 'gateway', 'hubspot-sandbox', 'odoo-sandbox', 'odoo-subgraph', 'worker', 'writes-subgraph']);
  const missing: string[] = [];
  for (const [name, s] of Object.entries(ours)) {
    assert.equal(s.command?.[0], 'node', `${name} runs plain node`);
    // node [V8/Node flags…] dist/<entry>.js
    const entry = s.command?.at(-1) ?? '';
    for (const flag of s.command?.slice(1, -1) ?? []) assert.match(flag, /^--[a-z][a-z0-9-]*(=[A-Za-z0-9._-]+)?$/, `${name}: ${flag} is a node flag`);
    assert.match(entry, /^dist\/.+\.js$/, `${name} runs compiled code`);
    const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    if (!existsSync(join(ROOT, source))) missing.push(source);
    if (!s.healthcheck?.disable) assert.match(s.environment?.HEALTHCHECK_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+\//, `${name} names its own health URL`);
  }
  assert.deepEqual(missing, NOT_YET_IN_THIS_TREE);
});

test("compose.yaml's settings are ones the code reads, and its ports and URLs agree", () => {
  const source = sourceText();
  const env = (name: string) => Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, value(v)]));
  for (const [name, s] of Object.entries(ours)) {
    for (const key of Object.keys(s.environment ?? {})) {
      assert.ok(source.includes(key), `${name}: ${key} is read nowhere`);
    }
  }
  const gw = env('gateway');
  for (const sg of ['odoo', 'crm', 'writes']) {
    const port = env(`${sg}-subgraph`)[`${sg.toUpperCase()}_SUBGRAPH_PORT`];
    assert.equal(gw[`GATEWAY_SUBGRAPH_${sg.toUpperCase()}_URL`], `http://${sg}-subgraph:${port}/graphql`);
    assert.equal(env(`${sg}-subgraph`).HEALTHCHECK_URL, `http://127.0.0.1:${port}/health`);
  }
  assert.equal(env('odoo-subgraph').ODOO_URL, `http://odoo-sandbox:${env('odoo-sandbox').ODOO_SANDBOX_PORT}`);
  assert.equal(env('crm-subgraph').HUBSPOT_BASE_URL, `http://hubspot-sandbox:${env('hubspot-sandbox').HUBSPOT_SANDBOX_PORT}`);
});

test("compose.yaml's sandbox credentials are the seeded world's", () => {
  const e = Object.fromEntries(Object.entries(compose.services['writes-subgraph']!.environment ?? {}).map(([k, v]) => [k, value(v)]));
  assert.equal(e.ODOO_DB, ODOO_DATABASE);
  assert.equal(e.ODOO_LOGIN, SANDBOX_ODOO_CREDENTIALS.login);
  assert.equal(e.ODOO_API_KEY, SANDBOX_ODOO_CREDENTIALS.apiKey);
  assert.equal(e.HUBSPOT_ACCESS_TOKEN, SANDBOX_HUBSPOT_TOKEN);
  assert.equal(e.NODE_ENV, 'production');
  assert.match(String(compose.services.gateway!.environment?.AUTH_JWT_SECRET), /^\$\{AUTH_JWT_SECRET:\?/, 'no default secret: compose refuses to start without one');
});

test('the scale profile runs two replicas of every component on PostgreSQL and Redis, and leaves the default alone', () => {
  const env = (name: string) => Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, value(v)]));
  const components = ['odoo-subgraph', 'crm-subgraph', 'writes-subgraph', 'worker', 'gateway'];
  assert.deepEqual(Object.keys(scaled).sort(), [...components.map((c) => `${c}-scale`), 'postgres', 'redis'].sort());
  for (const server of ['postgres', 'redis']) {
    assert.ok(scaled[server]!.healthcheck?.test?.length, `${server} has a healthcheck the components wait for`);
  }
  const pg = env('postgres');
  const storeUrl = `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`;
  assert.equal(compose.services.postgres!.environment?.POSTGRES_PASSWORD, '${POSTGRES_PASSWORD:-}', 'the password comes from the operator, never a default');
  for (const c of components) {
    const s = scaled[`${c}-scale`]!;
    assert.ok((s.deploy?.replicas ?? 1) >= 2, `${c}: several replicas`);
    assert.deepEqual(s.command, single[c]!.command, `${c}: the same entry point as on one host`);
    assert.equal(s.volumes, undefined, `${c}: no volume — replicas keep no state of their own`);
    const e = env(`${c}-scale`);
    assert.equal(e.STORE_PATH, undefined, `${c}: no SQLite file`);
    assert.equal(e.NODE_ENV, 'production');
    // What each needs shared (docs/deployment.md "Topology").
    if (['writes-subgraph', 'worker', 'gateway'].includes(c)) assert.equal(e.STORE_URL, storeUrl, `${c}: the store on PostgreSQL`);
    if (['odoo-subgraph', 'crm-subgraph', 'writes-subgraph', 'worker'].includes(c)) assert.equal(e.REDIS_URL, 'redis://redis:6379/0', `${c}: caches and invalidation in Redis`);
    for (const [k, v] of Object.entries(single[c]!.environment ?? {})) {
      if (k === 'STORE_PATH' || k.startsWith('GATEWAY_SUBGRAPH_')) continue;
      assert.equal(s.environment?.[k], v, `${c}: ${k} as on one host`);
    }
  }
  for (const c of ['writes-subgraph', 'gateway']) assert.equal(scaled[`${c}-scale`]!.depends_on?.postgres?.condition, 'service_healthy');
  for (const c of ['odoo-subgraph', 'crm-subgraph', 'writes-subgraph']) assert.equal(scaled[`${c}-scale`]!.depends_on?.redis?.condition, 'service_healthy');
  const gw = env('gateway-scale');
  for (const sg of ['odoo', 'crm', 'writes']) {
    assert.equal(gw[`GATEWAY_SUBGRAPH_${sg.toUpperCase()}_URL`], `http://${sg}-subgraph-scale:${env(`${sg}-subgraph-scale`)[`${sg.toUpperCase()}_SUBGRAPH_PORT`]}/graphql`);
  }
  // Replicas of one service cannot publish one host port: each gets one of a range at least as wide.
  const range = /^127\.0\.0\.1:(\d+)-(\d+):4000$/.exec(value(scaled['gateway-scale']!.ports?.[0] ?? ''));
  assert.ok(range, 'the gateways publish a loopback port range');
  assert.ok(Number(range[2]) - Number(range[1]) + 1 >= scaled['gateway-scale']!.deploy!.replicas!);
  // The single-host services stay on the embedded store.
  for (const c of components) assert.equal(single[c]!.environment?.STORE_URL, undefined, `${c}: the default is unchanged`);
});
