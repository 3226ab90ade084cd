import { startTestStack } from '/work/main/test/support/stack.ts';
const s = await startTestStack({});
try {
  const d = s.world.demo;
  const owner = s.world.hubspot.objects.companies.find(c => c.id === d.accountHubSpotId)!.properties.hubspot_owner_id!;
  let r = await s.query(`mutation($id: ID!, $k: String!) { updateAccount(id: $id, idempotencyKey: $k, input: { website: "https://elbtal.example", creditLimit: 90000 }) { complete replayed writes { system status fields errorCode } account { name website creditLimit { amount currency } } } }`, { id: d.accountId, k: 'key-00000001' }, { role: 'sales_ops', roles: ['sales_ops', 'finance'] });
  console.log(JSON.stringify(r.data), JSON.stringify(r.errors));
  r = await s.query(`mutation($id: ID!, $k: String!) { confirmQuote(quoteId: $id, idempotencyKey: $k) { status order { number state } issues { field code owningTeam message } } }`, { id: Buffer.from(`Quote:hubspot:${d.approvedQuote.quoteHubSpotId}`).toString('base64url'), k: 'confirm-0000001' }, { role: 'sales_rep', crmOwnerId: s.world.hubspot.objects.quotes.find(q => q.id === d.approvedQuote.quoteHubSpotId)!.properties.hubspot_owner_id! });
  console.log(JSON.stringify(r.data), JSON.stringify(r.errors));
  r = await s.query(`{ auditLog(first: 10) { totalCount edges { node { action system object outcome fields before after } } } }`, {}, { role: 'integration_admin' });
  console.log(JSON.stringify(r.data), JSON.stringify(r.errors));
  void owner;
} finally { await s.close(); }
