// The "before" of issue 13 in the same run as the "after" (bench/bench.ts, BENCH_BEFORE):
// an earlier commit's whole stack — its gateway and its three subgraphs, each in a
// process of its own — served over the same sandbox processes as every other target.
// Its whole stack, not its gateway alone: the internal credential's format changed
// since (a jose JWT at 2016f13, an HMAC now), so an old gateway cannot call today's
// subgraphs, and the subgraphs' own levers need their "before" too.
//
// The commit's tree is written once into a cache folder outside the repository
// (`git archive`, no network), with node_modules a symlink to this checkout's: the
// baseline's dependencies must be a subset of today's at the same versions (true for
// 2016f13; a commit that needs another version fails to start and says which module).
// With BENCH_GATEWAY_CODE=dist its gateway is compiled there by its own `npm run build`
// script, once per commit, so before and after run the same way.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, deployedNodeFlags, Proc, ROOT } from './procs.ts';

/** The last commit before the first issue-13 lever (4ebd9b2, subgraph calls through undici.request). */
export const DEFAULT_BEFORE = '2016f13';

export interface Before {
  /** What the run was asked for (a commit, a tag…) and the full hash it names. */
  ref: string;
  commit: string;
  /** The materialised tree. */
  dir: string;
  /** One line of the commit, for the results' header. */
  subject: string;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

function cacheRoot(): string {
  const base = process.env.BENCH_BEFORE_CACHE?.trim() || path.join(process.env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache'), 'odoo-crm-supergraph', 'before');
  return path.resolve(base);
}

/** The baseline's tree in the cache (written on first use), node_modules linked, its gateway built when `code` is dist. */
export function ensureBefore(ref: string, code: 'dist' | 'tsx'): Before {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const subject = git('log', '-1', '--format=%h %s', commit);
  const dir = path.join(cacheRoot(), commit);
  if (!existsSync(path.join(dir, '.complete'))) {
    console.log(`materialising ${ref} (${commit.slice(0, 10)}) into ${dir}…`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    writeFileSync(path.join(tmp, '.complete'), `${commit}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another bench materialised the same commit meanwhile: keep its tree.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(path.join(dir, '.complete'))) throw e;
    }
  }
  // Re-pointed on every run: the checkout the link was made from may have moved or gone.
  const modules = realpathSync(path.join(ROOT, 'node_modules'));
  const link = path.join(dir, 'node_modules');
  let current: string | undefined;
  try { current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'not a link'; } catch { current = undefined; }
  if (current !== modules) {
    if (current === 'not a link') throw new Error(`${link} is not a symlink; remove it`);
    rmSync(link, { force: true });
    symlinkSync(modules, link, 'dir');
  }
  if (code === 'dist' && !existsSync(path.join(dir, 'dist', '.complete'))) {
    console.log(`building ${commit.slice(0, 10)}'s gateway (its own npm run build)…`);
    execFileSync(process.execPath, ['--import', 'tsx', path.join(dir, 'scripts', 'build.ts')], { cwd: dir, stdio: 'inherit' });
    writeFileSync(path.join(dir, 'dist', '.complete'), `${commit}\n`);
  }
  return { ref, commit, dir, subject };
}

/** The baseline's supergraph SDL over its own subgraphs' schemas, composed by its own code. */
export async function composeBefore(b: Before, urls: Record<string, string>): Promise<{ names: string[]; sdl: string }> {
  const { composeSupergraph, readSupergraphConfig } = await import(pathToFileURL(path.join(b.dir, 'gateway', 'composition.ts')).href);
  const config = readSupergraphConfig() as Array<{ name: string }>;
  return { names: config.map((s) => s.name), sdl: composeSupergraph(config, urls).supergraphSdl as string };
}

/** Prefix of the baseline's subgraph processes' names: `before/odoo-subgraph`, … */
export const BEFORE_PREFIX = 'before/';

/** One of the baseline's subgraphs (`odoo-subgraph`, `crm-subgraph`, `writes-subgraph`) in its own process, compiled or under tsx as ours (BENCH_COMPONENT_CODE in `env`). */
export function startBeforeSubgraph(b: Before, role: string, env: NodeJS.ProcessEnv): Promise<Proc> {
  return Proc.start(`${BEFORE_PREFIX}${role}`, 'subgraph', path.join(BENCH_DIR, 'before-component.ts'), {
    tsx: true, args: [role], cwd: b.dir, nodeFlags: deployedNodeFlags(role, b.dir), env: { ...env, BENCH_BEFORE_DIR: b.dir },
  });
}

/** The baseline's gateway through the same runner as ours (bench/gateway-process.mjs), compiled or under tsx as ours. */
export function startBeforeGateway(b: Before, code: 'dist' | 'tsx', sdl: string, name: string): Promise<Proc> {
  return Proc.start(name, 'gateway', path.join(BENCH_DIR, 'gateway-process.mjs'), {
    tsx: code === 'tsx', cwd: b.dir, nodeFlags: deployedNodeFlags('gateway', b.dir), stdin: sdl, env: { ...process.env, BENCH_GATEWAY_CODE: code, BENCH_GATEWAY_ROOT: b.dir },
  });
}
