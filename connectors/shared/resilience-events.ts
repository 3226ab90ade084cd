// The events the resilience policy (resilience.ts) emits, apart so that what
// observes them (backend-telemetry.ts, the connectors' hooks) need not import the policy.
import type { SystemName } from '../../policy/errors.ts';

export interface EventBase {
  system: SystemName;
  operation: string;
  model?: string;
  requestId?: string;
}

/** Everything the policy observes, for logs and metrics (never carries credentials). */
export type ResilienceEvent =
  | (EventBase & { type: 'attempt'; attempt: number; ok: boolean; durationMs: number; httpStatus?: number; reason?: string })
  /** `attempt` failed after `attemptMs` and the next one starts in `delayMs`. */
  | (EventBase & { type: 'retry'; attempt: number; attemptMs: number; delayMs: number; reason: string; httpStatus?: number })
  /** The logical call is over; `attempts` is 0 when the open breaker refused it. */
  | (EventBase & { type: 'call'; ok: boolean; attempts: number; durationMs: number; code?: string; httpStatus?: number })
  | (EventBase & { type: 'bulkhead_rejected'; maxConcurrency: number; maxQueue: number })
  | { type: 'breaker'; system: SystemName; state: 'open' | 'half_open' | 'closed' };

export type ResilienceObserver = (event: ResilienceEvent) => void;
