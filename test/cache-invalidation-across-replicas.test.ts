// The master-data caches of several replicas share one Redis (REDIS_URL): what one
// replica loaded is a hit on the other, a write through the writes subgraph drops the
// entries of the records it changed for every replica, and a Redis that is down or
// unreachable never fails a read — the backend answers and the log says why, without
// the URL's password. Against the machine's real Redis, each test under its own prefix.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { cacheBackingFor, MasterDataCache, type CacheBacking } from '../core/cache.ts';
import { createCacheInvalidation, IN_PROCESS_INVALIDATION } from '../core/cache-invalidation.ts';
import { createLogger } from '../core/logger.ts';
import { closeServer, listen } from '../core/http.ts';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { ODOO_MASTER_DATA_CACHE } from '../connectors/odoo/master-data-cache.ts';
import { PARTNER_REF_FIELDS } from '../connectors/odoo/canonical.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { createOdooSubgraph } from '../subgraphs/odoo/server.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';
import { DEFAULT_NOW, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { closedPort, inspector, testRedisConfig } from './support/redis.ts';
import { skipHistory, startSyncWorld, syncAll, type SyncWorld } from './support/sync.ts';

const SPEC = { namespace: 'replica-test', models: ['product.product', 'res.partner'] };

/** A logger whose lines the test reads. */
function capturedLogger(level = 'warn') {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { logger: createLogger('cache-test', level, sink), lines };
}

async function ready(backing: CacheBacking): Promise<void> {
  // Not events.once: a reconnect attempt refused just before the server came up emits
  // 'error' (which the client's own listener reports) and would reject the wait.
  if (backing.kind === 'redis' && !backing.client.isReady) await new Promise<void>((ok) => backing.client.once('ready', () => ok()));
}

/** A loader that counts the records it was asked for. */
function countingLoader() {
  const asked: string[] = [];
  return {
    asked,
    load: async (missing: string[]) => {
      asked.push(...missing);
      return new Map(missing.map((k) => [k, { loaded: k }]));
    },
  };
}

describe('master-data cache shared by replicas in Redis', () => {
  const config = testRedisConfig('cache');
  const { logger } = capturedLogger();
  // Three processes' worth of connections: two reading replicas and a writer.
  const a = cacheBackingFor(config, logger, 'replica-a');
  const b = cacheBackingFor(config, logger, 'replica-b');
  const writer = cacheBackingFor(config, logger, 'writer');
  const replicaA = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: a.backing, logger });
  const replicaB = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: b.backing, logger });
  const invalidation = createCacheInvalidation(writer.backing, logger);
  const key = (id: number) => replicaA.key({ model: 'product.product', scope: 'c1|all|name', id });
  const lookup = replicaA.key({ model: 'product.product', scope: 'c1|all|default_code', lookup: 'NW-PMP-1003' });
  const partner = replicaA.key({ model: 'res.partner', scope: 'c1|all|name,ref', id: 5 });

  before(async () => {
    await Promise.all([ready(a.backing), ready(b.backing), ready(writer.backing)]);
  });
  after(async () => {
    const redis = await inspector();
    await redis.cleanUp(config.keyPrefix);
    await Promise.all([a.close(), b.close(), writer.close()]);
  });

  test('a value loaded by one replica is a hit on the other', async () => {
    const first = countingLoader();
    await replicaA.getMany([key(5), key(6)], first.load);
    assert.deepEqual(first.asked, [key(5), key(6)]);
    const second = countingLoader();
    const got = await replicaB.getMany([key(5), key(6)], second.load);
    assert.deepEqual(second.asked, [], 'replica B asked the backend nothing');
    assert.deepEqual(got.get(key(5)), { loaded: key(5) });
    const redis = await inspector();
    try {
      const entries = (await redis.keys(`${config.keyPrefix}cache:${SPEC.namespace}::*`)).filter((k) => !k.includes('::|idx|'));
      assert.deepEqual(entries, [key(5), key(6)].map((k) => `${config.keyPrefix}cache:${SPEC.namespace}::${k}`).sort());
    } finally {
      await redis.client.close();
    }
  });

  test("a writer's invalidation drops the written record's entries and the model's lookups for every replica, and nothing else", async () => {
    await replicaA.getMany([key(5), key(6), lookup, partner], countingLoader().load);
    await invalidation.invalidate(SPEC, { model: 'product.product', ids: [5] });
    for (const replica of [replicaA, replicaB]) {
      const loader = countingLoader();
      await replica.getMany([key(5), key(6), lookup, partner], loader.load);
      // key(5) and the SKU lookup were gone; the first replica to ask put them back.
      assert.deepEqual(loader.asked, replica === replicaA ? [key(5), lookup] : []);
    }
    await invalidation.invalidate(SPEC, { model: 'res.partner' });
    const loader = countingLoader();
    await replicaB.getMany([key(5), key(6), lookup, partner], loader.load);
    assert.deepEqual(loader.asked, [partner], 'a whole-model invalidation drops only that model');
  });

  test('an invalidation finds its entries through the record indexes: no command walks the keyspace, and the indexes go with the entries', async () => {
    const called: string[] = [];
    const client = writer.backing.kind === 'redis' ? writer.backing.client : assert.fail('Redis backing expected');
    const spy = new Proxy(client, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^(scan|scanIterator|keys|KEYS|SCAN|sendCommand)$/.test(prop)) called.push(prop);
        return Reflect.get(target, prop, receiver);
      },
    });
    const spied = createCacheInvalidation({ ...writer.backing, client: spy } as CacheBacking, logger);
    const otherScope = replicaA.key({ model: 'product.product', scope: 'c2|own|name', id: 7 });
    await replicaA.getMany([key(7), otherScope, key(8), lookup], countingLoader().load);
    await spied.invalidate(SPEC, { model: 'product.product', ids: [7] });
    const loader = countingLoader();
    await replicaB.getMany([key(7), otherScope, key(8), lookup], loader.load);
    assert.deepEqual(loader.asked, [key(7), otherScope, lookup], 'record 7 in both scopes and the lookup were dropped, record 8 kept');
    await spied.invalidate(SPEC, { model: 'product.product' });
    const again = countingLoader();
    await replicaB.getMany([key(7), key(8)], again.load);
    assert.deepEqual(again.asked, [key(7), key(8)], 'a write naming no ids drops every entry of the model');
    assert.deepEqual(called, [], 'the invalidation used no SCAN, KEYS or raw command');
    const redis = await inspector();
    try {
      const ns = `${config.keyPrefix}cache:${SPEC.namespace}::`;
      const index = `${ns}|idx|product.product|#7`;
      assert.deepEqual(await redis.client.zRange(index, 0, -1), [`${ns}${key(7)}`], 'the reloaded entry is indexed again, once');
      const ttl = await redis.client.pTTL(index);
      assert.ok(ttl > 0 && ttl <= 60_000, `the index expires with its newest entry (pttl ${ttl})`);
    } finally {
      await redis.client.close();
    }
  });

  test('Redis unreachable: every read is answered from the backend, the log names the failure but not the password', async () => {
    const port = await closedPort();
    const { logger: quiet, lines } = capturedLogger();
    const down = cacheBackingFor({ ...config, url: `redis://cacheuser:s3cret-pw@127.0.0.1:${port}/0` }, quiet, 'replica-down');
    try {
      const cache = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: down.backing, logger: quiet });
      for (let i = 0; i < 3; i++) {
        const loader = countingLoader();
        const got = await cache.getMany([key(5)], loader.load);
        assert.deepEqual(got.get(key(5)), { loaded: key(5) });
        assert.deepEqual(loader.asked, [key(5)], 'the backend answered');
      }
      assert.equal(await cache.get(key(7), async () => 'from the backend'), 'from the backend');
      // The writer side too: the write is not failed by its invalidation.
      await createCacheInvalidation(down.backing, quiet).invalidate(SPEC, { model: 'product.product', ids: [5] });
      const text = lines.join('');
      assert.match(text, /ECONNREFUSED|ClientClosedError|ClientOfflineError/, text);
      assert.doesNotMatch(text, /s3cret-pw|cacheuser/);
    } finally {
      await down.close();
    }
  });

  test('Redis back after an outage: the same process uses the shared cache again, without a restart', async () => {
    const net = await import('node:net');
    const port = await closedPort();
    const { logger: quiet, lines } = capturedLogger('info');
    const flaky = cacheBackingFor({ ...config, url: `redis://127.0.0.1:${port}/0` }, quiet, 'replica-flaky');
    // Redis "comes back" on that port: a proxy to the real one.
    const sockets = new Set<import('node:net').Socket>();
    const proxy = net.createServer((s) => {
      const upstream = net.connect(6379, '127.0.0.1');
      sockets.add(s).add(upstream);
      s.pipe(upstream).pipe(s);
      s.on('error', () => upstream.destroy());
      upstream.on('error', () => s.destroy());
    });
    try {
      const cache = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: flaky.backing, logger: quiet });
      const k = key(11);
      const down = countingLoader();
      await cache.getMany([k], down.load);
      assert.deepEqual(down.asked, [k], 'down: the backend answered');
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      await ready(flaky.backing);
      await cache.getMany([k], countingLoader().load);
      const back = countingLoader();
      await cache.getMany([k], back.load);
      assert.deepEqual(back.asked, [], 'back: a hit from Redis');
      assert.match(lines.join(''), /redis reachable again/);
    } finally {
      await flaky.close();
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });

  test('Redis that stops answering after the handshake: reads fall back after REDIS_COMMAND_TIMEOUT_MS', async () => {
    // Speaks just enough RESP to get a client ready (OK to the connection set-up), then never answers.
    const net = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('data', (chunk) => {
        for (const m of String(chunk).matchAll(/\*\d+\r\n\$\d+\r\n(\w+)/g)) if (/^(CLIENT|HELLO|SELECT|PING)$/i.test(m[1]!)) s.write('+OK\r\n');
      });
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const { logger: quiet, lines } = capturedLogger();
    const hung = cacheBackingFor({ ...config, url: `redis://127.0.0.1:${port}/0`, commandTimeoutMs: 100 }, quiet, 'replica-hung');
    try {
      await ready(hung.backing);
      const cache = new MasterDataCache({ ...SPEC, ttlMs: 60_000, backing: hung.backing, logger: quiet });
      const loader = countingLoader();
      const got = await cache.getMany([key(9)], loader.load);
      assert.deepEqual(loader.asked, [key(9)], 'the backend answered');
      assert.deepEqual(got.get(key(9)), { loaded: key(9) });
      assert.match(lines.join(''), /"code":"RedisTimeoutError".*master-data cache unavailable/);
    } finally {
      if (hung.backing.kind === 'redis') hung.backing.client.destroy();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('without Redis, an invalidation reaches the caches in the same process (npm start runs writer and readers in one)', async () => {
    const local = new MasterDataCache({ ...SPEC, namespace: 'replica-test-local', ttlMs: 60_000 });
    await local.getMany([key(5), key(6)], countingLoader().load);
    await IN_PROCESS_INVALIDATION.invalidate({ ...SPEC, namespace: 'replica-test-local' }, { model: 'product.product', ids: [6] });
    const loader = countingLoader();
    await local.getMany([key(5), key(6)], loader.load);
    assert.deepEqual(loader.asked, [key(6)]);
  });

  test('a key for a model the cache was not declared for is refused (so every cached model is one writers invalidate)', () => {
    assert.throws(() => replicaA.key({ model: 'sale.order', scope: 'x', id: 1 }), /not declared for sale.order/);
  });
});

describe('a write through the writes subgraph invalidates the Odoo subgraph replicas sharing Redis', () => {
  const config = testRedisConfig('writes');
  const { logger } = capturedLogger();
  const shared = cacheBackingFor(config, logger, 'stack');
  const other = cacheBackingFor(config, logger, 'replica-b');
  let stack: TestStack;
  let replicaB: Awaited<ReturnType<typeof createOdooSubgraph>>;
  let replicaBUrl: string;
  let closeB: () => Promise<void>;
  const partnerKeys = async (redis: Awaited<ReturnType<typeof inspector>>, id: number) =>
    redis.keys(`${config.keyPrefix}cache:${ODOO_MASTER_DATA_CACHE.namespace}::res.partner|#${id}|*`);

  before(async () => {
    await Promise.all([ready(shared.backing), ready(other.backing)]);
    stack = await startTestStack({ cacheTtlMs: 60_000, cacheBacking: shared.backing, cacheInvalidation: createCacheInvalidation(shared.backing, logger) });
    // A second replica of the Odoo subgraph: its own process state, the same Odoo, the same Redis.
    const client = createOdooClient(loadOdooConfig({
      ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
      ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: protocolsOf(stack.odooSandbox.version)[0]!,
    }));
    replicaB = await createOdooSubgraph({ client, internalSecret: DEV_INTERNAL_SECRET, cacheTtlMs: 60_000, cacheBacking: other.backing, now: () => new Date(DEFAULT_NOW) });
    replicaBUrl = `${await listen(replicaB.server, 0, '127.0.0.1')}/graphql`;
    closeB = async () => {
      await closeServer(replicaB.server);
      await replicaB.stop();
      await client.close();
    };
  });
  after(async () => {
    await closeB?.();
    await stack?.close();
    const redis = await inspector();
    await redis.cleanUp(config.keyPrefix);
    await Promise.all([shared.close(), other.close()]);
  });

  const ORDER = 'query($n: String) { order(number: $n) { number account { id } } }';
  const onReplicaB = async (query: string, variables: Record<string, unknown>) => {
    const token = await signInternalToken({ sub: 'replica-test', roles: ['finance'], accountId: null, companyIds: null, scopes: [] }, 'odoo', DEV_INTERNAL_SECRET, 'replica-b-req');
    const res = await fetch(replicaBUrl, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };
  const partnerRefReads = () => stack.odooSandbox.log.entries({ model: 'res.partner', method: 'search_read' }).filter((e) => e.fields?.length === PARTNER_REF_FIELDS.length && PARTNER_REF_FIELDS.every((f) => e.fields!.includes(f))).length;

  test('the account reference one replica loaded is a hit on the other; updateAccount drops it from both', async () => {
    const n = stack.world.demo.orderNumber;
    const partnerId = stack.world.demo.accountOdooId;
    const viaGateway = await stack.query(ORDER, { n });
    assert.equal(viaGateway.errors, undefined, JSON.stringify(viaGateway.errors));
    const accountId = viaGateway.data.order.account.id;
    assert.equal(accountId, stack.world.demo.accountId);
    const redis = await inspector();
    try {
      assert.equal((await partnerKeys(redis, partnerId)).length, 1, 'replica A cached the partner reference in Redis');

      stack.odooSandbox.log.clear();
      const b1 = await onReplicaB(ORDER, { n });
      assert.equal(b1.errors, undefined, JSON.stringify(b1.errors));
      assert.equal(b1.data.order.account.id, accountId);
      assert.equal(partnerRefReads(), 0, 'replica B read the partner reference from the shared cache, not from Odoo');

      // finance changes an Odoo-owned field of the account: a write to res.partner <partnerId>.
      const write = await stack.query(
        'mutation($id: ID!, $key: String!) { updateAccount(id: $id, input: { creditLimit: 123456 }, idempotencyKey: $key) { complete } }',
        { id: accountId, key: `replica-invalidation-${Date.now()}` },
        { role: 'finance' },
      );
      assert.equal(write.errors, undefined, JSON.stringify(write.errors));
      assert.equal(write.data.updateAccount.complete, true);
      assert.deepEqual(await partnerKeys(redis, partnerId), [], 'the entries of the written partner are gone as soon as the mutation answers');

      stack.odooSandbox.log.clear();
      const b2 = await onReplicaB(ORDER, { n });
      assert.equal(b2.errors, undefined, JSON.stringify(b2.errors));
      assert.ok(partnerRefReads() >= 1, 'replica B read the partner reference from Odoo again');
      stack.odooSandbox.log.clear();
      const a2 = await stack.query(ORDER, { n });
      assert.equal(a2.errors, undefined);
      assert.equal(partnerRefReads(), 0, "replica A found replica B's fresh entry");
    } finally {
      await redis.client.close();
    }
  });
});

describe('a sync flow that writes master data invalidates the replicas sharing Redis', () => {
  const config = testRedisConfig('sync');
  const { logger } = capturedLogger();
  const reader = cacheBackingFor(config, logger, 'odoo-replica');
  const worker = cacheBackingFor(config, logger, 'worker');
  let sync: SyncWorld;

  before(async () => {
    await Promise.all([ready(reader.backing), ready(worker.backing)]);
    sync = await startSyncWorld({ worker: { only: ['customer-master'], cacheInvalidation: createCacheInvalidation(worker.backing, logger) } });
    skipHistory(sync.worker);
  });
  after(async () => {
    await sync?.close();
    const redis = await inspector();
    await redis.cleanUp(config.keyPrefix);
    await Promise.all([reader.close(), worker.close()]);
  });

  test("the customer-master flow writing a new partner's CRM reference drops that partner's cached entry", async () => {
    // A customer created in Odoo directly (not through this product: nothing is invalidated)...
    const [partnerId] = await sync.odoo.create('res.partner', [{ name: 'Cache Invalidation Test GmbH', is_company: true, customer_rank: 1, vat: 'DE811111111', company_id: 1 }], { context: { allowed_company_ids: [1] } });
    // ...which an Odoo subgraph replica has read and cached, without a CRM reference yet.
    const replica = new MasterDataCache({ ...ODOO_MASTER_DATA_CACHE, ttlMs: 60_000, backing: reader.backing, logger });
    const entry = replica.key({ model: 'res.partner', scope: 'c1|all|name,ref,parent_id', id: partnerId! });
    const other = replica.key({ model: 'res.partner', scope: 'c1|all|name,ref,parent_id', id: 1 });
    await replica.getMany([entry, other], async (keys) => new Map(keys.map((k) => [k, { ref: false }])));

    await syncAll(sync.worker);
    assert.ok(sync.odooSandbox.store.get('res.partner', partnerId!)!.ref, 'the flow wrote the CRM reference into the partner');

    const loader = countingLoader();
    await replica.getMany([entry, other], loader.load);
    assert.deepEqual(loader.asked, [entry], "the written partner's entry was dropped; the other partner's kept");
  });
});
