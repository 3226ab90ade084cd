// A write that changes master data drops what the read subgraphs cached about it, in
// every replica (issue 14). The writer names the namespace (the reading subgraph,
// policy/components.ts) and the model and record ids it wrote; which cache keys that
// touches is decided by core/cache.ts (matchesInvalidation), the one key layout.
//
// With Redis the entries live only there (no per-process copy in front — measured in
// docs/deployment.md), so deleting them in Redis reaches every replica at once and the
// write answers after they are gone: no pub/sub message that a disconnected replica
// could miss. Caches in this process's memory (npm start, tests: the writer and the
// readers share a process) are invalidated directly. Processes without Redis and
// without the writer in them keep their entries until CACHE_TTL_MS, as before.
import { inProcessCaches, MasterDataCache, type CacheBacking, type CacheSpec, type InvalidationTarget } from './cache.ts';
import { createLogger, type Logger } from './logger.ts';
import { errorCode } from './redis.ts';

export interface CacheInvalidation {
  /**
   * Drops the entries of `target` from the caches of `spec`; resolves when they are
   * gone. Never rejects: a failure is logged and the entries expire by TTL (the write
   * itself has happened and must be reported as such).
   */
  invalidate(spec: CacheSpec, target: InvalidationTarget): Promise<void>;
}

export function createCacheInvalidation(backing: CacheBacking, logger: Logger = createLogger('cache-invalidation')): CacheInvalidation {
  /** One handle per namespace on the shared store: the same keys the readers' caches use. */
  const shared = new Map<string, MasterDataCache>();
  const sharedCache = (spec: CacheSpec) => {
    let cache = shared.get(spec.namespace);
    if (!cache) {
      // ttl only matters for writes, which this handle never makes.
      cache = new MasterDataCache({ ...spec, ttlMs: 1, backing, logger });
      shared.set(spec.namespace, cache);
    }
    return cache;
  };
  return {
    async invalidate(spec, target) {
      const caches = inProcessCaches(spec.namespace);
      if (backing.kind === 'redis') caches.push(sharedCache(spec));
      await Promise.all(
        caches.map(async (cache) => {
          try {
            await cache.invalidate(target);
          } catch (e) {
            logger.warn({ cache: spec.namespace, model: target.model, err: { code: errorCode(e) } }, 'cache invalidation failed; the entries expire by TTL');
          }
        }),
      );
    },
  };
}

/** Without Redis: only the caches of this process. */
export const IN_PROCESS_INVALIDATION: CacheInvalidation = createCacheInvalidation({ kind: 'memory' });
