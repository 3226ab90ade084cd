// What a process loads that it does not use: Apollo Gateway's usage-reporting
// packages (reporting is off by default) stay deferred until read. Each case runs
// in a fresh process, since a module once loaded stays loaded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
    for (const pkg of ['gaxios', 'gcp-metadata']) assert.deepEqual(filesOf(out.files, pkg), [], `${pkg} is not loaded`);
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
});
