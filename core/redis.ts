// The optional shared Redis (issue 14): the master-data caches of every replica and the
// gateways' rate-limit counters. Unset REDIS_URL = nothing contacts Redis and every
// process keeps its own state, as on one machine. The settings are read here only.
import { z } from 'zod';
import { createClient } from '@keyv/redis';
import { parseEnv, redactWhenPrinted, type Env } from './env.ts';
import type { Logger } from './logger.ts';

export const redisSettings = {
  /** redis://[user:password@]host:port[/db] (rediss:// for TLS); unset = no Redis. */
  REDIS_URL: z
    .string()
    .url()
    .refine((u) => /^rediss?:$/.test(new URL(u).protocol), 'must be redis://host:port[/db] or rediss://host:port[/db]')
    .refine((u) => /^\/?(\d{1,2})?$/.test(new URL(u).pathname), 'the path may only be a database number, e.g. /2')
    .optional(),
  /** Put before every key this product writes, so deployments can share one Redis. */
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{0,64}$/, 'letters, digits and _ . : - only, at most 64').default('ocs:'),
  /**
   * How long one Redis command may take before the caller gives up on it: a cache read
   * then goes to the backend, a rate-limit hit fails with STORE_UNAVAILABLE.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
};

const schema = z.object(redisSettings);

export interface RedisConfig {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** The Redis settings, or null when REDIS_URL is unset. */
export function loadRedisConfig(env: Env = process.env): RedisConfig | null {
  const parsed = parseEnv(schema, env, { label: 'redis' });
  if (!parsed.REDIS_URL) return null;
  return redactWhenPrinted({ url: parsed.REDIS_URL, keyPrefix: parsed.REDIS_KEY_PREFIX, commandTimeoutMs: parsed.REDIS_COMMAND_TIMEOUT_MS }, redisTarget);
}

/** Where Redis is, without user or password: what logs may say. */
export function redisTarget(config: Pick<RedisConfig, 'url'>): string {
  const u = new URL(config.url);
  return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
}

function newClient(config: RedisConfig) {
  return createClient({
    url: config.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.max(config.commandTimeoutMs, 1000),
      reconnectStrategy: (attempts: number) => Math.min(100 * 2 ** attempts, 5000),
    },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/**
 * A client that never queues a command while disconnected (it fails at once, so a
 * caller falls back instead of waiting) and keeps reconnecting in the background. Its
 * error events are logged, at most one line per outage, without the URL's credentials.
 */
export function createRedisClient(config: RedisConfig, logger: Logger, component: string): RedisClient {
  const client = newClient(config);
  let down = false;
  client.on('error', (e: unknown) => {
    if (down) return;
    down = true;
    logger.warn({ redis: redisTarget(config), component, err: { code: errorCode(e) } }, 'redis unreachable; falling back until it is back');
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: redisTarget(config), component }, 'redis reachable again');
    down = false;
  });
  return client;
}

/** The error's code (ECONNREFUSED, ETIMEDOUT…) or class name: never its message, which may quote the URL. */
export function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (e as Error).name;
    // node-redis's errors keep the base name; their class says what happened (ClientOfflineError…).
    return name && name !== 'Error' ? name : (e as object).constructor?.name ?? 'Error';
  }
  return 'Error';
}

/** Connects in the background: a process starts (and serves from its backends) while Redis is down. */
export function connectInBackground(client: RedisClient): void {
  client.connect().catch(() => {
    // Reported by the client's error listener; the reconnect strategy keeps trying.
  });
}

/** Rejects after `ms`; Redis commands race against it so a hung server cannot hold a request. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`redis ${what} timed out after ${ms} ms`), { name: 'RedisTimeoutError' })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Closes without waiting for a server that may be gone. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  try {
    await withTimeout(client.close(), 1000, "close");
  } catch {
    try {
      client.destroy();
    } catch {
      // Closed meanwhile: the timed-out close finished after all.
    }
  }
}
