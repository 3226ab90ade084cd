// Read-mostly master data (products, partners' cross-reference, pricelists,
// payment terms, warehouses, companies) is cached with keyv so the read subgraphs do
// not ask Odoo or HubSpot the same thing on every request. In memory by default;
// any keyv store can be passed in. Live figures (stock, amounts, states) are never
// cached here.
import Keyv from 'keyv';
import { cacheLookups } from './metrics.ts';

export interface MasterDataCacheOptions {
  ttlMs: number;
  namespace: string;
  store?: Keyv['opts']['store'];
}

export class MasterDataCache {
  private readonly keyv: Keyv;
  private readonly enabled: boolean;
  /** The metric label: the namespace (one per subgraph), never a key. */
  private readonly name: string;

  constructor(opts: MasterDataCacheOptions) {
    this.enabled = opts.ttlMs > 0;
    this.name = opts.namespace;
    this.keyv = new Keyv({ namespace: opts.namespace, ttl: opts.ttlMs, ...(opts.store ? { store: opts.store } : {}) });
  }

  /**
   * Returns cached values for the keys it has and loads the rest in one batch.
   * `load` must return a map from key to value; keys it leaves out are not cached
   * (a missing record is asked again next time rather than remembered as missing).
   */
  async getMany<V>(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    let missing = [...new Set(keys)];
    if (this.enabled && missing.length) {
      const cached = (await this.keyv.getMany<V>(missing)) as Array<V | undefined>;
      const stillMissing: string[] = [];
      missing.forEach((k, i) => (cached[i] === undefined ? stillMissing.push(k) : out.set(k, cached[i] as V)));
      missing = stillMissing;
      cacheLookups.inc({ cache: this.name, result: 'hit' }, out.size);
      cacheLookups.inc({ cache: this.name, result: 'miss' }, missing.length);
    }
    if (missing.length) {
      const loaded = await load(missing);
      for (const [k, v] of loaded) {
        out.set(k, v);
        if (this.enabled) await this.keyv.set(k, v);
      }
    }
    return out;
  }

  async get<V>(key: string, load: () => Promise<V>): Promise<V> {
    const map = await this.getMany<V>([key], async () => new Map([[key, await load()]]));
    return map.get(key)!;
  }

  clear(): Promise<void> {
    return this.keyv.clear();
  }
}
