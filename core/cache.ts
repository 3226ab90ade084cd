// Read-mostly master data (products, partners' cross-reference, pricelists,
// payment terms, warehouses, companies) is cached with keyv so the read subgraphs do
// not ask Odoo or HubSpot the same thing on every request. Live figures (stock,
// amounts, states) are never cached here.
//
// Where entries live (the cache's backing): in the process's memory by default, or in
// Redis (REDIS_URL, core/redis.ts) shared by every replica of a subgraph. Redis is the
// only copy then — no per-process layer in front of it — so dropping an entry there
// drops it for every replica at once (docs/deployment.md, "Redis"). A cache is an
// optimisation: when Redis fails or is slow, a read goes to the backend.
import { randomBytes } from 'node:crypto';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { cacheLookups } from './metrics.ts';
import { createLogger, type Logger } from './logger.ts';
import { closeRedisClient, connectInBackground, createRedisClient, errorCode, withTimeout, type RedisClient, type RedisConfig } from './redis.ts';

/** Where a cache keeps its entries. */
export type CacheBacking =
  | { kind: 'memory' }
  | { kind: 'redis'; client: RedisClient; keyPrefix: RedisConfig['keyPrefix']; commandTimeoutMs: RedisConfig['commandTimeoutMs'] };

export const MEMORY_BACKING: CacheBacking = { kind: 'memory' };

/** What a cache holds, declared once per reading subgraph and used by its writers to invalidate it. */
export interface CacheSpec {
  /** One per subgraph (policy/components.ts), also the metric label. */
  namespace: string;
  /** The models this cache may hold entries of: a key for another model is a programming error. */
  models: readonly string[];
}

export interface MasterDataCacheOptions extends Omit<CacheSpec, 'models'> {
  /** Default none: a cache that is only passed along (ttlMs 0) and never keyed. */
  models?: CacheSpec['models'];
  ttlMs: number;
  backing?: CacheBacking;
  logger?: Logger;
}

/**
 * An entry is about one record (`id`) or is a lookup (`lookup`: a list, a search by a
 * unique field) that may contain any record of its model. `scope` tells apart what
 * differently scoped callers see (companies, row scope, fields read).
 */
export type MasterDataKey = { model: string; scope: string } & ({ id: number | string; lookup?: never } | { lookup: string; id?: never });

/** What a write changed: `ids` of `model`, or (no ids) any record of it. */
export interface InvalidationTarget {
  model: string;
  ids?: ReadonlyArray<number | string>;
}

const SEP = '|';
/** How long an invalidation's generation marker lives in Redis: longer than any load (a request's deadline is 14 s). */
const GENERATION_TTL_MS = 5 * 60_000;
const FORBIDDEN_IN_PARTS = /[|*?[\]\\]/;

/**
 * The one key layout, `model|#id|scope` or `model|?|scope|lookup`: model and record
 * first, at fixed positions, so an invalidation can match keys without knowing the
 * readers' scopes (matchesInvalidation); in Redis each entry is also named in the
 * index of its record (MasterDataCache.recordIndex), so a write finds its entries
 * without scanning the keyspace.
 */
export function masterDataKey(k: MasterDataKey): string {
  if (FORBIDDEN_IN_PARTS.test(k.model)) throw new Error(`cache model name ${JSON.stringify(k.model)} has a reserved character`);
  if (k.id !== undefined) {
    if (FORBIDDEN_IN_PARTS.test(String(k.id))) throw new Error('cache record id has a reserved character');
    return `${k.model}${SEP}#${k.id}${SEP}${k.scope}`;
  }
  return `${k.model}${SEP}?${SEP}${k.scope}${SEP}${k.lookup}`;
}

