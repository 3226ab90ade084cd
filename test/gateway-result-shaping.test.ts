// The gateway shapes each response from a plan made once per operation
// (gateway/result-shaping.ts) instead of Apollo Gateway's computeResponse. These tests
// hold the two to the same answer: the same JSON, byte for byte, for the bench's
// operations and for queries with fragments, aliases, __typename and @skip/@include;
// and, for every value of those answers made wrong in each way a subgraph could get it
// wrong (null, wrong type, unknown enum value, unknown __typename), the same data and
// the same errors — those the plan hands to Apollo's function.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { apolloComputeResponse, leafCheck, shapeResultsFromPlans } from '../gateway/result-shaping.ts';
import { benchOperations } from '../bench/operations.ts';
import { startTestStack, postGraphQL, type TestStack } from './support/stack.ts';

type Args = Parameters<ReturnType<typeof apolloComputeResponse>>[0];
type Shaping = { computeResponse: ReturnType<typeof apolloComputeResponse> };

const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const shaping = gatewayRequire('@apollo/gateway/dist/resultShaping') as Shaping;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fi = gatewayRequire('@apollo/federation-internals') as any;

const QUERIES: Array<{ query: string; variables?: Record<string, unknown> }> = [
  {
    query: `query Shapes($withLines: Boolean!, $hideAccount: Boolean = false) {
      first: orders(first: 5) { edges { node { __typename kind: __typename ...OrderHead account @skip(if: $hideAccount) { name ... on Account { id name } } lines @include(if: $withLines) { quantity product { sku } } } } }
      second: orders(first: 2) { pageInfo { hasNextPage } edges { node { number ... on Order { number state } } } }
    }
    fragment OrderHead on Order { number state amountTotal { amount currency } }`,
    variables: { withLines: true },
  },
  { query: 'query Shapes($withLines: Boolean!) { orders(first: 3) { edges { node { number lines @include(if: $withLines) { quantity } } } } }', variables: { withLines: false } },
  { query: 'query Shapes($hide: Boolean!) { orders(first: 3) { edges { node { number account @skip(if: $hide) { name } } } } }', variables: { hide: true } },
];

/** Every way of getting one value wrong, applied to each value of an answer in turn. */
function* wrongVariants(input: unknown): Generator<unknown> {
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    if (path.length) paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const k of Object.keys(value)) walk((value as Record<string, unknown>)[k], [...path, k]);
  };
  walk(input, []);
  // A few values per kind of path is enough; the answers repeat the same fields.
  const seen = new Map<string, number>();
  for (const path of paths) {
    const kind = path.map((p) => (typeof p === 'number' ? '#' : p)).join('.');
    const n = seen.get(kind) ?? 0;
    if (n >= 2) continue;
    seen.set(kind, n + 1);
    const key = path[path.length - 1]!;
    for (const wrong of key === '__typename' ? ['NoSuchType', 'Money', 7, ''] : [null, 'NOT_A_VALUE', 1.5, 12, true, {}, []]) {
      const copy = structuredClone(input) as Record<string, unknown>;
      let at: Record<string | number, unknown> = copy;
      for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
      at[key] = wrong;
      yield copy;
    }
    const copy = structuredClone(input) as Record<string, unknown>;
    let at: Record<string | number, unknown> = copy;
    for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
    delete at[key];
    yield copy;
  }
}

const errorsOf = (r: { errors: unknown[] }) => JSON.stringify(r.errors.map((e) => ({ message: (e as Error).message, path: (e as { path?: unknown }).path })));

