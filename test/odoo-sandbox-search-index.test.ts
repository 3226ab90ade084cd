// The Odoo sandbox's search narrows its candidates by indexes (ids, many2one ids, char and
// selection values) before evaluating the whole domain; these searches must answer exactly
// what a scan of the table answers. A leaf under an OR is never served from an index, so
// `['|', leaf, ['id', '=', 0]]` is the scan's answer for the same leaf.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OdooStore } from '../sandboxes/odoo/store.ts';
import { buildWorld } from '../sandboxes/seed/index.ts';

const world = buildWorld();

function setup() {
  const store = new OdooStore(world.odoo, { now: () => new Date('2026-12-07T10:00:00Z') });
  const env = (context: Record<string, unknown> = {}) => store.makeEnv(store.users[0]!, context);
  /** The search served from the index vs the same leaf evaluated on every record. */
  const same = (model: string, leaf: unknown[], rest: unknown[] = [], context: Record<string, unknown> = {}) => {
    const indexed = store.search(env(context), model, [leaf, ...rest]);
    const scanned = store.search(env(context), model, ['|', leaf, ['id', '=', 0], ...rest]);
    assert.deepEqual(indexed, scanned, `${model} ${JSON.stringify([leaf, ...rest])}`);
    return indexed;
  };
  return { store, env, same };
}

describe('Odoo sandbox search by char and selection values', () => {
  test('= and in on char and selection fields answer what a scan answers', () => {
    const { store, same } = setup();
    const partner = store.records('res.partner').find((p) => typeof p.ref === 'string' && p.ref)!;
    assert.deepEqual(same('res.partner', ['ref', '=', partner.ref], [['parent_id', '=', false]]), [partner.id]);
    const codes = store.records('product.product').filter((p) => typeof p.default_code === 'string').slice(0, 3).map((p) => p.default_code);
    assert.equal(same('product.product', ['default_code', 'in', [...codes, codes[0], 'NO-SUCH-CODE']]).length, 3);
    assert.ok(same('sale.order', ['state', '=', 'sale']).length > 1);
    same('sale.order', ['state', 'in', ['draft', 'cancel']], [], { active_test: false });
    same('res.partner', ['name', '=', 'No such partner']);
    same('res.partner', ['ref', 'in', []]);
    // Empty operands and non-string operands are not served from the index.
    same('res.partner', ['ref', '=', '']);
    same('res.partner', ['ref', '=', false]);
    same('res.partner', ['ref', 'in', ['', partner.ref]]);
  });

  test('archived records, other companies, and records changed since the index was built', () => {
    const { store, same } = setup();
    const partner = store.records('res.partner').find((p) => typeof p.ref === 'string' && p.ref)!;
    same('res.partner', ['ref', '=', partner.ref]);
    store.patch('res.partner', partner.id, { active: false });
    assert.deepEqual(same('res.partner', ['ref', '=', partner.ref]), []);
    assert.deepEqual(same('res.partner', ['ref', '=', partner.ref], [], { active_test: false }), [partner.id]);
    same('res.partner', ['ref', '=', partner.ref], [], { active_test: false, allowed_company_ids: [2] });
    store.patch('res.partner', partner.id, { active: true, ref: 'changed-ref' });
    assert.deepEqual(same('res.partner', ['ref', '=', 'changed-ref']), [partner.id]);
    assert.deepEqual(same('res.partner', ['ref', '=', partner.ref]), []);
    const id = store.insert('res.partner', { name: 'Indexed Later', ref: 'changed-ref', active: true });
    assert.deepEqual(same('res.partner', ['ref', '=', 'changed-ref']), [partner.id, id].sort((a, b) => a - b));
  });

  test('a number stored in a char field still matches a numeric string, as the scan does', () => {
    const { store, same } = setup();
    const partner = store.records('res.partner').find((p) => typeof p.ref === 'string' && p.ref)!;
    store.patch('res.partner', partner.id, { ref: 4711 });
    assert.deepEqual(same('res.partner', ['ref', '=', '4711']), [partner.id]);
    assert.deepEqual(same('res.partner', ['ref', 'in', ['4711.0']]), [partner.id]);
  });
});