/** Whether the entry under `key` may hold a record the write in `target` changed. */
export function matchesInvalidation(key: string, target: InvalidationTarget): boolean {
  const first = key.indexOf(SEP);
  if (first < 0 || key.slice(0, first) !== target.model) return false;
  if (!target.ids) return true;
  const second = key.indexOf(SEP, first + 1);
  const record = key.slice(first + 1, second < 0 ? undefined : second);
  if (record === '?') return true;
  return target.ids.some((id) => record === `#${id}`);
}

/** Model and record part (`#id`, or `?` for a lookup) of a key made by masterDataKey. */
function keyParts(key: string): { model: string; record: string } {
  const first = key.indexOf(SEP);
  const second = key.indexOf(SEP, first + 1);
  return { model: key.slice(0, first), record: key.slice(first + 1, second < 0 ? undefined : second) };
}

/** Caches in memory in this process, by namespace: an invalidation in the process reaches them (cache-invalidation.ts). */
const inProcess = new Map<string, Set<WeakRef<MasterDataCache>>>();

export function inProcessCaches(namespace: string): MasterDataCache[] {
  const refs = inProcess.get(namespace);
  if (!refs) return [];
  const live: MasterDataCache[] = [];
  for (const ref of refs) {
    const cache = ref.deref();
    if (cache) live.push(cache);
    else refs.delete(ref);
  }
  return live;
}

export class MasterDataCache {
  private readonly keyv: Keyv;
  private readonly enabled: boolean;
  private readonly models: ReadonlySet<string>;
  private readonly backing: CacheBacking;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  /** The metric label: the namespace (one per subgraph), never a key. */
  readonly namespace: string;
  /** Keys in Redis are `${storeNamespace}::${key}` (@keyv/redis's layout). */
  private readonly storeNamespace: string;
  private lastWarnAt = 0;
  /**
   * Memory backing: a read that was loading while a write invalidated its records must
   * not store what it loaded (it may be the value from before the write). Every
   * invalidation takes the next sequence number; while loads are in flight it also marks
   * the records it touched with it (`model|#id`, `model|?` for lookups, `model|*` for a
   * write that names no ids), and a load that ends stores only keys no mark newer than
   * its start covers. Marks older than the oldest load in flight are dropped.
   */
  private sequence = 0;
  private readonly loadsInFlight = new Map<number, number>();
  private readonly invalidatedAt = new Map<string, number>();

  constructor(opts: MasterDataCacheOptions) {
    this.enabled = opts.ttlMs > 0;
    this.ttlMs = opts.ttlMs;
    this.namespace = opts.namespace;
    this.models = new Set(opts.models ?? []);
    this.backing = opts.backing ?? MEMORY_BACKING;
    this.logger = opts.logger ?? createLogger('cache');
    if (this.backing.kind === 'redis') {
      this.storeNamespace = `${this.backing.keyPrefix}cache:${opts.namespace}`;
      // Errors are thrown to this class (which falls back and logs), never left as
      // unhandled 'error' events; keyv's own prefix is off so keys read as documented.
      const store = new KeyvRedis(this.backing.client, { namespace: this.storeNamespace, throwOnErrors: true, throwOnConnectError: true });
      this.keyv = new Keyv({ store, namespace: this.storeNamespace, ttl: opts.ttlMs, throwOnErrors: true, useKeyPrefix: false });
    } else {
      this.storeNamespace = opts.namespace;
      this.keyv = new Keyv({ namespace: opts.namespace, ttl: opts.ttlMs });
      if (this.enabled) {
        const refs = inProcess.get(opts.namespace) ?? new Set();
        refs.add(new WeakRef(this));
        inProcess.set(opts.namespace, refs);
      }
    }
    this.keyv.on('error', () => {
      // Every store failure also rejects the call that met it, which is where it is handled.
    });
  }

  get shared(): boolean {
    return this.backing.kind === 'redis';
  }

  /** The key of an entry of this cache (masterDataKey), refusing models the cache was not declared for. */
  key(k: MasterDataKey): string {
    if (!this.models.has(k.model)) throw new Error(`the ${this.namespace} cache is not declared for ${k.model}; add it to its models so writes invalidate it`);
    return masterDataKey(k);
  }

