// What every backend call leaves behind for an operator (R9), from the one event
// stream both connectors' resilience policy emits: Prometheus counters and
// histograms (core/metrics.ts), a log line per failed call and per retry, and a
// span per logical call (started in resilience.ts). Only names leave here —
// system, operation, model, registered code, HTTP status — never a value, a
// backend message or an id other than the request id.
import type { Logger } from 'pino';
import { createLogger } from '../../core/logger.ts';
import { backendCalls, backendCircuitOpen, backendDuration, backendErrors, backendRateLimited, backendRetries } from '../../core/metrics.ts';
import type { ResilienceEvent } from './resilience-events.ts';

let logger: Logger = createLogger('backend');

/** Where backend failure and retry lines go (the component's logger; tests capture them). */
export function useBackendLogger(next: Logger): Logger {
  const previous = logger;
  logger = next;
  return previous;
}

export function recordBackendEvent(e: ResilienceEvent): void {
  if (e.type === 'breaker') {
    backendCircuitOpen.set({ system: e.system }, e.state === 'closed' ? 0 : 1);
    logger[e.state === 'open' ? 'warn' : 'info']({ system: e.system, circuit: e.state }, 'circuit breaker');
    return;
  }
  const operation = e.operation;
  const model = e.model ?? '';
  switch (e.type) {
    case 'call': {
      backendCalls.inc({ system: e.system, operation, model, outcome: e.ok ? 'ok' : 'error' });
      backendDuration.observe({ system: e.system, operation, model }, e.durationMs / 1000);
      if (!e.ok) {
        const code = e.code ?? 'INTERNAL';
        backendErrors.inc({ system: e.system, operation, code });
        logger.warn({ system: e.system, operation, model, code, attempts: e.attempts, httpStatus: e.httpStatus, durationMs: Math.round(e.durationMs) }, 'backend call failed');
      }
      return;
    }
    case 'retry':
      backendRetries.inc({ system: e.system, operation, reason: e.reason });
      logger.info({ system: e.system, operation, model, attempt: e.attempt, reason: e.reason, httpStatus: e.httpStatus, delayMs: Math.round(e.delayMs) }, 'backend call retried');
      return;
    case 'attempt':
      if (e.httpStatus === 429) backendRateLimited.inc({ system: e.system, operation });
      return;
    case 'bulkhead_rejected':
      logger.warn({ system: e.system, operation, model, maxConcurrency: e.maxConcurrency, maxQueue: e.maxQueue }, 'backend queue full');
      return;
  }
}
