// R7, "one bad record costs one field": a malformed backend value fails exactly
// that field of that record with MAPPING_ERROR (model, record, field) — the rest
// of the record and the other 49 orders of a BI page arrive as they would without
// the fault — and a root field whose backend is down costs only that root field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type GraphQLResponse, type TestStack } from './support/stack.ts';

const PAGE = `{ orders(first: 50) { edges { node {
  id number state orderDate updatedAt amountTotal { amount currency } account { id }
  lines { id quantity }
} } } }`;

type Path = Array<string | number>;

/** Every leaf of `data` by its response path. */
function leaves(value: unknown, path: Path = [], out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, [...path, Array.isArray(value) ? Number(k) : k], out);
  } else {
    out.set(JSON.stringify(path), value);
  }
  return out;
}

/** The paths where `faulted` differs from `clean` (a value turned null, or a subtree gone). */
function differences(clean: unknown, faulted: unknown): string[] {
  const a = leaves(clean);
  const b = leaves(faulted);
  const changed = new Set<string>();
  for (const [k, v] of a) if (!b.has(k) || b.get(k) !== v) changed.add(k);
  for (const k of b.keys()) if (!a.has(k)) changed.add(k);
  return [...changed];
}

/** Asserts that something changed, and only at or under `path`. */
function changedOnlyUnder(clean: unknown, faulted: unknown, path: Path): void {
  const changed = differences(clean, faulted);
  const prefix = JSON.stringify(path).slice(0, -1);
  assert.ok(changed.length >= 1 && changed.every((p) => p === `${prefix}]` || p.startsWith(`${prefix},`)), changed.join(' '));
}

function onlyMappingError(res: GraphQLResponse, model: string, field: string) {
  assert.equal(res.status, 200);
  assert.equal(res.errors?.length, 1, JSON.stringify(res.errors));
  const error = res.errors![0]!;
  assert.equal(error.extensions?.code, 'MAPPING_ERROR', JSON.stringify(error));
  assert.equal(error.extensions?.system, 'odoo');
  assert.equal(error.extensions?.model, model);
  assert.equal(error.extensions?.field, field);
  assert.ok(error.extensions?.recordId, 'the record is named');
  return error;
}

