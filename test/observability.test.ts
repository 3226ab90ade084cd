// What an operator sees (R9): metrics that move with requests and backend faults,
// one log line per request and per backend failure or retry (names and codes, no
// personal data), one trace across gateway → subgraph → backend, and /ready
// failing when the backend is down.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { createLogger } from '../core/logger.ts';
import { addSpanProcessor } from '../core/tracing.ts';
import { useBackendLogger } from '../connectors/shared/backend-telemetry.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import http from 'node:http';
import { closeServer, listen } from '../core/http.ts';
import { initTracing, tracer } from '../core/tracing.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';

const ORDER = `query ObservedOrder($n: String!) { order(number: $n) { number state account { name taxId } lines { quantity } } }`;

/** Every line the components log, parsed. */
const lines: Array<Record<string, any>> = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
    done();
  },
});

/** The sum of a metric's samples from a /metrics text whose labels include `labels` (0 when none). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('observability', () => {
  let stack: TestStack;
  const spans = new InMemorySpanExporter();
  let removeProcessor: () => void;
  let restoreBackendLogger: () => void;
  const metrics = async (url = stack.urls.gateway) => (await fetch(url.replace('/graphql', '/metrics'))).text();

  before(async () => {
    const logger = createLogger('test', 'debug', sink);
    const previous = useBackendLogger(logger);
    restoreBackendLogger = () => void useBackendLogger(previous);
    stack = await startTestStack({ logger });
    removeProcessor = addSpanProcessor(new SimpleSpanProcessor(spans));
  });
  after(async () => {
    removeProcessor();
    restoreBackendLogger();
    await stack.close();
  });

  test('a request moves its operation counter and writes one request line per component without the token', async () => {
    const labels = { component: 'gateway', operation: 'ObservedOrder', outcome: 'ok' };
    const before = sample(await metrics(), 'graphql_operations_total', labels);
    lines.length = 0;
    const res = await stack.query(ORDER, { n: stack.world.demo.orderNumber });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const text = await metrics();
    assert.equal(sample(text, 'graphql_operations_total', labels), before + 1);
    assert.ok(sample(text, 'graphql_operation_duration_seconds_count', labels) >= 1);
    assert.ok(sample(text, 'backend_calls_total', { system: 'odoo', operation: 'search_read', model: 'sale.order', outcome: 'ok' }) >= 1);
    assert.ok(text.includes('process_cpu_user_seconds_total'), 'default process metrics');
    // Every component serves /metrics.
    assert.match(await metrics(stack.urls.odooSubgraph), /graphql_operations_total\{component="odoo-subgraph",operation="ObservedOrder"/);

    const requestLines = lines.filter((l) => l.msg === 'graphql request');
    const gatewayLine = requestLines.find((l) => l.status === 200 && l.role === 'finance' && l.operation === 'ObservedOrder');
    assert.ok(gatewayLine, JSON.stringify(requestLines));
    assert.equal(gatewayLine.outcome, 'ok');
    assert.equal(typeof gatewayLine.durationMs, 'number');
    assert.match(gatewayLine.requestId, /^[0-9a-f-]{36}$/);
    assert.match(gatewayLine.traceId, /^[0-9a-f]{32}$/);
    // The same request id reaches the subgraphs' lines.
    assert.ok(requestLines.filter((l) => l.requestId === gatewayLine.requestId).length >= 2, 'gateway and at least one subgraph');
    const all = JSON.stringify(lines);
    assert.ok(!/Bearer|eyJ[A-Za-z0-9_-]{10,}/.test(all), 'no token in any line');
    assert.ok(!all.includes(stack.world.demo.accountName), 'no personal or business data');
  });

  test('an Odoo outage counts an error by code and logs a line naming the system and code, without personal data', async () => {
    const labels = { system: 'odoo', operation: 'search_read', code: 'BACKEND_UNAVAILABLE' };
    const before = sample(await metrics(), 'backend_errors_total', labels);
    lines.length = 0;
    stack.odooSandbox.faults.down();
    try {
      const res = await stack.query(ORDER, { n: stack.world.demo.orderNumber });
      assert.ok(res.errors?.some((e) => e.extensions?.system === 'odoo'), JSON.stringify(res.errors));
    } finally {
      stack.odooSandbox.faults.clear();
    }
    assert.ok(sample(await metrics(), 'backend_errors_total', labels) > before);
    const failure = lines.find((l) => l.msg === 'backend call failed' && l.system === 'odoo');
    assert.ok(failure, JSON.stringify(lines));
    assert.equal(failure.code, 'BACKEND_UNAVAILABLE');
    assert.equal(failure.model, 'sale.order');
    assert.ok(failure.requestId, 'the line names the request');
    const text = JSON.stringify(failure);
    assert.ok(!text.includes(stack.world.demo.accountName) && !text.includes('@'), text);
    const request = lines.find((l) => l.msg === 'graphql request' && l.role === 'finance' && l.status === 200);
    assert.equal(request?.outcome, 'partial', JSON.stringify(lines.filter((l) => l.msg === 'graphql request')));
  });

  test('a transient 503 is retried: the retry counter moves and the retry is logged', async () => {
    const labels = { system: 'odoo', operation: 'search_read' };
    const before = sample(await metrics(), 'backend_retries_total', labels);
    lines.length = 0;
    stack.odooSandbox.faults.failWith(503, { model: 'sale.order', times: 1 });
    const res = await stack.query(ORDER, { n: stack.world.demo.orderNumber });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(sample(await metrics(), 'backend_retries_total', labels), before + 1, await metrics());
    assert.ok(lines.some((l) => l.msg === 'backend call retried' && l.system === 'odoo' && l.httpStatus === 503), JSON.stringify(lines));
  });

  test('one trace id across gateway → subgraph → backend spans; backend spans carry names, not values', async () => {
    spans.reset();
    const res = await stack.query(ORDER, { n: stack.world.demo.orderNumber });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const finished = spans.getFinishedSpans();
    const gateway = finished.find((s) => s.kind === SpanKind.SERVER && s.attributes.component === 'gateway');
    assert.ok(gateway, finished.map((s) => s.name).join(', '));
    const traceId = gateway.spanContext().traceId;
    const inTrace = finished.filter((s) => s.spanContext().traceId === traceId);
    const subgraph = inTrace.find((s) => s.kind === SpanKind.SERVER && s.attributes.component === 'odoo-subgraph');
    assert.ok(subgraph, `odoo subgraph span in the gateway's trace: ${inTrace.map((s) => s.name).join(', ')}`);
    const backend = inTrace.find((s) => s.kind === SpanKind.CLIENT && s.attributes['backend.system'] === 'odoo' && s.attributes['backend.model'] === 'sale.order');
    assert.ok(backend, inTrace.map((s) => s.name).join(', '));
    assert.equal(backend.name, 'odoo sale.order.search_read');
    assert.deepEqual(Object.keys(backend.attributes).sort(), ['backend.model', 'backend.operation', 'backend.system']);
    // The backend span is the subgraph request's descendant, not a new root.
    const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
    assert.ok(backend.parentSpanContext && ids.has(backend.parentSpanContext.spanId));
    assert.ok(inTrace.some((s) => s.attributes['backend.system'] === 'hubspot'), 'the CRM side of the account joined the trace too');
  });

  test('/ready fails while the backend is down and recovers; /health stays a liveness check', async () => {
    const ready = (url: string) => fetch(url.replace('/graphql', '/ready'));
    assert.equal((await ready(stack.urls.odooSubgraph)).status, 200);
    assert.equal((await ready(stack.urls.gateway)).status, 200);
    stack.odooSandbox.faults.down();
    try {
      const down = await ready(stack.urls.odooSubgraph);
      assert.equal(down.status, 503);
      const body = await down.json();
      assert.equal(body.ready, false);
      assert.equal(body.backends.odoo, 'BACKEND_UNAVAILABLE');
      assert.equal((await ready(stack.urls.writesSubgraph)).status, 503, 'writes need Odoo too');
      assert.equal((await fetch(stack.urls.odooSubgraph.replace('/graphql', '/health'))).status, 200);
    } finally {
      stack.odooSandbox.faults.clear();
    }
    assert.equal((await ready(stack.urls.odooSubgraph)).status, 200);
  });

  test('the gateway is not ready when a subgraph cannot be reached', async () => {
    const { closeServer } = await import('../core/http.ts');
    // The CRM subgraph stops listening; the gateway's /ready names it.
    await closeServer(stack.crmSubgraph.server);
    const res = await fetch(stack.urls.gateway.replace('/graphql', '/ready'));
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.subgraphs.crm, 'unreachable');
    assert.equal(body.subgraphs.odoo, 'ok');
  });
});

test('the backend call carries the trace on the wire (traceparent), as the backend span', async () => {
  initTracing('test');
  const seen: Array<string | undefined> = [];
  // A stand-in answering one JSON-2 call: only the headers matter here.
  const odoo = http.createServer((req, res) => {
    // The client asks an Odoo 19 for its version once (GET /web/version) before its first call.
    if (req.method === 'GET' && req.url === '/web/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' }));
      return;
    }
    seen.push(req.headers.traceparent as string | undefined);
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('3');
    });
  });
  const url = await listen(odoo);
  const client = createOdooClient(loadOdooConfig({ ODOO_URL: url, ODOO_DB: 'db', ODOO_LOGIN: 'api', ODOO_API_KEY: 'k'.repeat(40), ODOO_PROTOCOL: 'json2' }));
  try {
    const traceId = await tracer().startActiveSpan('caller', async (span) => {
      assert.equal(await client.searchCount('res.partner', []), 3);
      span.end();
      return span.spanContext().traceId;
    });
    assert.equal(seen.length, 1);
    assert.match(seen[0] ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  } finally {
    await client.close();
    await closeServer(odoo);
  }
});

test('backend_concurrency_in_use counts the attempts in flight per system at scrape time', async () => {
  const { metricsText } = await import('../core/metrics.ts');
  const { ResiliencePolicy } = await import('../connectors/shared/resilience.ts');
  const policy = new ResiliencePolicy(
    { timeoutMs: 5000, maxConcurrency: 4, maxQueue: 10, maxRetries: 0, retryBaseMs: 1, maxRetryAfterMs: 1000, breakerFailures: 5, breakerHalfOpenMs: 1000 },
    { system: 'hubspot', label: 'HubSpot', classify: () => ({ retry: false, unhealthy: false, reason: 'test' }) },
  );
  const call = { operation: 'batch_read', idempotent: true, details: {}, timeoutError: () => new Error('timeout') };
  const inUse = async () => sample((await metricsText()).body, 'backend_concurrency_in_use', { system: 'hubspot' });
  const before = await inUse();
  const releases: Array<() => void> = [];
  const runs = [0, 1].map(() => policy.execute(call, () => new Promise<void>((resolve) => {
    releases.push(resolve);
  })));
  while (releases.length < 2) await new Promise((r) => setImmediate(r));
  assert.equal(await inUse(), before + 2);
  releases[0]!();
  await runs[0];
  assert.equal(await inUse(), before + 1);
  releases[1]!();
  await runs[1];
  assert.equal(await inUse(), before);
});
