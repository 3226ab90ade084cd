// OpenTelemetry for every component (R9): one tracer provider per process,
// W3C trace context (`traceparent`) read from incoming requests and written on the
// gateway's subgraph calls, a span per backend call (connectors/shared/
// backend-telemetry.ts). Spans are always made — the trace id is what ties log
// lines of one request together across components — but go nowhere unless an
// operator sets OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT):
// nothing leaves the process by default.
import { context, INVALID_SPAN_CONTEXT, propagation, ProxyTracerProvider, trace, TraceFlags, type Context, type Span, type SpanOptions, type TextMapGetter, type Tracer, type TracerOptions, type TracerProvider } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, RandomIdGenerator, type ReadableSpan, type Span as SdkSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createRequire } from 'node:module';
import type { OTLPTraceExporter as OTLPTraceExporterType } from '@opentelemetry/exporter-trace-otlp-http';

const TRACER_NAME = 'odoo-crm-supergraph';

/** Processors can be added after registration (an exporter at start, an in-memory one in tests). */
class FanOutProcessor implements SpanProcessor {
  readonly processors: SpanProcessor[] = [];
  onStart(span: SdkSpan, parent: Context): void {
    for (const p of this.processors) p.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}

let provider: NodeTracerProvider | undefined;
const fanOut = new FanOutProcessor();

/**
 * Libraries' own spans (Apollo Gateway makes five or more per request: request,
 * execute, one per subgraph fetch, post-processing) are real spans only while a
 * processor would receive them (an exporter, a test's in-memory one). Otherwise a
 * library span is the caller's span context passed through: nothing is allocated,
 * no context is entered, the trace id and `traceparent` stay those of the
 * component's own request span (which is always made, for the log lines). About
 * 4% of the gateway's CPU per request (issue 13).
 */
class LibraryTracer implements Tracer {
  constructor(private readonly real: Tracer) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    if (fanOut.processors.length) return this.real.startSpan(name, options, ctx);
    return trace.wrapSpanContext(trace.getSpanContext(ctx ?? context.active()) ?? INVALID_SPAN_CONTEXT);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    if (fanOut.processors.length) return (this.real.startActiveSpan as (name: string, ...rest: unknown[]) => ReturnType<F>)(name, ...args);
    const fn = args[args.length - 1] as F;
    const ctx = args.length === 3 ? args[1] : context.active();
    if (args.length === 3 && ctx !== context.active()) return context.with(ctx, fn as (span: Span) => ReturnType<F>, undefined, this.startSpan(name, args[0], ctx));
    return fn(this.startSpan(name, undefined, ctx)) as ReturnType<F>;
  }
}

/** The process's provider as seen through the OpenTelemetry API: this project's tracer as is, libraries' through LibraryTracer. */
class ProjectTracerProvider implements TracerProvider {
  constructor(private readonly real: NodeTracerProvider) {}
  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const tracer = this.real.getTracer(name, version, options);
    return name === TRACER_NAME ? tracer : new LibraryTracer(tracer);
  }
}

/** The OTLP endpoint an operator configured, if any (the exporter reads the same variables). */
export function otlpEndpointConfigured(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) && env.OTEL_TRACES_EXPORTER !== 'none';
}

/**
 * Registers the process's tracer provider once (later calls do nothing). The
 * service name is OTEL_SERVICE_NAME, else the first component that starts.
 */
export function initTracing(component: string): void {
  if (provider) return;
  defaultSampler = ['', 'parentbased_always_on'].includes((process.env.OTEL_TRACES_SAMPLER ?? '').trim().toLowerCase());
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || component }),
    spanProcessors: [fanOut],
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context propagator,
  // then puts the provider behind ProjectTracerProvider (before any span is made: a
  // library's tracer resolves its delegate at its first span).
  provider.register();
  const registered = trace.getTracerProvider();
  if (registered instanceof ProxyTracerProvider) registered.setDelegate(new ProjectTracerProvider(provider));
  if (otlpEndpointConfigured()) {
    // Required only when an endpoint is set: the exporter brings its OTLP transformer and protobufjs, some
    // 230 modules, into every process otherwise. A (synchronous) require keeps the exporter in place before the first span.
    const { OTLPTraceExporter } = createRequire(import.meta.url)('@opentelemetry/exporter-trace-otlp-http') as { OTLPTraceExporter: typeof OTLPTraceExporterType };
    fanOut.processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
}

/**
 * Whether a span made now would reach anything (an exporter, a test's processor). A
 * span nobody receives still costs its object, ids and a context entered per call; a
 * caller that only needs its own request's trace id can skip it (as library spans do).
 */
export function spansRecorded(): boolean {
  return fanOut.processors.length > 0;
}

/**
 * Whether the provider's sampler is the SDK's default (OTEL_TRACES_SAMPLER unset or
 * parentbased_always_on: a root span is sampled, a child follows its parent), read when
 * the provider is made, as the SDK reads it.
 */
let defaultSampler = false;
const ids = new RandomIdGenerator();

/**
 * The span of one request a component serves. While a processor would receive it, the
 * SDK's span; otherwise the same span context without the SDK's span object (its
 * attribute checks, clock reads and bookkeeping, 2–3% of the gateway's CPU per
 * request): the trace id continues the caller's, a new span id, the flags and trace
 * state the default sampler would give — so log lines and the `traceparent` sent on
 * are those a recorded span would carry. With another sampler configured, always the SDK's.
 */
export function startRequestSpan(name: string, options: SpanOptions, parent: Context): Span {
  if (fanOut.processors.length || !defaultSampler) return tracer().startSpan(name, options, parent);
  const caller = trace.getSpanContext(parent);
  const continues = caller !== undefined && trace.isSpanContextValid(caller);
  return trace.wrapSpanContext({
    traceId: continues ? caller.traceId : ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    traceFlags: continues ? caller.traceFlags : TraceFlags.SAMPLED,
    ...(continues && caller.traceState ? { traceState: caller.traceState } : {}),
  });
}

/** Adds a span processor (tests: an in-memory exporter); returns the function that removes it. */
export function addSpanProcessor(processor: SpanProcessor): () => void {
  fanOut.processors.push(processor);
  return () => {
    const i = fanOut.processors.indexOf(processor);
    if (i >= 0) fanOut.processors.splice(i, 1);
  };
}

/**
 * The project's tracer, looked up once the provider is registered: trace.getTracer
 * goes through the proxy provider, ours and the SDK's (a key string and a map) on
 * every call, and it is called once per request and once per backend call. Before
 * initTracing it is not kept: the process has no provider yet.
 */
let projectTracer: Tracer | undefined;
export function tracer(): Tracer {
  if (projectTracer) return projectTracer;
  const found = trace.getTracer(TRACER_NAME);
  if (provider) projectTracer = found;
  return found;
}

/** The trace id of the active span, when there is a real one. */
export function activeTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** The context an incoming request carries (`traceparent`, `tracestate`). */
type IncomingHeaders = Record<string, string | string[] | undefined>;
/** Made once: the getter is the same for every request. */
const INCOMING_HEADERS: TextMapGetter<IncomingHeaders> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};
export function extractContext(headers: IncomingHeaders): Context {
  return propagation.extract(context.active(), headers, INCOMING_HEADERS);
}

/** Writes the active trace context into an outgoing request's headers. */
export function injectContext(headers: { set(name: string, value: string): unknown }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => void carrier.set(key, value) });
}

/** Sends what is buffered to the exporter and stops it (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  await fanOut.forceFlush().catch(() => undefined);
}

export type { Span };