describe('one bad record costs one field', () => {
  let stack: TestStack;
  let clean: GraphQLResponse;
  before(async () => {
    stack = await startTestStack();
    clean = await stack.query(PAGE);
    assert.equal(clean.errors, undefined, JSON.stringify(clean.errors));
    assert.equal(clean.data.orders.edges.length, 50);
  });
  after(() => stack.close());

  const orderCases = [
    { odooField: 'date_order', shape: 'bad_date', canonical: 'orderDate' },
    { odooField: 'state', shape: 'wrong_type', canonical: 'state' },
    { odooField: 'write_date', shape: 'bad_date', canonical: 'updatedAt' },
    { odooField: 'amount_total', shape: 'wrong_type', canonical: 'amountTotal' },
  ] as const;

  for (const c of orderCases) {
    test(`a malformed sale.order ${c.odooField} fails ${c.canonical} of that order only; the other 49 arrive whole`, async () => {
      stack.odooSandbox.faults.malformed('sale.order', c.shape, { field: c.odooField, times: 1 });
      try {
        const res = await stack.query(PAGE);
        const error = onlyMappingError(res, 'sale.order', c.odooField);
        assert.equal(res.data.orders.edges.length, 50);
        const index = res.data.orders.edges.findIndex((e: any) => e.node[c.canonical] === null);
        assert.ok(index >= 0, 'the broken field is null');
        assert.equal(res.data.orders.edges[index].node.id, clean.data.orders.edges[index].node.id);
        assert.match(res.data.orders.edges[index].node.id, /./);
        assert.deepEqual(error.path, ['orders', 'edges', index, 'node', c.canonical]);
        // Nothing else changed: one field of one order.
        changedOnlyUnder(clean.data, res.data, ['orders', 'edges', index, 'node', c.canonical]);
      } finally {
        stack.odooSandbox.faults.clear();
      }
    });
  }

  test('a malformed line quantity fails that line\'s quantity only', async () => {
    stack.odooSandbox.faults.malformed('sale.order.line', 'wrong_type', { field: 'product_uom_qty', times: 1 });
    try {
      const res = await stack.query(PAGE);
      const error = onlyMappingError(res, 'sale.order.line', 'product_uom_qty');
      assert.equal(res.data.orders.edges.length, 50);
      const path = error.path!;
      assert.deepEqual([path[0], path[1], path[3], path[4], path[6]], ['orders', 'edges', 'node', 'lines', 'quantity']);
      changedOnlyUnder(clean.data, res.data, path);
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test('a partner_id of the wrong shape gives that order\'s account an error, never a silent null', async () => {
    stack.odooSandbox.faults.malformed('sale.order', 'many2one_string', { field: 'partner_id', times: 1 });
    try {
      const res = await stack.query(PAGE);
      const error = onlyMappingError(res, 'sale.order', 'partner_id');
      assert.equal(res.data.orders.edges.length, 50);
      const index = error.path![2] as number;
      assert.deepEqual(error.path, ['orders', 'edges', index, 'node', 'account']);
      assert.equal(res.data.orders.edges[index].node.account, null);
      changedOnlyUnder(clean.data, res.data, ['orders', 'edges', index, 'node', 'account']);
    } finally {
      stack.odooSandbox.faults.clear();
    }
  });

  test('one corrupted HubSpot company nulls only its own account.name', async () => {
    const NAMES = `{ orders(first: 50) { edges { node { number account { id name } } } } }`;
    const before = await stack.query(NAMES);
    assert.equal(before.errors, undefined, JSON.stringify(before.errors));
    stack.hubspotSandbox.faults.add({ kind: 'malformed', shape: 'number_property', objectType: 'companies', times: 1 });
    try {
      const res = await stack.query(NAMES);
      assert.equal(res.data.orders.edges.length, 50);
      const errors = res.errors ?? [];
      assert.ok(errors.length >= 1, 'the broken name has an error');
      for (const e of errors) {
        assert.equal(e.extensions?.code, 'MAPPING_ERROR', JSON.stringify(e));
        assert.equal(e.extensions?.system, 'hubspot');
        assert.equal(e.extensions?.model, 'companies');
      }
      const badCompany = String(errors[0]!.extensions!.recordId);
      const nulled = res.data.orders.edges.filter((e: any) => e.node.account?.name === null);
      assert.equal(nulled.length, errors.length, 'one error per nulled name');
      assert.ok(nulled.length < 50, 'not the whole page');
      const accountsOf = (edges: any[]) => new Set(edges.map((e) => e.node.account.id));
      assert.equal(accountsOf(nulled).size, 1, 'only one company is affected');
      // Every other order's account name arrives as before.
      res.data.orders.edges.forEach((e: any, i: number) => {
        if (e.node.account?.name !== null) assert.deepEqual(e, before.data.orders.edges[i]);
      });
      assert.ok(badCompany);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('a HubSpot search page with one non-string property fails that field only; the page arrives', async () => {
    const PAGE = `{ accounts(first: 10) { edges { node { id name } } } }`;
    const before = await stack.query(PAGE);
    assert.equal(before.errors, undefined, JSON.stringify(before.errors));
    stack.hubspotSandbox.faults.add({ kind: 'malformed', shape: 'number_property', objectType: 'companies', operation: 'search', times: 1 });
    try {
      const res = await stack.query(PAGE);
      assert.equal(res.data.accounts.edges.length, before.data.accounts.edges.length, 'the whole page');
      assert.equal(res.errors?.length, 1, JSON.stringify(res.errors));
      const [e] = res.errors!;
      assert.equal(e!.extensions?.code, 'MAPPING_ERROR');
      assert.equal(e!.extensions?.system, 'hubspot');
      assert.deepEqual(e!.path, ['accounts', 'edges', 0, 'node', 'name']);
      assert.equal(res.data.accounts.edges[0].node.name, null);
      assert.equal(res.data.accounts.edges[0].node.id, before.data.accounts.edges[0].node.id);
      assert.deepEqual(res.data.accounts.edges.slice(1), before.data.accounts.edges.slice(1));
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });

  test('orders and accounts in one query: HubSpot down keeps the orders', async () => {
    stack.hubspotSandbox.faults.add({ kind: 'down' });
    try {
      const res = await stack.query(`{ orders(first: 3) { edges { node { number } } } accounts(first: 3) { edges { node { name } } } }`);
      assert.equal(res.status, 200);
      assert.ok(res.data, JSON.stringify(res.errors));
      assert.equal(res.data.orders.edges.length, 3);
      assert.equal(res.data.accounts, null);
      const error = res.errors?.find((e) => e.extensions?.system === 'hubspot');
      assert.ok(error, JSON.stringify(res.errors));
      assert.deepEqual(error.path, ['accounts']);
    } finally {
      stack.hubspotSandbox.faults.clear();
    }
  });
});
