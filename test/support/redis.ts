// Tests against the machine's Redis (127.0.0.1:6379, or TEST_REDIS_URL): every test
// file writes under its own key prefix and removes it afterwards.
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { RedisConfig } from '../../core/redis.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * How long a test rig's Redis command may take (REDIS_COMMAND_TIMEOUT_MS; production's
 * default is 500 ms). CI runs three suites side by side on two cores, and a rig's
 * processes starved that long answered STORE_UNAVAILABLE where a test was about
 * something else; tests of the timeout itself set their own.
 */
export const TEST_REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** Settings with a prefix no other test (or run) uses. */
export function testRedisConfig(label: string, overrides: Partial<RedisConfig> = {}): RedisConfig {
  return { url: TEST_REDIS_URL, keyPrefix: `test:${label}:${randomUUID().slice(0, 8)}:`, commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS, ...overrides };
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
