// The layers run one way (MISSION §9): gateway → subgraphs → connectors/store →
// policy/core; no subgraph reaches into another's files; production code never
// touches the sandboxes; and no module takes part in an import cycle. Read from the
// import statements of every .ts file, as the TypeScript compiler itself lists them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const PRODUCTION = ['gateway', 'subgraphs', 'connectors', 'core', 'policy', 'store', 'worker'];

/** The layers a folder may not import from (upward, or sideways into the wiring). */
const FORBIDDEN_BELOW: Record<string, string[]> = {
  subgraphs: ['gateway', 'worker'],
  connectors: ['subgraphs', 'gateway', 'worker'],
  store: ['subgraphs', 'gateway', 'worker'],
  core: ['subgraphs', 'gateway', 'connectors', 'store', 'worker'],
  policy: ['subgraphs', 'gateway', 'connectors', 'store', 'worker'],
  // The worker is a component beside the subgraphs: it uses connectors and the store, never a subgraph's files.
  worker: ['subgraphs', 'gateway'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? tsFiles(path) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** repo-relative path → the repo files it imports (relative specifiers only; packages are not layers). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(ROOT)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(ROOT, resolve(dirname(file), spec)).split(sep).join('/'));
    graph.set(relative(ROOT, file).split(sep).join('/'), targets);
  }
  return graph;
}

const top = (path: string) => path.split('/')[0]!;
/** 'subgraphs/odoo/loaders.ts' → 'odoo'; '' outside subgraphs. */
const subgraphOf = (path: string) => (top(path) === 'subgraphs' ? path.split('/')[1]! : '');

export function layeringViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const edge = `${from} → ${to}`;
      if (PRODUCTION.includes(top(from)) && top(to) === 'sandboxes') out.push(`production code imports a sandbox: ${edge}`);
      // `npm start`, the bench and the image never load the test harness.
      if (top(from) !== 'test' && top(to) === 'test') out.push(`only tests import the test harness: ${edge}`);
      if (FORBIDDEN_BELOW[top(from)]?.includes(top(to))) out.push(`${top(from)}/ imports upward from ${top(to)}/: ${edge}`);
      const [a, b] = [subgraphOf(from), subgraphOf(to)];
      if (a && b && a !== b && b !== 'common') out.push(`subgraph ${a} imports subgraph ${b}'s files: ${edge}`);
    }
  }
  return out;
}

/** Every import cycle, each named once by the files on it (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('layering', () => {
  const graph = importGraph();

  test('the scan sees the project (and resolves the imports it checks)', () => {
    assert.ok(graph.size > 100, `only ${graph.size} files found`);
    const writes = graph.get('subgraphs/writes/systems.ts');
    assert.ok(writes?.includes('connectors/odoo/records.ts'), 'writes/systems.ts reads Odoo through the connector');
    for (const [from, targets] of graph) {
      for (const to of targets) assert.ok(graph.has(to), `${from} imports ${to}, which is not a .ts file of the project`);
    }
  });

  test('the checks catch each kind of violation', () => {
    const bad = new Map<string, string[]>([
      ['subgraphs/writes/a.ts', ['subgraphs/odoo/loaders.ts', 'subgraphs/common/paging.ts']],
      ['connectors/odoo/x.ts', ['sandboxes/odoo/models.ts', 'subgraphs/odoo/loaders.ts']],
      ['core/y.ts', ['store/index.ts', 'policy/errors.ts']],
      ['policy/z.ts', ['connectors/odoo/x.ts']],
      ['scripts/stack.ts', ['test/support/test-store.ts']],
    ]);
    assert.deepEqual(layeringViolations(bad), [
      'subgraph writes imports subgraph odoo\'s files: subgraphs/writes/a.ts → subgraphs/odoo/loaders.ts',
      'production code imports a sandbox: connectors/odoo/x.ts → sandboxes/odoo/models.ts',
      'connectors/ imports upward from subgraphs/: connectors/odoo/x.ts → subgraphs/odoo/loaders.ts',
      'core/ imports upward from store/: core/y.ts → store/index.ts',
      'policy/ imports upward from connectors/: policy/z.ts → connectors/odoo/x.ts',
      'only tests import the test harness: scripts/stack.ts → test/support/test-store.ts',
    ]);
    const cyclic = new Map<string, string[]>([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['d.ts', 'a.ts']], ['e.ts', ['a.ts']]]);
    assert.deepEqual(importCycles(cyclic), [['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });

  test('no subgraph imports another, production never imports a sandbox, nothing imports upward, only tests import the test harness', () => {
    assert.deepEqual(layeringViolations(graph), []);
  });

  test('no import cycles', () => {
    assert.deepEqual(importCycles(graph), []);
  });
});
