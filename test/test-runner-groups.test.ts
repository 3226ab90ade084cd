// `npm test` runs several test files to a process (scripts/test.ts). A file whose hooks
// node:test would apply to every test in the process, or that says it changes
// process-wide state, gets a process of its own; every file runs exactly once.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { groupTestFiles, needsOwnProcess } from '../scripts/test.ts';

const TEST_DIR = resolve(import.meta.dirname);

describe('test files share processes only when they can', () => {
  test('a file with a top-level hook or the own-process mark runs alone; hooks inside a describe do not count', () => {
    assert.equal(needsOwnProcess("import { after } from 'node:test';\nafter(() => stop());\n"), true);
    assert.equal(needsOwnProcess("beforeEach(async () => reset());\n"), true);
    assert.equal(needsOwnProcess('// test-runner: own process (sets the global tracer provider)\n'), true);
    assert.equal(needsOwnProcess("describe('x', () => {\n  before(() => start());\n  after(() => stop());\n});\n"), false);
    assert.equal(needsOwnProcess('// runs with the others: own process is not asked for here\n'), false);
  });

  test('every file is in exactly one process, in name order, at most the bound per process', () => {
    const files = ['d', 'a', 'c', 'b', 'e', 'f', 'g'].map((n) => ({ path: `/t/${n}.test.ts`, source: n === 'c' ? 'after(() => 0);\n' : '' }));
    const groups = groupTestFiles(files, 2);
    assert.deepEqual(groups, [['/t/a.test.ts', '/t/b.test.ts'], ['/t/c.test.ts'], ['/t/d.test.ts', '/t/e.test.ts'], ['/t/f.test.ts', '/t/g.test.ts']]);
  });

  test("the repository's own files: each runs once, and those with top-level hooks alone", () => {
    const files = readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.ts')).map((f) => ({ path: join(TEST_DIR, f), source: readFileSync(join(TEST_DIR, f), 'utf8') }));
    const groups = groupTestFiles(files);
    assert.deepEqual(groups.flat().sort(), files.map((f) => f.path).sort());
    for (const group of groups.filter((g) => g.length > 1)) {
      for (const path of group) assert.equal(needsOwnProcess(files.find((f) => f.path === path)!.source), false, `${path} shares a process`);
    }
    assert.ok(groups.length < files.length / 2, 'most files share a process');
  });
});
