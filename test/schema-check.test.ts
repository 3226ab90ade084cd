// `npm run schema:check` (scripts/schema-check.ts), run as the command CI runs: a
// breaking change against the released schema fails it with a message naming the
// change, unless declared with a reason; a safe addition passes; a declaration
// that matches nothing fails; ownership and mapping changes are printed as a data
// diff; and the repository itself passes against its released snapshot.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const ROOT = new URL('..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test', 'fixtures', 'schema-check');
const SCRIPT = join(ROOT, 'scripts', 'schema-check.ts');

async function check(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    assert.equal(typeof err.code, 'number', String(e));
    return { code: err.code!, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('npm run schema:check', () => {
  let dir: string;
  const released = () => ['--released', dir];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
    copyFileSync(join(FIXTURES, 'released.graphql'), join(dir, 'api.graphql'));
    copyFileSync(join(ROOT, 'schema', 'released', 'mappings.json'), join(dir, 'mappings.json'));
    writeFileSync(join(dir, 'none.yaml'), 'breaking: []\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a removed field and a changed argument type fail it, each named with its path and kind', async () => {
    const { code, out } = await check(...released(), '--current', join(FIXTURES, 'breaking.graphql'), '--declared', join(dir, 'none.yaml'));
    assert.equal(code, 1, out);
    assert.match(out, /BREAKING: Field 'legacyState' was removed from object type 'Order' \(FIELD_REMOVED at Order\.legacyState\)/);
    assert.match(out, /BREAKING: Type for argument 'first' on field 'Query\.orders' changed from 'Int' to 'String' \(FIELD_ARGUMENT_TYPE_CHANGED at Query\.orders\.first\)/);
    assert.match(out, /schema:check FAILED: 2 undeclared breaking change\(s\)/);
  });

  test('declared with a reason, the same changes pass (and are still listed)', async () => {
    const { code, out } = await check(...released(), '--current', join(FIXTURES, 'breaking.graphql'), '--declared', join(FIXTURES, 'declared.yaml'));
    assert.equal(code, 0, out);
    assert.match(out, /breaking \(declared\) \| Order\.legacyState/);
    assert.match(out, /schema:check passed/);
  });

  test('declaring only one of the two is not enough', async () => {
    const one = join(dir, 'one.yaml');
    writeFileSync(one, 'breaking:\n  - path: Order.legacyState\n    reason: Replaced by Order.state long ago.\n');
    const { code, out } = await check(...released(), '--current', join(FIXTURES, 'breaking.graphql'), '--declared', one);
    assert.equal(code, 1, out);
    assert.match(out, /FIELD_ARGUMENT_TYPE_CHANGED at Query\.orders\.first/);
    assert.doesNotMatch(out, /BREAKING: Field 'legacyState'/);
  });

  test('a safe addition passes and is listed as safe', async () => {
    const { code, out } = await check(...released(), '--current', join(FIXTURES, 'safe.graphql'), '--declared', join(dir, 'none.yaml'));
    assert.equal(code, 0, out);
    assert.match(out, /safe\s+\| Order\.commitmentDate \| FIELD_ADDED/);
  });

  test('a declaration that matches no breaking change fails (it would hide the next one), and one without a reason is refused', async () => {
    const stale = await check(...released(), '--current', join(FIXTURES, 'safe.graphql'), '--declared', join(FIXTURES, 'declared.yaml'));
    assert.equal(stale.code, 1, stale.out);
    assert.match(stale.out, /STALE declaration: Order\.legacyState \(FIELD_REMOVED\)/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'breaking:\n  - path: Order.legacyState\n');
    const refused = await check(...released(), '--current', join(FIXTURES, 'breaking.graphql'), '--declared', bad);
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.out, /bad\.yaml: breaking\.0\.reason/);
  });

  test('ownership and mapping changes since the release are printed as a data diff', async () => {
    const snapshot = JSON.parse(readFileSync(join(ROOT, 'schema', 'released', 'mappings.json'), 'utf8')) as { rows: Array<{ table: string; key: string; values: Record<string, string> }> };
    const rows = snapshot.rows
      // As released: Account.phone was owned by Odoo, account.website mapped to another property, and a field since dropped.
      .map((r) => (r.table === 'ownership' && r.key === 'Account.phone' ? { ...r, values: { ...r.values, owner: 'odoo' } } : r))
      .map((r) => (r.table === 'crm property' && r.key === 'account.website' ? { ...r, values: { ...r.values, property: 'site_url' } } : r))
      .filter((r) => !(r.table === 'crm property' && r.key === 'quote.incoterm'));
    rows.push({ table: 'ownership', key: 'Order.legacyState', values: { owner: 'odoo', write: 'read-only', sensitivity: '' } });
    const data = join(dir, 'data');
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    copyFileSync(join(ROOT, 'schema', 'released', 'api.graphql'), join(data, 'api.graphql'));
    writeFileSync(join(data, 'mappings.json'), JSON.stringify({ rows }));
    // The repository's own declarations: a breaking API change declared since the release is not this test's business.
    const { code, out } = await check('--released', data, '--declared', join(ROOT, 'schema', 'declared-breaking.yaml'));
    assert.equal(code, 0, out);
    assert.match(out, /Ownership and mappings: 4 row\(s\) changed since the release/);
    assert.match(out, /changed \| ownership\s+\| Account\.phone\s+\| owner=odoo\s+\| owner=crm/);
    assert.match(out, /changed \| crm property\s+\| account\.website\s+\| property=site_url\s+\| property=website/);
    assert.match(out, /added\s+\| crm property\s+\| quote\.incoterm\s+\|\s+\| object=quotes?, property=incoterm/);
    assert.match(out, /removed \| ownership\s+\| Order\.legacyState/);
  });

  test('the repository passes against its released snapshot, and a release round-trips', async () => {
    const real = await check();
    assert.equal(real.code, 0, real.out);
    const fresh = join(dir, 'fresh');
    const declared = join(dir, 'fresh.yaml');
    assert.equal((await check('--release', '--released', fresh, '--declared', declared)).code, 0);
    const again = await check('--released', fresh, '--declared', declared);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /API schema: no change since the release/);
    assert.match(again.out, /Ownership and mappings: no change since the release/);
  });
});
