// Child processes of the benchmark: every component (sandbox, subgraph, gateway) is
// forked on port 0 and answers over IPC in the order it was asked (bench/component.ts,
// bench/gateway-process.mjs, bench/peers/hive/serve.mjs all follow that contract:
// { url } first, then one answer per message; 'cpu' → { cpu, rss }; 'stop' exits).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');

export type Kind = 'gateway' | 'subgraph' | 'sandbox';

/**
 * The Node flags a checkout's compose.yaml starts a component with (`node <flags> dist/…`,
 * its production deployment): the bench runs each of our components, and ours-before's, as
 * its own commit deploys it. None when the service or the file is absent.
 */
export function deployedNodeFlags(service: string, checkout = ROOT): string[] {
  const file = path.join(checkout, 'compose.yaml');
  if (!existsSync(file)) return [];
  const compose = YAML.parse(readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, { command?: string[] }> };
  const command = compose.services?.[service]?.command ?? [];
  return command[0] === 'node' ? command.slice(1, -1).filter((a) => a.startsWith('--')) : [];
}
export interface Stats { cpuMs: number; rss: number }

export class Proc {
  readonly url: string;
  private readonly waiting: Array<{ resolve: (m: any) => void; reject: (e: Error) => void }> = [];
  private exited = false;

  private constructor(readonly name: string, readonly kind: Kind, readonly child: ChildProcess, url: string) {
    this.url = url;
    child.on('message', (m) => this.waiting.shift()?.resolve(m));
    child.on('exit', (code) => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${name} exited (${code})`));
    });
  }

  /** Forks `file` and waits for its { url }; `stdin` (the supergraph SDL for gateways) is written and closed; `nodeFlags` go to the child's node (e.g. --cpu-prof). */
  static async start(name: string, kind: Kind, file: string, opts: { args?: string[]; tsx?: boolean; nodeFlags?: string[]; env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string }): Promise<Proc> {
    const child = fork(file, opts.args ?? [], {
      execArgv: [...(opts.tsx ? ['--import', 'tsx'] : []), ...(opts.nodeFlags ?? [])], cwd: opts.cwd, env: opts.env ?? process.env,
      stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    });
    const first = new Promise<{ url: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string }));
      child.once('exit', (code) => reject(new Error(`${name} exited before listening (${code})`)));
    });
    child.stdin!.end(opts.stdin ?? '');
    const { url } = await first;
    return new Proc(name, kind, child, url);
  }

  ask<T = any>(msg: unknown): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: (m) => ((m as { error?: string })?.error ? reject(new Error((m as { error: string }).error)) : resolve(m as T)), reject });
      this.child.send(msg as never);
    });
  }

  async stats(): Promise<Stats> {
    const { cpu, rss } = await this.ask<{ cpu: NodeJS.CpuUsage; rss: number }>('cpu');
    return { cpuMs: (cpu.user + cpu.system) / 1000, rss };
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** Hive Gateway, installed on demand into bench/peers/hive from its own lockfile (one installer, shared with the Hive test). */
export { ensureHive } from './peers/hive/ensure.ts';

export function startHive(planner: 'js' | 'rust', sdl: string): Promise<Proc> {
  const dir = path.join(BENCH_DIR, 'peers', 'hive');
  // Hive reads LOG_LEVEL too and knows no 'silent'; logging is off in serve.mjs.
  return Proc.start(`hive-${planner}`, 'gateway', path.join(dir, 'serve.mjs'), { cwd: dir, stdin: sdl, env: { ...process.env, LOG_LEVEL: undefined, HIVE_PLANNER: planner } });
}

/** Our gateway: compiled (dist/, plain node) or the TypeScript sources under tsx. */
export function startOurs(code: 'dist' | 'tsx', sdl: string, name = 'ours'): Promise<Proc> {
  return Proc.start(name, 'gateway', path.join(BENCH_DIR, 'gateway-process.mjs'), { tsx: code === 'tsx', nodeFlags: deployedNodeFlags('gateway'), stdin: sdl, env: { ...process.env, BENCH_GATEWAY_CODE: code } });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') || e.name.endsWith('.graphql') || e.name.endsWith('.yaml')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm run build` when dist/ is missing or older than the sources the gateway is built from. */
export function ensureBuild(): void {
  const entry = path.join(ROOT, 'dist', 'gateway', 'server.js');
  const sources = Math.max(...['gateway', 'core', 'policy', 'connectors', 'subgraphs'].map((d) => newestMtime(path.join(ROOT, d))), statSync(path.join(ROOT, 'supergraph.yaml')).mtimeMs);
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  console.log('building the compiled gateway (npm run build)…');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
