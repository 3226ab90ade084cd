// Hive Gateway is installed on demand into this directory (its own package.json and
// lockfile, `npm ci --prefix`), never by the project's own install: the bench
// (bench/bench.ts) and test/supergraph-under-hive-gateway.test.ts both call this.
// The install is kept in node_modules/ here (gitignored) and redone only when the
// lockfile changes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HIVE_DIR = import.meta.dirname;
/** The server the bench and the test fork (its CLI/IPC contract: see its header). */
export const HIVE_SERVE = path.join(HIVE_DIR, 'serve.mjs');
/** A registry install of ~160 packages takes seconds; one that hangs must not hold a CI run. */
const INSTALL_TIMEOUT_MS = 5 * 60_000;

export function ensureHive(log: (line: string) => void = console.log): void {
  const lock = readFileSync(path.join(HIVE_DIR, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(HIVE_DIR, 'node_modules', '.installed-lock.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  log('installing Hive Gateway into bench/peers/hive (npm ci, own lockfile)…');
  // The installer reaches the registry: the tests' no-outbound guard (NODE_OPTIONS) is for our components, not for npm.
  const { NODE_OPTIONS: _guard, ...env } = process.env;
  execFileSync('npm', ['ci', '--prefix', HIVE_DIR, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'inherit', 'inherit'], env, timeout: INSTALL_TIMEOUT_MS,
  });
  writeFileSync(stamp, digest);
}
