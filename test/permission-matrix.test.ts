// The permission matrix, generated from the one rule set (permissions.ts): every
// (role, type, field) cell is run through the gateway against the sandboxes and
// must come back allowed (value, no error), denied (FORBIDDEN at that path, the
// rest of the response intact) or masked (null, no error, its coordinate listed once
// in the response's extensions.masked).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ApolloGateway } from '@apollo/gateway';
import { getNamedType, isObjectType, isScalarType, isEnumType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import { ROLES, type Role } from '../core/identity.ts';
import { accessFor, type Access } from '../policy/permissions.ts';
import { PERMISSIONS_DOC, permissionCells, permissionsDoc, permissionTable, writePermissionTable } from '../scripts/permission-table.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

/** How to reach each canonical type from a root field, with the demo world's own data. */
const ENTRY: Record<string, { path: string[] }> = {
  Account: { path: ['account'] },
  Contact: { path: ['account', 'contacts'] },
  SalesRep: { path: ['account', 'owner'] },
  SourceRefs: { path: ['account', 'sourceRefs'] },
  PaymentTerms: { path: ['account', 'paymentTerms'] },
  Quote: { path: ['quote'] },
  QuoteLine: { path: ['quote', 'lines'] },
  Order: { path: ['order'] },
  OrderLine: { path: ['order', 'lines'] },
  Company: { path: ['order', 'company'] },
  Shipment: { path: ['order', 'shipments'] },
  ShipmentLine: { path: ['order', 'shipments', 'lines'] },
  Invoice: { path: ['order', 'invoices'] },
  ProductionOrder: { path: ['order', 'production'] },
  Product: { path: ['product'] },
  Availability: { path: ['product', 'availability'] },
};
const ROOT_ARGS: Record<string, string> = { account: '(id: $account)', quote: '(number: $quote)', order: '(number: $order)', product: '(sku: $sku)' };
const ROOT_VARS: Record<string, string> = { account: '($account: ID!)', quote: '($quote: String!)', order: '($order: String!)', product: '($sku: String!)' };
const ROOT_VAR_NAME: Record<string, string> = { account: 'account', quote: 'quote', order: 'order', product: 'sku' };

const VARIANTS: Array<{ label: string; role: Role; scopes: string[] }> = [
  ...ROLES.map((role) => ({ label: role, role, scopes: [] as string[] })),
  { label: 'bi_reader + bi:commercial', role: 'bi_reader', scopes: ['bi:commercial'] },
];

function selectionOf(schema: GraphQLSchema, typeName: string, field: string): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const named = getNamedType(type.getFields()[field]!.type);
  return isScalarType(named) || isEnumType(named) ? field : `${field} { __typename }`;
}

function wrap(path: string[], inner: string): string {
  let out = inner;
  for (let i = path.length - 1; i >= 0; i--) out = `${path[i]}${i === 0 ? ROOT_ARGS[path[i]!] ?? '' : ''} { ${out} }`;
  return `query Matrix${ROOT_VARS[path[0]!]} { ${out} }`;
}