  /**
   * Returns cached values for the keys it has and loads the rest in one batch.
   * `load` must return a map from key to value; keys it leaves out are not cached
   * (a missing record is asked again next time rather than remembered as missing).
   * A failing or slow store counts as a miss: the backend answers.
   */
  async getMany<V>(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    let missing = [...new Set(keys)];
    // A store that just failed a read is not given writes to queue while it is away.
    let storeFailed = false;
    if (this.enabled && missing.length) {
      let cached: Array<V | undefined> | null = null;
      try {
        cached = (await this.guard(this.keyv.getMany<V>(missing), 'read')) as Array<V | undefined>;
      } catch (e) {
        storeFailed = true;
        this.warn(e, 'read');
        cacheLookups.inc({ cache: this.namespace, result: 'error' }, missing.length);
      }
      if (cached) {
        const stillMissing: string[] = [];
        missing.forEach((k, i) => (cached[i] === undefined ? stillMissing.push(k) : out.set(k, cached[i] as V)));
        missing = stillMissing;
        cacheLookups.inc({ cache: this.namespace, result: 'hit' }, out.size);
        cacheLookups.inc({ cache: this.namespace, result: 'miss' }, missing.length);
      }
    }
    if (missing.length) {
      if (!this.enabled || storeFailed) {
        for (const [k, v] of await load(missing)) out.set(k, v);
        return out;
      }
      if (this.backing.kind === 'redis') await this.loadShared(missing, load, out);
      else await this.loadInMemory(missing, load, out);
    }
    return out;
  }

  /** Loads `missing` and stores what no invalidation during the load covers (memory backing). */
  private async loadInMemory<V>(missing: string[], load: (missing: string[]) => Promise<Map<string, V>>, out: Map<string, V>): Promise<void> {
    const start = this.sequence;
    this.loadsInFlight.set(start, (this.loadsInFlight.get(start) ?? 0) + 1);
    let loaded: Map<string, V>;
    try {
      loaded = await load(missing);
    } finally {
      const left = this.loadsInFlight.get(start)! - 1;
      if (left) this.loadsInFlight.set(start, left);
      else this.loadsInFlight.delete(start);
    }
    const fresh: Array<{ key: string; value: V }> = [];
    for (const [key, value] of loaded) {
      out.set(key, value);
      if (!this.invalidatedSince(key, start)) fresh.push({ key, value });
    }
    this.pruneMarks();
    if (fresh.length) await this.keyv.setMany(fresh);
  }

  private invalidatedSince(key: string, start: number): boolean {
    if (!this.invalidatedAt.size) return false;
    const { model, record } = keyParts(key);
    return (this.invalidatedAt.get(`${model}${SEP}${record}`) ?? 0) > start || (this.invalidatedAt.get(`${model}${SEP}*`) ?? 0) > start;
  }

  private pruneMarks(): void {
    if (!this.invalidatedAt.size) return;
    if (!this.loadsInFlight.size) return this.invalidatedAt.clear();
    const oldest = Math.min(...this.loadsInFlight.keys());
    for (const [mark, at] of this.invalidatedAt) if (at <= oldest) this.invalidatedAt.delete(mark);
  }

