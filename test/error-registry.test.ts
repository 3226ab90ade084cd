// The error-code registry (policy/errors.ts) is the only source of codes: every code
// the sources or the tests name is registered, each with its class, and the
// refusals the audit trail records are exactly the codes classed as refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_CLASSES, codesOfClass, ERRORS, MASTER_DATA_ISSUES, VALIDATION_ISSUES } from '../policy/errors.ts';
import { OWNING_TEAMS } from '../policy/teams.ts';

const ROOT = new URL('..', import.meta.url).pathname;
// The sandboxes speak Odoo's and HubSpot's own error vocabularies, not ours.
const DIRECTORIES = ['gateway', 'subgraphs', 'connectors', 'core', 'store', 'policy', 'scripts', 'test'];
// Not ours either: the registry itself (its teams look like codes), the backends' native
// codes the connector conformance tests feed in, and the seeded world's warehouse codes.
const SKIPPED = /(policy\/errors\.ts|error-registry\.test\.ts|-conformance\.test\.ts|odoo-sandbox\.test\.ts|seed-world\.test\.ts)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !SKIPPED.test(path) ? [path] : [];
  });
}

// Where a code is written as a literal: `code: 'X'`, `code === 'X'`, `errorCode === 'X'`,
// `.code, 'X'` (an assertion), and the second argument of confirmQuote's `issue(…)`.
const PATTERNS = [
  /\b(?:code|errorCode)\s*(?::|===|!==)\s*'([A-Z][A-Z0-9_]+)'/g,
  /\.(?:code|errorCode),\s*'([A-Z][A-Z0-9_]+)'/g,
  /\b(?:issue|syncIssue)\([^,]+,\s*'([A-Z][A-Z0-9_]+)'/g,
];

test('every error or issue code named in the sources and tests is registered', () => {
  const unregistered: string[] = [];
  let seen = 0;
  for (const file of DIRECTORIES.flatMap((d) => sources(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of PATTERNS) {
      for (const m of text.matchAll(pattern)) {
        seen++;
        if (!CODE_CLASSES.has(m[1]!)) unregistered.push(`${file.slice(ROOT.length)}: ${m[1]}`);
      }
    }
  }
  assert.ok(seen > 50, `the scan found only ${seen} codes: the patterns no longer match the sources`);
  assert.deepEqual(unregistered, []);
});

test('codes are unique across thrown errors and validation issues, and each has a class', () => {
  const codes = [...Object.values(ERRORS).map((d) => d.code), ...Object.values(VALIDATION_ISSUES).map((d) => d.code), ...Object.values(MASTER_DATA_ISSUES).map((d) => d.code)];
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(CODE_CLASSES.size, codes.length);
  for (const [key, d] of [...Object.entries(VALIDATION_ISSUES), ...Object.entries(MASTER_DATA_ISSUES)]) {
    assert.equal(d.code, key);
    assert.ok(Object.hasOwn(OWNING_TEAMS, d.team), `${key} is routed to an unknown team ${d.team}`);
  }
});

test('the refusals the audit trail records are the codes classed as refusals', () => {
  // What audit-refusals.ts recorded before the classes existed; a code moving in or out is a decision, not a drift.
  assert.deepEqual(
    [...codesOfClass('refusal')].sort(),
    ['BAD_USER_INPUT', 'CONFLICT', 'CROSS_REFERENCE_CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'READ_ONLY_FIELD', 'UNAUTHENTICATED', 'VALIDATION_FAILED'],
  );
  assert.deepEqual([...codesOfClass('validation-issue')].sort(), Object.keys(VALIDATION_ISSUES).sort());
});
