// The field read checks (subgraphs/common/shield.ts) sit directly on the resolvers of the
// schema the subgraph serves: a field's own resolver runs only when the table allows the
// caller, a masked field answers null without running it, and a caller without an
// identity is refused — counted, on the odoo subgraph's real schema with stub resolvers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type GraphQLObjectType } from 'graphql';
import { applyPermissions, MASKED_FIELDS, maskedFieldsOf } from '../subgraphs/common/shield.ts';
import { DateScalar, DateTimeScalar } from '../subgraphs/common/scalars.ts';
import type { Identity, Role } from '../core/identity.ts';

const calls = { lines: 0, unitPrice: 0 };
const order = { id: '1', number: 'S1', lines: [{ id: '1-1', quantity: 2 }] };
const schema = applyPermissions(buildSubgraphSchema({
  typeDefs: parse(readFileSync(new URL('../subgraphs/odoo/schema.graphql', import.meta.url), 'utf8')),
  resolvers: {
    DateTime: DateTimeScalar,
    Date: DateScalar,
    Query: { order: () => order },
    Order: { lines: (o: typeof order) => (calls.lines++, o.lines) },
    OrderLine: { unitPrice: () => (calls.unitPrice++, { amount: 10, currency: 'EUR' }) },
  } as never,
}));
const query = parse('{ order(number: "S1") { number lines { quantity unitPrice { amount } } } }');

function identity(role: Role): Identity {
  return { sub: `t-${role}`, roles: [role], accountId: role === 'customer' ? 'a1' : null, companyIds: null, scopes: [], crmOwnerId: null };
}

async function run(contextValue: Record<string | symbol, unknown>) {
  calls.lines = 0;
  calls.unitPrice = 0;
  const result = await execute({ schema, document: query, contextValue: { ...contextValue, [MASKED_FIELDS]: new Set<string>() } });
  return { result };
}

test('allowed: the fields\' own resolvers run, once per record', async () => {
  const { result } = await run({ identity: identity('finance') });
  assert.equal(result.errors, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(result.data)), { order: { number: 'S1', lines: [{ quantity: 2, unitPrice: { amount: 10 } }] } });
  assert.deepEqual(calls, { lines: 1, unitPrice: 1 });
});

test('masked: null without running the resolver, the coordinate listed once', async () => {
  calls.unitPrice = 0;
  const ctx: Record<string | symbol, unknown> = { identity: identity('bi_reader'), [MASKED_FIELDS]: new Set<string>() };
  const result = await execute({ schema, document: query, contextValue: ctx });
  assert.equal(result.errors, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(result.data)), { order: { number: 'S1', lines: [{ quantity: 2, unitPrice: null }] } });
  assert.equal(calls.unitPrice, 0);
  assert.deepEqual(maskedFieldsOf(ctx), ['OrderLine.unitPrice']);
});

test('denied by the table: FORBIDDEN at the entry point, no field resolver runs', async () => {
  calls.lines = 0;
  calls.unitPrice = 0;
  const result = await execute({ schema, document: query, contextValue: { identity: identity('integration_admin'), [MASKED_FIELDS]: new Set<string>() } });
  assert.ok(result.errors?.length);
  assert.ok(result.errors.every((e) => e.extensions.code === 'FORBIDDEN'));
  assert.deepEqual(calls, { lines: 0, unitPrice: 0 });
});

test('no identity: refused, no field resolver runs', async () => {
  calls.lines = 0;
  calls.unitPrice = 0;
  const result = await execute({ schema, document: query, contextValue: { [MASKED_FIELDS]: new Set<string>() } });
  assert.ok(result.errors?.length);
  assert.ok(result.errors.every((e) => e.extensions.code === 'UNAUTHENTICATED'));
  assert.deepEqual(calls, { lines: 0, unitPrice: 0 });
});

test('an object field guarded for one role is refused to it even when reached without the entry point rule', async () => {
  // Order.lines is denied to integration_admin by the table: the field's own check refuses it
  // (as an entity fetch through _entities would reach it), and its resolver does not run.
  const lines = (schema.getType('Order') as GraphQLObjectType).getFields().lines!;
  calls.lines = 0;
  const answer = lines.resolve!(order, {}, { identity: identity('integration_admin'), [MASKED_FIELDS]: new Set<string>() }, {} as never);
  assert.ok(answer instanceof Error);
  assert.equal((answer as { extensions?: { code?: string } }).extensions?.code, 'FORBIDDEN');
  assert.equal(calls.lines, 0);
});