  /**
   * Redis backing, where the writer is another process: each invalidation first gives
   * the records it touches a new generation (markers `|gen|model|record`, a unique value
   * each time), then deletes their entries. A load reads the generations of its records
   * before loading and again after storing; an entry whose generation changed in between
   * is deleted again. Either the reader sees the writer's new generation, or the writer
   * changed it after the entry was stored and indexed, so its own deletion finds the
   * entry: no atomic script is needed for an old value never to outlive an invalidation.
   */
  private async loadShared<V>(missing: string[], load: (missing: string[]) => Promise<Map<string, V>>, out: Map<string, V>): Promise<void> {
    const markers = this.generationKeys(missing);
    let before: Array<string | null> | null = null;
    try {
      before = await this.guard(this.readGenerations(markers), 'read');
    } catch (e) {
      this.warn(e, 'read');
    }
    const loaded = await load(missing);
    for (const [k, v] of loaded) out.set(k, v);
    if (!before || !loaded.size) return;
    const keys = [...loaded.keys()];
    try {
      // Index first: an entry the index does not name could outlive an invalidation.
      await this.guard(this.indexEntries(keys), 'write');
      await this.guard(this.keyv.setMany([...loaded].map(([key, value]) => ({ key, value }))), 'write');
    } catch (e) {
      this.warn(e, 'write');
      return;
    }
    try {
      const after = await this.guard(this.readGenerations(markers), 'read');
      const changed = new Set(markers.filter((_, i) => after[i] !== before[i]));
      if (!changed.size) return;
      const stale = keys.filter((key) => {
        const { model, record } = keyParts(key);
        return changed.has(this.generationKey(model, record)) || changed.has(this.generationKey(model, '*'));
      });
      if (stale.length) await this.guard(this.keyv.deleteMany(stale), 'write');
    } catch (e) {
      // The entries stay until their TTL, as they would have without this check.
      this.warn(e, 'write');
    }
  }

  /** Generation marker of one record (`#id`), of a model's lookups (`?`) or of the whole model (`*`). */
  private generationKey(model: string, record: string): string {
    return `${this.storeNamespace}::${SEP}gen${SEP}${model}${SEP}${record}`;
  }

  /** The markers an entry of any of `keys` depends on: its record's and its model's. */
  private generationKeys(keys: readonly string[]): string[] {
    const markers = new Set<string>();
    for (const key of keys) {
      const { model, record } = keyParts(key);
      markers.add(this.generationKey(model, record));
      markers.add(this.generationKey(model, '*'));
    }
    return [...markers];
  }

  private readGenerations(markers: string[]): Promise<Array<string | null>> {
    if (this.backing.kind !== 'redis') throw new Error('generations are kept in Redis only');
    return this.backing.client.mGet(markers) as Promise<Array<string | null>>;
  }

  async get<V>(key: string, load: () => Promise<V>): Promise<V> {
    const map = await this.getMany<V>([key], async () => new Map([[key, await load()]]));
    return map.get(key)!;
  }

  /**
   * Drops the entries `target` names from this cache's store. Shared in Redis, that is
   * every replica's view; resolves once they are gone (rejects if Redis failed: the
   * caller reports it, the entries then expire by TTL).
   */
  async invalidate(target: InvalidationTarget): Promise<number> {
    if (!this.models.has(target.model)) return 0;
    if (this.backing.kind === 'redis') {
      const client = this.backing.client;
      let doomed = 0;
      await this.guard(
        (async () => {
          // New generations before the deletion (loadShared says why), kept longer than any load lasts.
          const generation = `${Date.now().toString(36)}.${randomBytes(6).toString('base64url')}`;
          const marks = target.ids ? [...target.ids.map((id) => `#${id}`), '?'] : ['*'];
          const bump = client.multi();
          for (const record of marks) bump.set(this.generationKey(target.model, record), generation, { PX: GENERATION_TTL_MS });
          await bump.exec();
          // The record indexes the write touches (its ids and the model's lookups), or
          // every record index of the model: never a scan of the keyspace.
          const indexes = target.ids
            ? [...target.ids.map((id) => this.recordIndex(target.model, `#${id}`)), this.recordIndex(target.model, '?')]
            : await client.zRange(this.modelIndex(target.model), 0, -1);
          if (!indexes.length) return;
          const read = client.multi();
          for (const index of indexes) read.zRange(index, 0, -1);
          const entries = ((await read.exec()) as unknown as string[][]).flat();
          doomed = entries.length;
          const drop = client.multi();
          drop.unlink([...entries, ...indexes]);
          drop.zRem(this.modelIndex(target.model), indexes);
          await drop.exec();
        })(),
        'invalidate',
      );
      return doomed;
    }
    this.sequence++;
    if (this.loadsInFlight.size) {
      for (const record of target.ids ? [...target.ids.map((id) => `#${id}`), '?'] : ['*']) this.invalidatedAt.set(`${target.model}${SEP}${record}`, this.sequence);
    }
    const doomed: string[] = [];
    const iterate = this.keyv.iterator as unknown as (() => AsyncIterable<[string, unknown]>) | undefined;
    if (iterate) for await (const [key] of iterate.call(this.keyv)) if (matchesInvalidation(key, target)) doomed.push(key);
    if (doomed.length) await this.keyv.deleteMany(doomed);
    return doomed.length;
  }

