// Libraries' spans (Apollo Gateway's five or more per request) are made only while a
// span processor would receive them; otherwise they pass the caller's span context
// through, so the trace id and `traceparent` are unchanged (core/tracing.ts, issue 13).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { addSpanProcessor, initTracing, tracer } from '../core/tracing.ts';

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
