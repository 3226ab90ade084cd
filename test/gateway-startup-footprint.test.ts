// What a process loads that it does not use: Apollo Gateway's usage-reporting
// packages (reporting is off by default) stay deferred until read, the OTLP trace
// exporter loads only when an endpoint is configured, and `pg` and node-pg-migrate
// only for a Postgres store. Each case runs in a fresh process, since a module
// once loaded stays loaded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPORTING_ONLY_PACKAGES } from '../gateway/apollo-telemetry-deps.ts';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** Runs `body` (an async module body) in a fresh Node process under tsx; resolves with the JSON it prints last. */
async function inFreshProcess<T>(body: string, env: Record<string, string> = {}): Promise<T> {
  const code = `import { createRequire } from 'node:module';\nconst require = createRequire(${JSON.stringify(`${ROOT}/`)});\nconst root = ${JSON.stringify(ROOT)};\nconst loaded = () => Object.keys(require.cache).map((f) => f.slice(root.length));\n${body}`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

/** Files of `pkg` in a list of loaded files. */
const filesOf = (files: string[], pkg: string) => files.filter((f) => f.includes(`/node_modules/${pkg}/`));

describe('gateway start-up footprint', () => {
  test("the gateway defers every package Apollo loads only for its usage reporting: one stand-in each, none of their files", async () => {
    const out = await inFreshProcess<{ deferred: string[]; files: string[]; homes: Record<string, string>; exporter: string }>(`
      await import('./gateway/server.ts');
      // Read after the gateway loaded: had it not installed the stand-ins before Apollo, this import would find Apollo loaded and defer nothing.
      const { deferredAtLoad, REPORTING_ONLY_PACKAGES } = await import('./gateway/apollo-telemetry-deps.ts');
      const apolloFile = require.resolve('@apollo/gateway/dist/utilities/opentelemetry.js');
      // Where Apollo's copy of each package lives (Apollo may have its own, e.g. an older @opentelemetry/resources beside ours).
      const homes = Object.fromEntries(REPORTING_ONLY_PACKAGES.map((p) => { const f = createRequire(apolloFile).resolve(p); return [p, f.slice(root.length, f.lastIndexOf('/node_modules/' + p + '/') + p.length + 15)]; }));
      const apollo = require(apolloFile);
      console.log(JSON.stringify({ deferred: deferredAtLoad, files: loaded(), homes, exporter: typeof apollo.createDataCollectionExporter }));
    `);
    // A new Apollo release that moves or renames these requires fails here instead of silently loading them again.
    assert.deepEqual([...out.deferred].sort(), [...REPORTING_ONLY_PACKAGES].sort());
    for (const pkg of REPORTING_ONLY_PACKAGES) {
      assert.match(out.homes[pkg]!, new RegExp(`/node_modules/${pkg}/$`));
      assert.equal(out.files.filter((f) => f.startsWith(out.homes[pkg]!)).length, 1, `${pkg}: only its stand-in is loaded`);
    }
    for (const pkg of ['gaxios', 'gcp-metadata', '@opentelemetry/otlp-transformer', 'protobufjs']) assert.deepEqual(filesOf(out.files, pkg), [], `${pkg} is not loaded`);
    assert.equal(out.exporter, 'function', "Apollo's reporting module itself loads and exports what it did");
  });

  test('a deferred package loads on its first read and is then the package itself, for every later require', async () => {
    const out = await inFreshProcess<{ before: number; kind: string; after: number; same: boolean }>(`
      await import('./gateway/server.ts');
      const apolloRequire = createRequire(require.resolve('@apollo/gateway/dist/utilities/opentelemetry.js'));
      const count = () => loaded().filter((f) => f.includes('/node_modules/@opentelemetry/resource-detector-aws/')).length;
      const before = count();
      const standIn = apolloRequire('@opentelemetry/resource-detector-aws');
      const kind = typeof standIn.awsEc2Detector.detect;
      const after = count();
      const again = apolloRequire('@opentelemetry/resource-detector-aws');
      console.log(JSON.stringify({ before, kind, after, same: again.awsEc2Detector === standIn.awsEc2Detector && Object.keys(again).includes('awsEc2Detector') }));
    `);
    assert.equal(out.before, 1);
    assert.equal(out.kind, 'function');
    assert.ok(out.after > 1, 'the real package was loaded');
    assert.equal(out.same, true);
  });

  test('the embedded store does not load pg or node-pg-migrate; the gateway does not either', async () => {
    const out = await inFreshProcess<{ files: string[]; kind: string }>(`
      await import('./gateway/server.ts');
      const { openStoreFromEnv } = await import('./store/database.ts');
      const { store } = await openStoreFromEnv({ STORE_PATH: ':memory:' });
      const kind = store.kind;
      await store.close();
      console.log(JSON.stringify({ files: loaded(), kind }));
    `);
    assert.equal(out.kind, 'sqlite');
    assert.deepEqual(filesOf(out.files, 'pg'), []);
    assert.deepEqual(filesOf(out.files, 'node-pg-migrate'), []);
  });

  test('the OTLP trace exporter is loaded only with an endpoint, and then exports', async () => {
    const without = await inFreshProcess<{ files: string[] }>(`
      const { initTracing, shutdownTracing } = await import('./core/tracing.ts');
      initTracing('footprint');
      await shutdownTracing();
      console.log(JSON.stringify({ files: loaded() }));
    `, { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' });
    assert.deepEqual(filesOf(without.files, '@opentelemetry/exporter-trace-otlp-http'), []);

    const received: string[] = [];
    const collector = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const port = (collector.address() as { port: number }).port;
      const withEndpoint = await inFreshProcess<{ files: string[] }>(`
        const { initTracing, shutdownTracing, tracer } = await import('./core/tracing.ts');
        initTracing('footprint');
        tracer().startSpan('footprint span').end();
        await shutdownTracing();
        console.log(JSON.stringify({ files: loaded() }));
      `, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
      assert.ok(filesOf(withEndpoint.files, '@opentelemetry/exporter-trace-otlp-http').length > 0);
      assert.deepEqual(received, ['POST /v1/traces']);
    } finally {
      await new Promise((r) => collector.close(r));
    }
  });
});
