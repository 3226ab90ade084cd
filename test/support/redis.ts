// Tests against the machine's Redis (127.0.0.1:6379, or TEST_REDIS_URL): every test
// file writes under its own key prefix and removes it afterwards.
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { RedisConfig } from '../../core/redis.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Settings with a prefix no other test (or run) uses. */
export function testRedisConfig(label: string, overrides: Partial<RedisConfig> = {}): RedisConfig {
  return { url: TEST_REDIS_URL, keyPrefix: `test:${label}:${randomUUID().slice(0, 8)}:`, commandTimeoutMs: 500, ...overrides };
}

/** A plain client to look at (and clean) what the code under test wrote. */
export async function inspector() {
  const client = createClient({ url: TEST_REDIS_URL });
  await client.connect();
  return {
    client,
    async keys(pattern: string): Promise<string[]> {
      const out: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) out.push(...(batch as string[]));
      return out.sort();
    },
    /** Removes every key under `prefix` and disconnects. */
    async cleanUp(prefix: string): Promise<void> {
      const doomed = await this.keys(`${prefix}*`);
      if (doomed.length) await client.unlink(doomed);
      await client.close();
    },
  };
}

/** A loopback port nothing listens on: Redis "down". */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
