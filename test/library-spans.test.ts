// Libraries' spans (Apollo Gateway's five or more per request) and the span of each
// backend call are made only while a span processor would receive them; otherwise the
// caller's span context passes through, so the trace id and `traceparent` are unchanged
// (core/tracing.ts, connectors/shared/resilience.ts, issue 13).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { addSpanProcessor, initTracing, tracer } from '../core/tracing.ts';
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
