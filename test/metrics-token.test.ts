// /metrics carries names and counts, never ids or values, and is open to whoever
// reaches the port unless METRICS_TOKEN is set: then every component's /metrics (the
// gateway's, the subgraphs', the worker's operations server) wants that bearer token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeServer, createOpsServer, listen, metricsAccess } from '../core/http.ts';
import { createLogger } from '../core/logger.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const TOKEN = 'scraper-0123456789abcdef';

describe('METRICS_TOKEN', () => {
  let stack: TestStack;
  let ops: { url: string; close: () => Promise<void> };
  before(async () => {
    // Other test files share this process (scripts/test.ts): whatever was set before is put back.
    const previous = process.env.METRICS_TOKEN;
    process.env.METRICS_TOKEN = TOKEN;
    try {
      stack = await startTestStack();
      const server = createOpsServer({ component: 'worker', logger: createLogger('worker', 'silent') });
      ops = { url: await listen(server), close: () => closeServer(server) };
    } finally {
      if (previous === undefined) delete process.env.METRICS_TOKEN;
      else process.env.METRICS_TOKEN = previous;
    }
  });
  after(async () => {
    await ops?.close();
    await stack?.close();
  });

  const metricsUrls = () => [new URL('/metrics', stack.urls.gateway), new URL('/metrics', stack.urls.odooSubgraph), new URL('/metrics', ops.url)];

  test('without the token, or with another, every component answers 401 and no metric', async () => {
    for (const url of metricsUrls()) {
      for (const authorization of [undefined, 'Bearer wrong-0123456789abcdef', TOKEN, `Basic ${TOKEN}`]) {
        const res = await fetch(url, { headers: authorization ? { authorization } : {} });
        const text = await res.text();
        assert.equal(res.status, 401, `${url} with ${authorization}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        assert.ok(!text.includes('process_cpu'), text);
      }
    }
  });

  test('with the bearer token, the Prometheus text', async () => {
    for (const url of metricsUrls()) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200, String(url));
      assert.match(await res.text(), /process_cpu_user_seconds_total/);
    }
  });

  test('unset, /metrics is open as before; a token shorter than 16 characters stops the component at start', () => {
    const open = metricsAccess({});
    assert.equal(open({ headers: {} } as never), true);
    assert.throws(() => metricsAccess({ METRICS_TOKEN: 'short' }), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /METRICS_TOKEN/.test(e.message) && !e.message.includes('short'));
  });
});