describe('permission matrix through the gateway', () => {
  let stack: TestStack;
  let schema: GraphQLSchema;
  let vars: Record<string, string>;
  before(async () => {
    stack = await startTestStack();
    const gateway = new ApolloGateway({ supergraphSdl: composeSupergraph(readSupergraphConfig()).supergraphSdl });
    schema = (await gateway.load()).schema;
    await gateway.stop();
    const demo = stack.world.demo;
    vars = { account: demo.accountId, quote: demo.quoteNumber, order: demo.orderNumber, sku: demo.productSku };
  });
  after(() => stack.close());

  test('the table says what MISSION §5 says (spot checks written by hand, not derived)', () => {
    const cases: Array<[Role, string[], string, string, Access]> = [
      ['customer', [], 'Account', 'owner', 'deny'],
      ['customer', [], 'Account', 'creditLimit', 'deny'],
      ['customer', [], 'Order', 'state', 'allow'],
      ['customer', [], 'Query', 'accounts', 'deny'],
      ['sales_rep', [], 'Account', 'creditHold', 'allow'],
      ['sales_rep', [], 'Account', 'creditLimit', 'deny'],
      ['sales_ops', [], 'Account', 'openReceivable', 'deny'],
      ['finance', [], 'Account', 'creditLimit', 'allow'],
      ['finance', [], 'Account', 'openReceivable', 'allow'],
      ['bi_reader', [], 'OrderLine', 'discount', 'mask'],
      ['bi_reader', [], 'Account', 'paymentTerms', 'mask'],
      ['bi_reader', ['bi:commercial'], 'OrderLine', 'discount', 'allow'],
      ['bi_reader', [], 'Order', 'amountTotal', 'allow'],
      ['integration_admin', [], 'Query', 'orders', 'deny'],
      ['integration_admin', [], 'Account', 'name', 'deny'],
    ];
    for (const [role, scopes, type, field, expected] of cases) assert.equal(accessFor(role, scopes, type, field), expected, `${role} ${type}.${field}`);
  });

  test('docs/permissions.md shows the current permission tables, and the README the write table', () => {
    assert.equal(readFileSync(PERMISSIONS_DOC, 'utf8'), permissionsDoc(), 'docs/permissions.md is stale: run `npm run permission-table -- --write`');
    assert.ok(permissionsDoc().includes(permissionTable()) && permissionsDoc().includes(writePermissionTable()));
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(writePermissionTable()), 'README.md write-permission table is stale: run `npm run permission-table` and paste it');
  });

  for (const variant of VARIANTS) {
    test(`${variant.label}: every cell of the table holds`, async () => {
      const as = { role: variant.role, accountId: variant.role === 'customer' ? vars.account : undefined, scope: variant.scopes.join(' ') || undefined };
      let checked = 0;
      const cells = permissionCells().filter((c) => c.type !== 'Query');
      // Entry points first: denied roots make their whole subtree unreachable.
      const rootAccess = (root: string) => accessFor(variant.role, variant.scopes, 'Query', root);
      for (const root of Object.keys(ROOT_ARGS)) {
        const res = await stack.query(wrap([root], '__typename'), pick(root), as);
        const expected = rootAccess(root);
        const err = res.errors?.find((e) => e.path?.[0] === root);
        if (expected === 'allow') assert.ok(!err && res.data?.[root], `${variant.label} Query.${root}: expected allowed, got ${JSON.stringify(res.errors)}`);
        else assert.equal(err?.extensions?.code, 'FORBIDDEN', `${variant.label} Query.${root}`);
        checked++;
      }
      for (const [type, entry] of Object.entries(ENTRY)) {
        const path = entry.path;
        // Reachable only if the root and every field on the way are allowed.
        const reachable = path.every((f, i) => accessFor(variant.role, variant.scopes, typeAt(path.slice(0, i)), f) === 'allow');
        if (!reachable) continue;
        const typeCells = cells.filter((c) => c.type === type);
        const selection = typeCells.map((c) => selectionOf(schema, type, c.field)).join(' ');
        const res = await stack.query(wrap(path, selection), pick(path[0]!), as);
        assert.equal(res.status, 200, `${variant.label} ${type}`);
        for (const { field } of typeCells) {
          const expected: Access = accessFor(variant.role, variant.scopes, type, field);
          const fieldPath = [...path, field].join('.');
          const errs = (res.errors ?? []).filter((e) => (e.path ?? []).filter((p) => typeof p === 'string').join('.') === fieldPath);
          const masked: string[] = res.extensions?.masked ?? [];
          if (expected === 'allow') {
            assert.deepEqual(errs.map((e) => e.extensions?.code), [], `${variant.label} ${type}.${field}: expected allowed`);
            assert.ok(!masked.includes(`${type}.${field}`), `${variant.label} ${type}.${field}: allowed but listed as masked`);
          } else if (expected === 'mask') {
            assert.deepEqual(errs.map((e) => e.extensions?.code), [], `${variant.label} ${type}.${field}: masked fields raise no error`);
            assert.ok(masked.includes(`${type}.${field}`), `${variant.label} ${type}.${field}: expected in extensions.masked, got ${JSON.stringify(masked)}`);
            let node: unknown = res.data;
            for (const step of [...path, field]) node = Array.isArray(node) ? node[0]?.[step] : (node as Record<string, unknown> | null)?.[step];
            assert.equal(node ?? null, null, `${variant.label} ${type}.${field}: masked but a value came back`);
          } else {
            assert.ok(errs.length > 0, `${variant.label} ${type}.${field}: expected ${expected}, got no error`);
            assert.equal(errs[0]!.extensions?.code, 'FORBIDDEN', `${variant.label} ${type}.${field}`);
          }
          checked++;
        }
        // A denial never takes the rest of the response with it, and an allowed read really returns the row
        // (a row scope that wrongly hid the record would otherwise pass as "no error").
        assert.ok(res.data, `${variant.label} ${type}: data missing`);
        let node: unknown = res.data;
        for (const step of path) node = Array.isArray(node) ? node[0]?.[step] : (node as Record<string, unknown> | null)?.[step];
        const first = Array.isArray(node) ? node[0] : node;
        assert.ok(first && typeof first === 'object', `${variant.label} ${type}: nothing returned at ${path.join('.')}`);
        const allowedFields = typeCells.filter((c) => accessFor(variant.role, variant.scopes, type, c.field) === 'allow');
        if (allowedFields.length) assert.ok(allowedFields.some((c) => (first as Record<string, unknown>)[c.field] != null), `${variant.label} ${type}: every allowed field is null`);
      }
      assert.ok(checked >= (variant.role === 'integration_admin' ? 4 : 50), `${variant.label}: only ${checked} cells checked`);
    });
  }

  function pick(root: string): Record<string, string> {
    const name = ROOT_VAR_NAME[root]!;
    return { [name]: vars[name]! };
  }

  /** The object type reached by following `prefix` from Query. */
  function typeAt(prefix: string[]): string {
    let type: GraphQLObjectType = schema.getQueryType()!;
    for (const f of prefix) type = getNamedType(type.getFields()[f]!.type) as GraphQLObjectType;
    if (!isObjectType(type)) throw new Error(`not an object at ${prefix.join('.')}`);
    return type.name;
  }
});
