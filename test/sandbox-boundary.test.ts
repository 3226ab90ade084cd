// The sandboxes are stand-ins for Odoo and HubSpot: production code must reach real
// systems by configuration alone (§8), so nothing outside sandboxes/, scripts/,
// bench/ and test/ may import them — not even a type.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PRODUCTION = ['gateway', 'subgraphs', 'connectors', 'policy', 'core', 'store'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('production code imports nothing from sandboxes/', () => {
  const files = PRODUCTION.flatMap((d) => tsFiles(join(ROOT, d)));
  assert.ok(files.length > 50, `only ${files.length} production files found`);
  const offending = files.flatMap((file) =>
    ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.') && relative(ROOT, resolve(dirname(file), spec)).split(/[\\/]/)[0] === 'sandboxes')
      .map((spec) => `${relative(ROOT, file)} → ${spec}`));
  assert.deepEqual(offending, []);
});
