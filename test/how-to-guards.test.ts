// Guards for the claims of docs/how-to-change-things.md that no other test holds:
// each catches a forgotten step that would otherwise pass the type check and every
// other test and show up only as a silent null or a missing case in production.
//   - "Add an Odoo-owned field": a schema field without its resolver resolves to null
//     (graphql-js's default resolver finds no camelCase key on an Odoo row), and a
//     resolver reading an Odoo field that READ_FIELDS does not list gets undefined.
//   - "Add a CRM adapter": every system CRM_SYSTEMS lists has its case in select.ts, its
//     adapter folder, its value in the SystemName enum and in the audit trail's CHECK.
//   - The page itself names only files that exist.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Kind, parse, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import { SUBGRAPH_TYPES } from '../scripts/codegen.ts';
import { READ_FIELDS, type ReadModel } from '../connectors/odoo/canonical.ts';
import { CRM_SYSTEMS } from '../policy/components.ts';
import { OWNERSHIP } from '../policy/ownership.ts';
import { resolvers } from '../subgraphs/odoo/resolvers/index.ts';
import { openStore } from '../store/database.ts';

const ROOT = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');

/** The Odoo model behind each GraphQL type whose resolvers get an Odoo row as parent. */
const MODEL_OF_ROW_TYPE: Record<string, ReadModel> = {
  Order: 'sale.order',
  OrderLine: 'sale.order.line',
  Shipment: 'stock.picking',
  ShipmentLine: 'stock.move',
  Invoice: 'account.move',
  Product: 'product.product',
  ProductionOrder: 'mrp.production',
};

/** Types scripts/codegen.ts maps to the Odoo loaders' row (OdooRow). */
const ROW_TYPES = Object.entries(SUBGRAPH_TYPES.odoo!.mappers)
  .filter(([, mapper]) => mapper.endsWith('#OdooRow'))
  .map(([type]) => type);

function objectFields(sdl: string): Map<string, string[]> {
  return new Map(parse(sdl).definitions
    .filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION)
    .map((d) => [d.name.value, (d.fields ?? []).map((f) => f.name.value)]));
}

type FieldResolver = (parent: unknown, args: unknown, ctx: unknown, info: unknown) => unknown;
const resolverMap = resolvers as unknown as Record<string, Record<string, FieldResolver | { resolve: FieldResolver }>>;

/** A context whose every loader answers "nothing": enough for a resolver to run to its row reads. */
const emptyContext: unknown = new Proxy({}, {
  get: () => new Proxy({}, { get: (_t, method) => (method === 'loadMany' ? async () => [] : async () => null) }),
});

/** The row fields one field resolver reads, found by handing it a row that records every read. */
async function fieldsReadBy(resolver: FieldResolver): Promise<string[]> {
  const reads = new Set<string>();
  const row = new Proxy({ id: 1 }, {
    get(target, key) {
      if (typeof key === 'string') reads.add(key);
      return key === 'id' ? target.id : undefined;
    },
  });
  try {
    await resolver(row, {}, emptyContext, {});
  } catch {
    // A required value missing from the empty row is a MAPPING_ERROR: the read was recorded first.
  }
  return [...reads].filter((k) => k !== 'id');
}

