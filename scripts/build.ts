// `npm run build`: compiles the components to JavaScript in dist/ (tsc with
// tsconfig.build.json) and copies the files they read at run time next to them
// (each subgraph's schema.graphql, supergraph.yaml), so `node dist/gateway/main.js`,
// `node dist/subgraphs/<name>/main.js`, … run with plain node: no tsx, no dev dependencies.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');

/** Read at run time, relative to the code that reads them (import.meta.dirname). */
const RUNTIME_FILES = ['supergraph.yaml', ...readdirSync(join(ROOT, 'subgraphs')).map((s) => join('subgraphs', s, 'schema.graphql'))];

rmSync(OUT, { recursive: true, force: true });
execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
/** Node's errno for a missing file (a system code, not one of ours in policy/errors.ts). */
const NO_SUCH_FILE = 'ENOENT';
let copied = 0;
for (const file of RUNTIME_FILES) {
  try {
    mkdirSync(dirname(join(OUT, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(OUT, file));
    copied++;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== NO_SUCH_FILE) throw e; // subgraphs/common has no schema
  }
}
console.log(`built ${OUT} (${copied} runtime files copied)`);
