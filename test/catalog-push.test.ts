// Catalog and price push (R4 batch): every saleable Odoo product reaches the CRM as a
// product upserted on its Odoo reference, at most 100 per batch call (counted in the
// HubSpot sandbox log), a second push sends nothing, a push stopped half-way resumes
// from its cursor without a duplicate, and the price is the one of the pricelist the
// CRM sells at.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCatalogFlow } from '../worker/flows/catalog.ts';
import { loadMasterDataConfig } from '../worker/master-data/config.ts';
import { runFlow, startMasterDataRig, type MasterDataRig } from './support/master-data.ts';

const saleable = (rig: MasterDataRig) =>
  rig.odooSandbox.store.records('product.product').filter((p) => p.active !== false && p.sale_ok !== false);
const linkedProducts = (rig: MasterDataRig) => rig.hubspotSandbox.store.list('products').filter((p) => p.properties.odoo_product_id);

describe('catalog push', () => {
  let rig: MasterDataRig;
  before(async () => {
    rig = await startMasterDataRig();
  });
  after(() => rig.close());

  const flow = createCatalogFlow(() => loadMasterDataConfig({}));

  test("all demo products arrive in at most ⌈n/100⌉ batch calls (the engine's default page size), each once, with SKU, price, UoM and lead time", async () => {
    const products = saleable(rig);
    const n = products.length;
    assert.ok(n > 50, `the demo catalog has products to push (${n})`);
    rig.hubspotSandbox.log.clear();
    await runFlow(rig, flow);
    const batches = rig.hubspotSandbox.log.entries({ operation: 'batch_upsert', objectType: 'products' });
    assert.ok(batches.length <= Math.ceil(n / 100), `${batches.length} batch calls for ${n} products`);
    assert.ok(batches.every((b) => (b.inputs ?? 0) <= 100));
    assert.equal(rig.hubspotSandbox.log.count({ operation: 'create' }) + rig.hubspotSandbox.log.count({ operation: 'batch_create' }), 0);

    const byOdooId = new Map(linkedProducts(rig).map((p) => [p.properties.odoo_product_id, p]));
    assert.equal(linkedProducts(rig).length, byOdooId.size, 'one CRM product per Odoo product');
    for (const p of products) {
      const crm = byOdooId.get(String(p.id));
      assert.ok(crm, `product ${p.id} is in the CRM`);
      assert.equal(crm.properties.hs_sku, p.default_code || null);
      assert.equal(Number(crm.properties.price), p.list_price);
      assert.equal(Number(crm.properties.odoo_lead_time_days ?? 0), p.sale_delay ?? 0);
      assert.ok(crm.properties.odoo_uom, 'the unit of measure is named');
    }
  });

  test('a second push changes nothing: no batch call, no product touched', async () => {
    const before = new Map(linkedProducts(rig).map((p) => [p.id, p.properties.hs_lastmodifieddate]));
    rig.hubspotSandbox.log.clear();
    await runFlow(rig, flow);
    assert.equal(rig.hubspotSandbox.log.count({ operation: 'batch_upsert' }), 0);
    assert.deepEqual(new Map(linkedProducts(rig).map((p) => [p.id, p.properties.hs_lastmodifieddate])), before);
  });

  test('after a restart, a push re-sends at most the overlap window, with the same values and no new product', async () => {
    const values = () => new Map(linkedProducts(rig).map((p) => [p.id, JSON.stringify({ ...p.properties, hs_lastmodifieddate: null })]));
    const before = values();
    const restarted = createCatalogFlow(() => loadMasterDataConfig({}));
    rig.hubspotSandbox.log.clear();
    await runFlow(rig, restarted);
    assert.ok(rig.hubspotSandbox.log.count({ operation: 'batch_upsert' }) <= 1);
    assert.deepEqual(values(), before);
  });
});

describe('catalog push interrupted', () => {
  let rig: MasterDataRig;
  before(async () => {
    rig = await startMasterDataRig({ hubspotMaxRetries: 0 });
  });
  after(() => rig.close());

  test('a push that fails after its first batch resumes from its cursor: no product twice, none skipped', async () => {
    // Batches of 40 so the demo catalog takes several.
    const flow = createCatalogFlow(() => loadMasterDataConfig({ SYNC_CATALOG_BATCH_SIZE: '40' }));
    const n = saleable(rig).length;
    await runFlow(rig, flow, { maxPages: 1 });
    const cursorAfterFirst = await rig.cursors.get('catalog:product.product');
    assert.ok(cursorAfterFirst, 'the first page moved the cursor');

    rig.hubspotSandbox.faults.add({ kind: 'error', status: 503, operation: 'batch_upsert', times: 1 });
    await assert.rejects(runFlow(rig, flow));
    assert.deepEqual(await rig.cursors.get('catalog:product.product'), cursorAfterFirst, 'the failed page did not move the cursor');

    rig.hubspotSandbox.log.clear();
    await runFlow(rig, flow);
    const resumed = rig.hubspotSandbox.log.entries({ operation: 'batch_upsert', objectType: 'products' });
    const sentAfterResume = resumed.reduce((s, b) => s + (b.inputs ?? 0), 0);
    assert.ok(resumed.length >= 2 && resumed.length <= Math.ceil((n - 40) / 40) + 1, `${resumed.length} batch calls to finish`);
    assert.ok(sentAfterResume <= n - 40 + 6, `the resumed push sent ${sentAfterResume} products, not the first page again`);
    const linked = linkedProducts(rig);
    assert.equal(new Set(linked.map((p) => p.properties.odoo_product_id)).size, linked.length, 'no duplicate product');
    for (const p of saleable(rig)) assert.ok(linked.some((l) => l.properties.odoo_product_id === String(p.id)), `product ${p.id} arrived`);
  });
});

