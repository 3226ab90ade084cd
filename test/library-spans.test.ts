// Libraries' spans (Apollo Gateway's five or more per request) and the span of each
// backend call are made only while a span processor would receive them; otherwise the
// caller's span context passes through, so the trace id and `traceparent` are unchanged
// (core/tracing.ts, connectors/shared/resilience.ts, issue 13).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { addSpanProcessor, extractContext, initTracing, startRequestSpan, tracer } from '../core/tracing.ts';
import { context, SpanKind } from '@opentelemetry/api';
import { ResiliencePolicy } from '../connectors/shared/resilience.ts';

test('a library span without a processor is the caller\'s span context, not a new span', async () => {
  initTracing('test');
  const library = trace.getTracer('@apollo/gateway');
  await tracer().startActiveSpan('request', async (own) => {
    assert.equal(own.isRecording(), true, 'the component\'s own span is always made');
    const inner = await library.startActiveSpan('gateway.fetch', { attributes: { a: 1 } }, async (span) => span);
    assert.equal(inner.isRecording(), false);
    assert.deepEqual(inner.spanContext(), own.spanContext());
    assert.equal(library.startSpan('plain').spanContext().spanId, own.spanContext().spanId);
    own.end();
  });
});

test('with a processor, library spans are real children of the caller\'s span', async () => {
  initTracing('test');
  const exporter = new InMemorySpanExporter();
  const remove = addSpanProcessor(new SimpleSpanProcessor(exporter));
  try {
    const library = trace.getTracer('@apollo/gateway');
    await tracer().startActiveSpan('request', async (own) => {
      await library.startActiveSpan('gateway.fetch', async (span) => {
        assert.equal(span.isRecording(), true);
        assert.equal(span.spanContext().traceId, own.spanContext().traceId);
        assert.notEqual(span.spanContext().spanId, own.spanContext().spanId);
        span.end();
      });
      own.end();
    });
    const names = exporter.getFinishedSpans().map((s) => s.name);
    assert.deepEqual(names, ['gateway.fetch', 'request']);
  } finally {
    remove();
  }
});

// The same rule for the span each backend call makes (connectors/shared/resilience.ts).
const backendPolicy = () => new ResiliencePolicy(
  { timeoutMs: 1000, maxConcurrency: 2, maxQueue: 10, maxRetries: 0, retryBaseMs: 1, maxRetryAfterMs: 1000, breakerFailures: 5, breakerHalfOpenMs: 1000 },
  { system: 'odoo', label: 'Odoo', classify: () => ({ retry: false, unhealthy: false, reason: 'test' }) },
);
const backendCall = { operation: 'search_read', model: 'sale.order', idempotent: true, details: {}, timeoutError: () => new Error('timeout') };

test('a backend call without a processor runs in the request\'s span context; with one, in a child span', async () => {
  initTracing('test');
  const policy = backendPolicy();
  await tracer().startActiveSpan('request', async (own) => {
    const seen = await policy.execute(backendCall, async () => trace.getActiveSpan()?.spanContext());
    assert.deepEqual(seen, own.spanContext(), 'no span of its own: the request\'s trace id and span id go to the backend');
    own.end();
  });
  const exporter = new InMemorySpanExporter();
  const remove = addSpanProcessor(new SimpleSpanProcessor(exporter));
  try {
    await tracer().startActiveSpan('request', async (own) => {
      const seen = await policy.execute(backendCall, async () => trace.getActiveSpan()?.spanContext());
      assert.equal(seen?.traceId, own.spanContext().traceId);
      assert.notEqual(seen?.spanId, own.spanContext().spanId);
      own.end();
    });
    assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['odoo sale.order.search_read', 'request']);
  } finally {
    remove();
  }
});

// The span of each request a component serves (core/http.ts) follows the same rule; its
// span context is the one the SDK's span would have: the caller's trace id, flags and
// trace state, or a new sampled trace for a request that carries none.
test('a request span without a processor has the span context the SDK would give it; with one, it is the SDK\'s', () => {
  initTracing('test');
  const callers = [
    {},
    { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00', tracestate: 'vendor=abc' },
  ];
  for (const headers of callers) {
    const parent = extractContext(headers);
    const options = { kind: SpanKind.SERVER, attributes: { component: 'test' } };
    const ours = startRequestSpan('request', options, parent);
    const sdk = tracer().startSpan('request', options, parent);
    assert.equal(ours.isRecording(), false);
    assert.ok(trace.isSpanContextValid(ours.spanContext()));
    const [o, s] = [ours.spanContext(), sdk.spanContext()];
    if (headers.traceparent) assert.equal(o.traceId, s.traceId);
    else assert.notEqual(o.traceId, s.traceId, 'a new trace per request');
    assert.notEqual(o.spanId, trace.getSpanContext(parent)?.spanId);
    assert.equal(o.traceFlags, s.traceFlags);
    assert.equal(o.traceState?.serialize(), s.traceState?.serialize());
    assert.equal(o.isRemote, s.isRemote);
    sdk.end();
  }
  const exporter = new InMemorySpanExporter();
  const remove = addSpanProcessor(new SimpleSpanProcessor(exporter));
  try {
    const parent = extractContext(callers[1]!);
    const span = startRequestSpan('recorded', { kind: SpanKind.SERVER }, parent);
    assert.equal(span.isRecording(), true);
    context.with(trace.setSpan(parent, span), () => span.end());
    const [done] = exporter.getFinishedSpans();
    assert.equal(done?.name, 'recorded');
    assert.equal(done?.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  } finally {
    remove();
  }
});
