// approveQuote / rejectQuote: the approval step between a rep's quote and its order.
// Only roles with discount authority above the rep's (sales_ops) decide; the decision
// is written to HubSpot (hs_status and the discount it covers), audited, exactly once
// per key; a quote the portal could not approve (no template, deal or lines) is refused
// naming the field, before HubSpot is called.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { ROLES, WRITE_RULES, discountAuthority, type Role } from '../policy/permissions.ts';
import { startTestStack, type Caller, type TestStack } from './support/stack.ts';
import { companyOwner } from './support/world.ts';

const CREATE = `mutation($input: QuoteCreateInput!, $key: String!) { createQuote(input: $input, idempotencyKey: $key) { quote { id } } }`;
const SUBMIT = `mutation($id: ID!, $key: String!) { updateQuote(id: $id, input: { status: PENDING_APPROVAL }, idempotencyKey: $key) { quote { status } } }`;
const APPROVE = `mutation($q: ID!, $key: String!) { approveQuote(quoteId: $q, idempotencyKey: $key) { approvedDiscountLimit replayed quote { status } } }`;
const REJECT = `mutation($q: ID!, $r: String!, $key: String!) { rejectQuote(quoteId: $q, reason: $r, idempotencyKey: $key) { replayed quote { status } } }`;
const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status issues { field code } order { number } } }`;
const AUDIT = `query($id: ID!) { auditLog(first: 50, filter: { objectId: $id }) { edges { node { action role outcome errorCode fields before after } } } }`;

describe('quote approval', () => {
  let stack: TestStack;
  let rep: Caller;
  const ops: Caller = { role: 'sales_ops', sub: 'ops-approver' };
  const hubspotId = (canonical: string) => Buffer.from(canonical, 'base64url').toString('utf8').split(':')[2]!;
  let n = 0;
  /** A rep's quote with one line at `discount` %, submitted for approval. */
  const submitted = async (discount: number): Promise<string> => {
    n += 1;
    const created = await stack.query(CREATE, {
      key: `approval-create-${n}`,
      input: {
        account: stack.world.demo.accountId, title: `Approval case ${n}`, currency: 'EUR', validUntil: '2026-12-31', requestedDeliveryDate: '2027-01-15', incoterm: 'DAP',
        lines: [{ sku: stack.world.demo.productSku, quantity: 1, unitPrice: 21000, discount }],
      },
    }, rep);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const id = created.data.createQuote.quote.id as string;
    const sub = await stack.query(SUBMIT, { id, key: `approval-submit-${n}` }, rep);
    assert.equal(sub.errors, undefined, JSON.stringify(sub.errors));
    return id;
  };

  before(async () => {
    stack = await startTestStack();
    rep = { role: 'sales_rep', crmOwnerId: companyOwner(stack.world, stack.world.demo.accountHubSpotId), sub: 'rep-approval' };
  });
  after(() => stack.close());

  test('the authority is one table: only roles whose discount authority is above the rep’s may approve or reject', () => {
    const repAuthority = WRITE_RULES.sales_rep.maxDiscountPercent!;
    for (const role of ROLES) {
      const mayDecide = WRITE_RULES[role].mutations.includes('approveQuote');
      assert.equal(WRITE_RULES[role].mutations.includes('rejectQuote'), mayDecide, role);
      if (mayDecide) assert.ok(discountAuthority({ sub: role, roles: [role], accountId: null, companyIds: null, scopes: [] }) > repAuthority, role);
    }
  });

  test('permission matrix: sales_ops approves; every other role is FORBIDDEN before HubSpot is touched, and each attempt is audited', async () => {
    const id = await submitted(5);
    const others = ROLES.filter((r) => r !== 'sales_ops') as Role[];
    for (const role of others) {
      await stack.resetCounters();
      const caller: Caller = role === 'customer' ? { role, accountId: stack.world.demo.accountId } : role === 'sales_rep' ? rep : { role };
      const res = await stack.query(APPROVE, { q: id, key: `approval-matrix-${role}` }, caller);
      assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN', role);
      assert.equal(stack.hubspotSandbox.log.entries().filter((e) => e.method !== 'GET' && e.method !== 'POST').length, 0, role);
      const rejected = await stack.query(REJECT, { q: id, r: 'no', key: `approval-matrix-r-${role}` }, caller);
      assert.equal(rejected.errors?.[0]?.extensions?.code, 'FORBIDDEN', role);
    }
    await stack.resetCounters();
    const ok = await stack.query(APPROVE, { q: id, key: 'approval-matrix-ops' }, ops);
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.equal(ok.data.approveQuote.quote.status, 'APPROVED');
    assert.equal(ok.data.approveQuote.approvedDiscountLimit, 5);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update', objectType: 'quotes' }), 1);
    const stored = stack.hubspotSandbox.store.get('quotes', hubspotId(id))!.properties;
    assert.equal(stored.hs_status, 'APPROVED');
    assert.equal(stored.approved_discount_limit, '5');

    const audit = (await stack.query(AUDIT, { id }, { role: 'integration_admin' })).data.auditLog.edges.map((e: any) => e.node);
    const approvals = audit.filter((e: any) => e.action === 'approveQuote');
    assert.equal(approvals.filter((e: any) => e.outcome === 'applied').length, 1);
    const applied = approvals.find((e: any) => e.outcome === 'applied');
    assert.equal(applied.role, 'sales_ops');
    assert.deepEqual(JSON.parse(applied.before).status, 'PENDING_APPROVAL');
    assert.deepEqual(JSON.parse(applied.after), { status: 'APPROVED', approvedDiscountLimit: 5 });
    assert.equal(approvals.filter((e: any) => e.outcome !== 'applied' && e.errorCode === 'FORBIDDEN').length, others.length);
  });

  test("an approval covers the rep's discount above its own authority on confirmation; an edit sends the quote back and the cover is gone", async () => {
    const id = await submitted(20);
    assert.ok(20 > WRITE_RULES.sales_rep.maxDiscountPercent!);
    const approved = await stack.query(APPROVE, { q: id, key: 'approval-cover-1' }, ops);
    assert.equal(approved.data.approveQuote.approvedDiscountLimit, 20);
    // Edit: back to DRAFT, the limit cleared in HubSpot.
    const other = await submitted(20);
    await stack.query(APPROVE, { q: other, key: 'approval-cover-2' }, ops);
    const edit = await stack.query(`mutation($id: ID!) { updateQuote(id: $id, input: { title: "Changed after approval" }, idempotencyKey: "approval-cover-edit") { quote { status } } }`, { id: other }, rep);
    assert.equal(edit.data.updateQuote.quote.status, 'DRAFT');
    assert.equal(stack.hubspotSandbox.store.get('quotes', hubspotId(other))!.properties.approved_discount_limit, null);

    const confirmed = await stack.query(CONFIRM, { q: id, key: 'approval-cover-confirm' }, rep);
    assert.equal(confirmed.errors, undefined, JSON.stringify(confirmed.errors));
    assert.equal(confirmed.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(confirmed.data.confirmQuote.issues));
    assert.match(confirmed.data.confirmQuote.order.number, /^S\d+$/);
  });

  test("a quote approved in HubSpot's own approval flow is confirmed within the rep's own authority", async () => {
    const id = await submitted(20);
    // HubSpot's approver moves hs_status; the gateway's limit is not set.
    stack.hubspotSandbox.store.get('quotes', hubspotId(id))!.properties.hs_status = 'APPROVED';
    const res = await stack.query(CONFIRM, { q: id, key: 'approval-native-confirm' }, rep);
    assert.equal(res.data.confirmQuote.status, 'REJECTED');
    assert.deepEqual(res.data.confirmQuote.issues.map((i: any) => `${i.field} ${i.code}`), ['lines[0].discount DISCOUNT_OVER_AUTHORITY']);
  });

  test("a discount above the approver's own authority is refused naming the line", async () => {
    const id = await submitted(45);
    await stack.resetCounters();
    const res = await stack.query(APPROVE, { q: id, key: 'approval-over-1' }, ops);
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(res.errors?.[0]?.extensions?.field, 'lines[0].discount');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update', objectType: 'quotes' }), 0);
    assert.equal(stack.hubspotSandbox.store.get('quotes', hubspotId(id))!.properties.hs_status, 'PENDING_APPROVAL');
  });

  test('a quote without template or deal cannot be submitted or approved: the refusal names the field and HubSpot is not asked', async () => {
    // A quote made in HubSpot without the gateway: company and a line, but no template and no deal.
    const store = stack.hubspotSandbox.store;
    const bare = store.create('quotes', { hs_title: 'Made by hand', hs_expiration_date: '2026-12-31', hs_status: 'DRAFT', hs_currency: 'EUR', hubspot_owner_id: rep.crmOwnerId!, quote_number: 'Q-HAND-0001' });
    const line = store.create('line_items', { name: 'Pump', quantity: '1', price: '21000', hs_sku: stack.world.demo.productSku });
    store.link('quotes', bare.id, 'companies', stack.world.demo.accountHubSpotId, 71);
    store.link('quotes', bare.id, 'line_items', line.id, 67);
    const id = encodeId('Quote', 'crm', bare.id);
    await stack.resetCounters();
    const submit = await stack.query(SUBMIT, { id, key: 'approval-bare-submit' }, rep);
    assert.equal(submit.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
    assert.equal(submit.errors?.[0]?.extensions?.field, 'quote.template');
    assert.match(submit.errors![0]!.message, /no quote template.*not on a deal/);
    store.update('quotes', bare, { hs_status: 'PENDING_APPROVAL' });
    const approve = await stack.query(APPROVE, { q: id, key: 'approval-bare-approve' }, ops);
    assert.equal(approve.errors?.[0]?.extensions?.code, 'VALIDATION_FAILED');
    assert.equal(approve.errors?.[0]?.extensions?.field, 'quote.template');
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update', objectType: 'quotes' }), 0);
  });

  test('exactly once: a retried approval replays without a second write; a decided quote cannot be decided again', async () => {
    const id = await submitted(10);
    await stack.resetCounters();
    const first = await stack.query(APPROVE, { q: id, key: 'approval-once-1' }, ops);
    const again = await stack.query(APPROVE, { q: id, key: 'approval-once-1' }, ops);
    assert.equal(first.data.approveQuote.replayed, false);
    assert.equal(again.data.approveQuote.replayed, true);
    assert.equal(stack.hubspotSandbox.log.count({ operation: 'update', objectType: 'quotes' }), 1);
    const otherKey = await stack.query(APPROVE, { q: id, key: 'approval-once-2' }, ops);
    assert.equal(otherKey.errors?.[0]?.extensions?.code, 'CONFLICT');
  });

  test('rejectQuote records the reason in the audit trail and clears any cover; the rep edits and resubmits', async () => {
    const id = await submitted(12);
    const res = await stack.query(REJECT, { q: id, r: 'Discount needs a volume commitment', key: 'approval-reject-1' }, ops);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data.rejectQuote.quote.status, 'REJECTED');
    const blank = await stack.query(REJECT, { q: id, r: ' ', key: 'approval-reject-2' }, ops);
    assert.equal(blank.errors?.[0]?.extensions?.field, 'reason');
    const approveRejected = await stack.query(APPROVE, { q: id, key: 'approval-reject-3' }, ops);
    assert.equal(approveRejected.errors?.[0]?.extensions?.code, 'CONFLICT');
    const audit = (await stack.query(AUDIT, { id }, { role: 'integration_admin' })).data.auditLog.edges.map((e: any) => e.node);
    const rejection = audit.find((e: any) => e.action === 'rejectQuote' && e.outcome === 'applied');
    assert.equal(JSON.parse(rejection.after).reason, 'Discount needs a volume commitment');
    const resubmit = await stack.query(SUBMIT, { id, key: 'approval-reject-resubmit' }, rep);
    assert.equal(resubmit.data.updateQuote.quote.status, 'PENDING_APPROVAL');
    const approved = await stack.query(APPROVE, { q: id, key: 'approval-reject-4' }, ops);
    assert.equal(approved.data.approveQuote.quote.status, 'APPROVED');
  });
});
