// The Odoo sandbox's wire layer gives a read's records their version's form; when a
// version shows every read field under its own name and value, it keeps the records as
// they are (finish() only). That must be exactly the renaming copy read_group's groups take.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OdooStore } from '../sandboxes/odoo/store.ts';
import { VersionedWire } from '../sandboxes/odoo/versions.ts';
import { SUPPORTED_ODOO_VERSIONS, type OdooVersion } from '../connectors/odoo/versions.ts';
import { ODOO_MODELS } from '../connectors/odoo/mapping/models.ts';
import { buildWorld } from '../sandboxes/seed/index.ts';

const world = buildWorld();

describe('Odoo sandbox wire records', () => {
  test('a read answers the same bytes as the per-key renaming, on every version and model', () => {
    const store = new OdooStore(world.odoo, { now: () => new Date('2026-12-07T10:00:00Z') });
    const env = store.makeEnv(store.users[0]!, { active_test: false });
    for (const v of SUPPORTED_ODOO_VERSIONS as readonly OdooVersion[]) {
      const wire = new VersionedWire(v, (model, id) => store.peek(model, id));
      for (const model of Object.keys(ODOO_MODELS)) {
        const fieldSets = [undefined, ['state', 'locked', 'mrp_production_ids', 'name'], ['type', 'is_storable', 'name'], ['name']];
        for (const fields of fieldSets) {
          let recs: Record<string, unknown>[];
          try {
            recs = store.searchRead(env, model, [], fields?.filter((f) => (ODOO_MODELS as any)[model].fields[f]), { limit: 40 });
          } catch {
            continue;
          }
          const read = wire.result(model, 'search_read', structuredClone(recs));
          const renamed = wire.result(model, 'read_group', structuredClone(recs));
          assert.equal(JSON.stringify(read), JSON.stringify(renamed), `${model} on ${v} (${fields ?? 'all fields'})`);
        }
      }
    }
  });

  test('records of another shape in the same answer take the renaming copy', () => {
    const wire = new VersionedWire(19);
    const recs = [{ id: 1, name: 'A' }, { id: 2, name: 'B', product_uom: 7 }, { name: 'C', id: 3 }];
    assert.deepEqual(wire.result('sale.order.line', 'search_read', structuredClone(recs)), wire.result('sale.order.line', 'read_group', structuredClone(recs)));
    assert.equal(JSON.stringify(wire.result('sale.order.line', 'read', structuredClone(recs))), JSON.stringify(wire.result('sale.order.line', 'read_group', structuredClone(recs))));
  });
});
