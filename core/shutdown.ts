// Graceful shutdown, the same for every component (gateway, subgraphs, worker):
// on SIGTERM or SIGINT stop accepting connections, let the requests in flight
// finish (bounded by SHUTDOWN_GRACE_MS), then close what the component holds
// (Apollo, backend connections, the store) and exit 0. A second signal exits at
// once. /ready answers 503 while draining (core/http.ts sees the server closed),
// so a load balancer stops sending before the connections go.
import type http from 'node:http';
import type { Logger } from './logger.ts';
import { shutdownTracing } from './tracing.ts';

/**
 * Long enough for a request at the gateway's full budget (14 s) to finish; below
 * an orchestrator's usual kill deadline (Kubernetes: 30 s).
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;

export function shutdownGraceMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(raw);
  return Number.isInteger(ms) && ms >= 0 && ms <= 600_000 ? ms : DEFAULT_SHUTDOWN_GRACE_MS;
}

export interface ShutdownPlan {
  logger: Logger;
  /** Servers to drain (stop accepting, finish in-flight requests). */
  servers?: http.Server[];
  /** Run after the servers drained, in order: Apollo, backend clients, the store, a worker's loop. */
  close?: Array<() => unknown>;
  graceMs?: number;
}

/** Stops accepting, waits for in-flight requests (at most graceMs), then closes the rest. Resolves when done. */
export async function drainAndClose(plan: ShutdownPlan): Promise<{ drained: boolean }> {
  const graceMs = plan.graceMs ?? shutdownGraceMs();
  const servers = plan.servers ?? [];
  let drained = true;
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    // Connections that fall idle after their last answer are closed as they do, so close() can finish.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => {
      drained = false;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  })));
  for (const step of plan.close ?? []) {
    try {
      await step();
    } catch (e) {
      plan.logger.warn({ err: e }, 'shutdown step failed');
    }
  }
  await shutdownTracing();
  return { drained };
}

/**
 * Installs the SIGTERM/SIGINT handlers of a component's process. The first
 * signal drains and exits 0 (1 if requests had to be cut); a second exits 1 at once.
 */
export function exitGracefullyOnSignals(plan: ShutdownPlan, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      plan.logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    plan.logger.info({ signal, graceMs: plan.graceMs ?? shutdownGraceMs() }, 'shutting down: draining requests');
    void drainAndClose(plan).then(
      ({ drained }) => {
        plan.logger.info({ drained }, 'stopped');
        exit(drained ? 0 : 1);
      },
      (e: unknown) => {
        plan.logger.error({ err: e }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