describe('the gateway shapes results from a plan per operation, as Apollo Gateway would', () => {
  let stack: TestStack;
  const recorded: Args[] = [];
  let planned: Shaping['computeResponse'];
  before(async () => {
    stack = await startTestStack();
    shapeResultsFromPlans();
    planned = shaping.computeResponse;
    shaping.computeResponse = (args) => {
      recorded.push(args);
      return planned(args);
    };
  });
  after(async () => {
    shaping.computeResponse = planned;
    await stack.close();
  });

  test('the same JSON as Apollo for the bench operations and for fragments, aliases, __typename and @skip/@include', async () => {
    const counters = shapeResultsFromPlans();
    const fastBefore = counters.fast;
    const ops = (await benchOperations(stack)).filter((o) => !o.freshQuote);
    for (const op of ops) {
      const res = await postGraphQL(stack.urls.gateway, op.query, op.variables, { authorization: `Bearer ${op.token}` });
      assert.equal(res.errors, undefined, `${op.name}: ${JSON.stringify(res.errors)}`);
    }
    for (const q of QUERIES) {
      const res = await stack.query(q.query, q.variables);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    }
    assert.ok(recorded.length >= ops.length + QUERIES.length, `recorded ${recorded.length}`);
    assert.equal(counters.fast - fastBefore, recorded.length, 'every clean answer was shaped from its plan');
    const apollo = apolloComputeResponse();
    for (const args of recorded) {
      const ours = planned(args);
      const theirs = apollo(args);
      assert.equal(JSON.stringify(ours.data), JSON.stringify(theirs.data));
      assert.deepEqual(ours.errors, []);
      assert.deepEqual(theirs.errors, []);
    }
    // The @skip default and both @include values were answered (not only one branch).
    const shapes = recorded.filter((a) => a.variables && 'withLines' in a.variables).map((a) => JSON.stringify(planned(a).data));
    assert.ok(shapes.some((s) => s.includes('"lines"')) && shapes.some((s) => !s.includes('"lines"')));
  });

  test('a wrong value from a subgraph gets exactly the data and errors Apollo gives it', async () => {
    assert.ok(recorded.length > 0);
    const apollo = apolloComputeResponse();
    const counters = shapeResultsFromPlans();
    let variants = 0;
    let withErrors = 0;
    const toApolloBefore = counters.toApollo;
    for (const args of recorded) {
      for (const input of wrongVariants(args.input)) {
        const variant = { ...args, input: input as Args['input'] };
        let ours: ReturnType<Shaping['computeResponse']> | Error;
        let theirs: ReturnType<Shaping['computeResponse']> | Error;
        try { ours = planned(variant); } catch (e) { ours = e as Error; }
        try { theirs = apollo(variant); } catch (e) { theirs = e as Error; }
        variants++;
        if (theirs instanceof Error || ours instanceof Error) {
          assert.equal(String(ours), String(theirs));
          continue;
        }
        assert.equal(JSON.stringify(ours.data), JSON.stringify(theirs.data));
        assert.equal(errorsOf(ours), errorsOf(theirs));
        if (theirs.errors.length) withErrors++;
      }
    }
    assert.ok(variants > 500, `only ${variants} variants`);
    assert.ok(withErrors > 100, `only ${withErrors} variants made Apollo report an error`);
    assert.ok(counters.toApollo - toApolloBefore >= withErrors, 'each answer with an error was Apollo’s');
  });

  test('the leaf check equals federation-internals’ isValidLeafValue for every scalar and enum of the schema', () => {
    const args = recorded[0]!;
    const schema = args.operation.schema() as unknown as { types(): Array<{ kind: string; name: string }> };
    const values: unknown[] = [true, false, 0, 1, -1, 42, 1.5, -0, 1e21, 2 ** 53, NaN, Infinity, '', 'abc', '12', '1.5', {}, [], null, undefined];
    let types = 0;
    for (const type of schema.types()) {
      if (type.kind !== 'ScalarType' && type.kind !== 'EnumType') continue;
      types++;
      const check = leafCheck(fi, schema as never, type);
      const candidates = type.kind === 'EnumType' ? [...values, ...(type as unknown as { values: Array<{ name: string }> }).values.map((v) => v.name)] : values;
      for (const v of candidates) assert.equal(check(v), fi.isValidLeafValue(schema, v, type), `${type.name} ${JSON.stringify(v)}`);
    }
    assert.ok(types > 10, `${types} leaf types`);
  });

  test('an alias named like a property of Object.prototype, or an introspection field, is shaped by Apollo', async () => {
    const counters = shapeResultsFromPlans();
    const before = counters.toApollo;
    const res = await stack.query('{ orders(first: 2) { edges { node { constructor: number toString: state } } } }');
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    for (const e of res.data.orders.edges) {
      assert.equal(typeof e.node.constructor, 'string');
      assert.equal(typeof e.node.toString, 'string');
    }
    const withIntrospection = await stack.query('{ __schema { queryType { name } } orders(first: 1) { edges { node { number } } } }');
    assert.equal(withIntrospection.errors, undefined, JSON.stringify(withIntrospection.errors));
    assert.equal(withIntrospection.data.__schema.queryType.name, 'Query');
    assert.equal(counters.toApollo - before, 2);
  });
});
