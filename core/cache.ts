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
const FORBIDDEN_IN_PARTS = /[|*?[\]\\]/;

/**
 * The one key layout, `model|#id|scope` or `model|?|scope|lookup`: model and record
 * first, at fixed positions, so an invalidation can match keys without knowing the
 * readers' scopes (matchesInvalidation) and Redis can narrow a scan to one model.
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

/** Redis glob for every key of `model` in a namespace (model names carry no glob characters: masterDataKey checks). */
function modelPattern(storeNamespace: string, model: string): string {
  return `${storeNamespace}::${model}${SEP}*`;
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
  /** The metric label: the namespace (one per subgraph), never a key. */
  readonly namespace: string;
  /** Keys in Redis are `${storeNamespace}::${key}` (@keyv/redis's layout). */
  private readonly storeNamespace: string;
  private lastWarnAt = 0;

  constructor(opts: MasterDataCacheOptions) {
    this.enabled = opts.ttlMs > 0;
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
    if (this.enabled && missing.length) {
      let cached: Array<V | undefined> | null = null;
      try {
        cached = (await this.guard(this.keyv.getMany<V>(missing), 'read')) as Array<V | undefined>;
      } catch (e) {
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
      const loaded = await load(missing);
      for (const [k, v] of loaded) out.set(k, v);
      if (this.enabled && loaded.size) {
        try {
          await this.guard(this.keyv.setMany([...loaded].map(([key, value]) => ({ key, value }))), 'write');
        } catch (e) {
          this.warn(e, 'write');
        }
      }
    }
    return out;
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
      const doomed: string[] = [];
      const prefix = `${this.storeNamespace}::`;
      await this.guard(
        (async () => {
          for await (const batch of client.scanIterator({ MATCH: modelPattern(this.storeNamespace, target.model), COUNT: 1000 })) {
            for (const full of batch as string[]) if (matchesInvalidation(full.slice(prefix.length), target)) doomed.push(full);
          }
          if (doomed.length) await client.unlink(doomed);
        })(),
        'invalidate',
      );
      return doomed.length;
    }
    const doomed: string[] = [];
    const iterate = this.keyv.iterator as unknown as (() => AsyncIterable<[string, unknown]>) | undefined;
    if (iterate) for await (const [key] of iterate.call(this.keyv)) if (matchesInvalidation(key, target)) doomed.push(key);
    if (doomed.length) await this.keyv.deleteMany(doomed);
    return doomed.length;
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