describe('catalog price per pricelist', () => {
  let rig: MasterDataRig;
  before(async () => {
    rig = await startMasterDataRig();
  });
  after(() => rig.close());

  test("the CRM gets the price of the pricelist it sells at: a product's fixed price, a global discount for the rest", async () => {
    const [fixed, other] = saleable(rig).filter((p) => (p.company_id ?? false) === false || p.company_id === 1).slice(0, 2);
    await rig.odoo.create('product.pricelist.item', [
      { pricelist_id: 2, applied_on: '0_product_variant', product_id: fixed!.id, compute_price: 'fixed', fixed_price: 1234.5 },
      { pricelist_id: 2, applied_on: '3_global', compute_price: 'percentage', percent_price: 10 },
    ], { context: { allowed_company_ids: [1] } });
    const flow = createCatalogFlow(() => loadMasterDataConfig({ SYNC_CATALOG_PRICELIST_ID: '2' }));
    await runFlow(rig, flow);
    const price = (id: number) => Number(linkedProducts(rig).find((p) => p.properties.odoo_product_id === String(id))!.properties.price);
    assert.equal(price(fixed!.id), 1234.5);
    assert.equal(price(other!.id), Math.round(Number(other!.list_price) * 0.9 * 100) / 100);
  });
});

describe('catalog push with a bad product', () => {
  let rig: MasterDataRig;
  before(async () => {
    rig = await startMasterDataRig();
  });
  after(() => rig.close());

  test('a product Odoo returns malformed is a mapping exception for ERP admin; the rest of the catalog still arrives in its batch', async () => {
    const [bad] = saleable(rig);
    // Bypassing the ORM, as a broken module or a bad import would leave it.
    rig.odooSandbox.store.patch('product.product', bad!.id, { default_code: 12345 });
    const flow = createCatalogFlow(() => loadMasterDataConfig({}));
    rig.hubspotSandbox.log.clear();
    const summary = await runFlow(rig, flow);
    assert.equal(summary.exceptions, 1);
    const [ex] = rig.exceptions.query({ teams: null, status: 'OPEN' }, { first: 10 }).rows;
    assert.equal(ex!.team, 'ERP_ADMIN');
    assert.equal(ex!.type, 'MAPPING');
    assert.equal(ex!.objectId, String(bad!.id));
    assert.equal(rig.hubspotSandbox.log.count({ operation: 'batch_upsert' }), 1);
    const pushed = new Set(linkedProducts(rig).map((p) => p.properties.odoo_product_id));
    for (const p of saleable(rig)) if (p.id !== bad!.id) assert.ok(pushed.has(String(p.id)), `product ${p.id} arrived`);
  });

  test('a batch the CRM refuses for one product goes product by product: only that one is an exception', async () => {
    const [first, second] = saleable(rig).filter((p) => p.default_code);
    // Another product in the CRM already holds the SKU the Odoo product now has (hs_sku is unique in this portal).
    rig.hubspotSandbox.store.create('products', { name: 'Hand-made duplicate', hs_sku: 'DUP-SKU-1' });
    await rig.odoo.write('product.product', [first!.id], { default_code: 'DUP-SKU-1' });
    await rig.odoo.write('product.product', [second!.id], { name: `${second!.name} (renamed)` });
    const flow = createCatalogFlow(() => loadMasterDataConfig({}));
    const before = rig.exceptions.query({ teams: null }, { first: 50 }).rows.length;
    await runFlow(rig, flow);
    const fresh = rig.exceptions.query({ teams: null }, { first: 50 }).rows.slice(0, rig.exceptions.query({ teams: null }, { first: 50 }).rows.length - before);
    assert.deepEqual(fresh.map((e) => [e.objectId, e.team]), [[String(first!.id), 'SALES_OPERATIONS']]);
    const renamed = linkedProducts(rig).find((p) => p.properties.odoo_product_id === String(second!.id));
    assert.equal(renamed!.properties.name, `${second!.name} (renamed)`);
  });
});