describe('walk "Add an Odoo-owned field to Order": each step leaves a trace a test checks', () => {
  const schema = objectFields(read('subgraphs/odoo/schema.graphql'));

  test('the table of Odoo row types covers every type codegen maps to an Odoo row', () => {
    assert.ok(ROW_TYPES.includes('Order'), 'Order is resolved from an Odoo row');
    assert.deepEqual([...ROW_TYPES].sort(), Object.keys(MODEL_OF_ROW_TYPE).sort());
  });

  test('every field of a type resolved from an Odoo row has its own resolver (the default one would find no such key on the row)', () => {
    const missing: string[] = [];
    for (const type of ROW_TYPES) {
      const fields = schema.get(type);
      assert.ok(fields, `${type} is in the Odoo schema`);
      for (const field of fields) if (!resolverMap[type]?.[field]) missing.push(`${type}.${field}`);
    }
    assert.deepEqual(missing, []);
  });

  test('every Odoo-owned field of Order in the ownership declaration is in the Odoo schema with a resolver', () => {
    const owned = Object.entries(OWNERSHIP.Order!).filter(([, d]) => d.owner === 'odoo').map(([f]) => f);
    assert.ok(owned.length >= 15, `only ${owned.length} Odoo-owned Order fields`);
    for (const field of owned) {
      assert.ok(schema.get('Order')!.includes(field), `Order.${field} is not in subgraphs/odoo/schema.graphql`);
      assert.ok(resolverMap.Order![field], `Order.${field} has no resolver in subgraphs/odoo/resolvers/order.ts`);
    }
  });

  test('every Odoo field a row resolver reads is in READ_FIELDS for its model (or it would always be undefined)', async () => {
    const unread: string[] = [];
    let seen = 0;
    for (const [type, model] of Object.entries(MODEL_OF_ROW_TYPE)) {
      const listed = new Set<string>(READ_FIELDS[model]);
      for (const [field, entry] of Object.entries(resolverMap[type] ?? {})) {
        if (field.startsWith('__')) continue;
        const resolver = typeof entry === 'function' ? entry : entry.resolve;
        for (const name of await fieldsReadBy(resolver)) {
          seen += 1;
          if (!listed.has(name)) unread.push(`${type}.${field} reads ${model}.${name}`);
        }
      }
    }
    assert.ok(seen >= 40, `the recording row saw only ${seen} reads`);
    assert.deepEqual(unread, []);
  });

  test('the check would catch a resolver reading an unlisted field', async () => {
    assert.deepEqual(await fieldsReadBy((o) => (o as Record<string, unknown>).validity_date), ['validity_date']);
    assert.ok(!(READ_FIELDS['sale.order'] as readonly string[]).includes('validity_date'));
  });
});

describe('walk "Add a CRM adapter"', () => {
  test('every system CRM_SYSTEMS lists has its case in connectors/crm/select.ts, and no other is there', () => {
    const cases = [...read('connectors/crm/select.ts').matchAll(/case '([a-z0-9_]+)':/g)].map((m) => m[1]);
    assert.deepEqual([...cases].sort(), [...CRM_SYSTEMS].sort());
  });

  test('every listed system has its adapter folder', () => {
    for (const system of CRM_SYSTEMS) assert.ok(existsSync(resolve(ROOT, 'connectors/crm', system, 'adapter.ts')), `connectors/crm/${system}/adapter.ts`);
  });

  test("every listed system can be named in the writes subgraph's SystemName enum", () => {
    const sdl = parse(read('subgraphs/writes/schema.graphql'));
    const systemName = sdl.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'SystemName');
    const values = (systemName?.values ?? []).map((v) => v.name.value);
    for (const system of CRM_SYSTEMS) assert.ok(values.includes(system.toUpperCase()), `enum SystemName lacks ${system.toUpperCase()}`);
  });

  test("every listed system is accepted by the audit trail's CHECK constraint (a new one needs a migration)", (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'how-to-guards-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const store = openStore(join(dir, 'store.sqlite'));
    t.after(() => store.close());
    const { sql } = store.db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get()!;
    const accepted = /CHECK \(system IN \(([^)]*)\)\)/.exec(sql)?.[1]?.split(',').map((v) => v.trim().replace(/^'|'$/g, '')) ?? [];
    for (const system of CRM_SYSTEMS) assert.ok(accepted.includes(system), `audit_log.system CHECK does not accept ${system}`);
  });
});

describe('docs/how-to-change-things.md', () => {
  const doc = read('docs/how-to-change-things.md');
  /** Backticked repository paths: a word with a slash or a known file extension, no spaces. */
  const paths = [...new Set([...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!)
    .map((p) => p.replace(/[#:].*$/, ''))
    .filter((p) => /^(\.?[\w.-]+\/)+[\w.*<>-]*$|^[\w.-]+\.(ts|md|json|yaml|graphql)$/.test(p)))];

  test('names files', () => {
    assert.ok(paths.length >= 25, `only ${paths.length} paths found`);
  });

  test('every file and folder it names exists (placeholders like <system> excepted)', () => {
    const missing = paths.filter((p) => !/[<*]/.test(p)).filter((p) => !existsSync(resolve(ROOT, p)));
    assert.deepEqual(missing, []);
  });
});
