// `npm test [-- file…]`: runs test/*.test.ts (or the files given) with Node's test runner,
// several files to a process.
//
// Why not one process per file, as `node --test test/*.test.ts` does: each process spends
// about 3 s of CPU loading the TypeScript loader and the system's ~2,400 modules before its
// first test, which was half the suite's CPU, and CI runs the suite three times side by side
// on two cores. Measured on eight stack-starting files: 50.6 s of CPU one process each,
// 18.8 s in one process.
//
// What sharing a process changes, and how a file opts out: node:test applies hooks declared
// at a module's top level (before/after/beforeEach/afterEach outside any describe) to every
// test in the process, and every file in a group is imported before the first test runs. So
// a file with top-level hooks runs alone, as does a file that says `// test-runner: own
// process` with its reason (a file that changes process-wide state at import or for its
// whole run). Files run one at a time, in name order, as before.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
/** Files per process: large enough that loading is paid rarely, small enough that one file that crashes its process takes few others' results with it. */
const FILES_PER_PROCESS = Number(process.env.TEST_FILES_PER_PROCESS ?? 10);
const OWN_PROCESS_MARK = /^\/\/ test-runner: own process\b/m;
const TOP_LEVEL_HOOK = /^(before|after|beforeEach|afterEach)\(/m;

/** Whether a test file must have a process of its own (see the header). */
export function needsOwnProcess(source: string): boolean {
  return OWN_PROCESS_MARK.test(source) || TOP_LEVEL_HOOK.test(source);
}

/** The files in processes: each inner list is one process, in name order. */
export function groupTestFiles(files: Array<{ path: string; source: string }>, perProcess = FILES_PER_PROCESS): string[][] {
  const groups: string[][] = [];
  let open: string[] = [];
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (needsOwnProcess(f.source)) {
      groups.push([f.path]);
      continue;
    }
    open.push(f.path);
    if (open.length >= perProcess) {
      groups.push(open);
      open = [];
    }
  }
  if (open.length > 0) groups.push(open);
  return groups;
}

function main(): void {
  const args = process.argv.slice(2);
  const runnerFlags = args.filter((a) => a.startsWith('--'));
  const named = args.filter((a) => !a.startsWith('--')).map((a) => resolve(a));
  const paths = named.length > 0 ? named : readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => join(ROOT, 'test', f));
  const groups = groupTestFiles(paths.map((path) => ({ path, source: readFileSync(path, 'utf8') })));

  // Each group is an entry file importing its test files; a single file runs as itself.
  const dir = mkdtempSync(join(tmpdir(), 'ocs-test-groups-'));
  const entries = groups.map((group, i) => {
    if (group.length === 1) return group[0];
    const name = `${String(i + 1).padStart(2, '0')}-${basename(group[0], '.test.ts')}…${basename(group.at(-1)!, '.test.ts')}.test.mjs`;
    const entry = join(dir, name);
    writeFileSync(entry, group.map((p) => `import ${JSON.stringify(pathToFileURL(p).href)};\n`).join(''));
    return entry;
  });

  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...runnerFlags, ...entries], { cwd: ROOT, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) main();