  /**
   * Redis index of the entries about one record of a model (`#id`, or `?` for the
   * model's lookups): a sorted set of full entry keys scored by their expiry, itself
   * expiring with its newest entry. `|` cannot start a key masterDataKey makes (model
   * names may not contain it), so an index never collides with an entry.
   */
  private recordIndex(model: string, record: string): string {
    return `${this.storeNamespace}::${SEP}idx${SEP}${model}${SEP}${record}`;
  }

  /** Redis index of a model's record indexes, for a write that names no ids. */
  private modelIndex(model: string): string {
    return `${this.storeNamespace}::${SEP}idx${SEP}${model}`;
  }

  /** Adds entries about to be written to their indexes; members whose entries expired are pruned. */
  private async indexEntries(keys: string[]): Promise<void> {
    if (this.backing.kind !== 'redis') return;
    const ttl = this.ttlMs;
    const now = Date.now();
    const expiry = now + ttl;
    const multi = this.backing.client.multi();
    const models = new Set<string>();
    for (const key of keys) {
      const { model, record } = keyParts(key);
      const index = this.recordIndex(model, record);
      multi.zAdd(index, { score: expiry, value: `${this.storeNamespace}::${key}` });
      multi.zRemRangeByScore(index, '-inf', now);
      multi.pExpire(index, ttl);
      multi.zAdd(this.modelIndex(model), { score: expiry, value: index });
      models.add(model);
    }
    for (const model of models) {
      multi.zRemRangeByScore(this.modelIndex(model), '-inf', now);
      multi.pExpire(this.modelIndex(model), ttl);
    }
    await multi.exec();
  }

  async clear(): Promise<void> {
    try {
      await this.guard(this.keyv.clear(), 'clear');
    } catch (e) {
      this.warn(e, 'clear');
    }
  }

  private guard<T>(work: Promise<T>, what: string): Promise<T> {
    return this.backing.kind === 'redis' ? withTimeout(work, this.backing.commandTimeoutMs, `cache ${what}`) : work;
  }

  /** One line per cache per 10 s during an outage: the error's code, never a key, value or URL. */
  private warn(e: unknown, operation: string): void {
    const now = Date.now();
    if (now - this.lastWarnAt < 10_000) return;
    this.lastWarnAt = now;
    this.logger.warn({ cache: this.namespace, operation, err: { code: errorCode(e) } }, 'master-data cache unavailable; reading from the backend');
  }
}

/**
 * The backing the configuration asks for: Redis when REDIS_URL is set (connecting in
 * the background, so a process starts and serves while Redis is down), else memory.
 * `close` releases the connection at shutdown.
 */
export function cacheBackingFor(config: RedisConfig | null, logger: Logger, component: string): { backing: CacheBacking; close(): Promise<void> } {
  if (!config) return { backing: MEMORY_BACKING, close: async () => {} };
  const client = createRedisClient(config, logger, component);
  connectInBackground(client);
  return { backing: { kind: 'redis', client, keyPrefix: config.keyPrefix, commandTimeoutMs: config.commandTimeoutMs }, close: () => closeRedisClient(client) };
}
