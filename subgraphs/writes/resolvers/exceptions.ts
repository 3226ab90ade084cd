// Acting on integration exceptions (R7, R8): replay re-runs the failed sync step
// with today's data, discard closes an exception that needs no fix. Only the
// owning team and integration_admin may act (policy/permissions.ts); an exception
// of a team the caller does not work on is NOT_FOUND, as it is in the list.
// Every action is audited (refusals by audit-refusals.ts).
//
// A replay does not run here: it queues the step for the worker (the store is
// shared), atomically with OPEN → RETRYING, so two replays cannot both queue. The
// worker settles it: RESOLVED when the step applies, OPEN again when it fails.
import { randomUUID } from 'node:crypto';
import { appError } from '../../../policy/errors.ts';
import { mayActOnException } from '../../../policy/permissions.ts';
import { COMPONENTS } from '../../../policy/components.ts';
import type { IntegrationException as StoredException } from '../../../store/index.ts';
import type { WritesContext } from '../context.ts';
import { actorOf } from '../systems.ts';
import type { IntegrationExceptionResolvers, MutationDiscardExceptionArgs, MutationReplayExceptionArgs } from '../generated/resolvers-types.ts';

const MAX_REASON = 500;

function visible(ctx: WritesContext, id: string): StoredException {
  const e = ctx.exceptions.get(id);
  if (!e || !mayActOnException(ctx.identity, e.team)) throw appError('NOT_FOUND', `No exception ${id}`, { field: 'id' });
  return e;
}

function audit(ctx: WritesContext, action: string, before: StoredException, after: StoredException, extra: Record<string, unknown> = {}) {
  ctx.audit.record({
    actor: actorOf(ctx), action, system: COMPONENTS.integration.system, object: 'IntegrationException', objectId: before.id,
    fields: ['status', ...Object.keys(extra)], before: { status: before.status }, after: { status: after.status, ...extra },
    requestId: ctx.requestId, outcome: 'applied',
  });
}

export async function replayException(_: unknown, args: MutationReplayExceptionArgs, ctx: WritesContext) {
  const e = visible(ctx, args.id);
  if (!e.payload) throw appError('BAD_USER_INPUT', 'This exception has no sync step to replay: run the refused operation again instead', { field: 'id' });
  if (e.status !== 'OPEN') throw appError('CONFLICT', `The exception is ${e.status}; only an OPEN exception can be replayed`, { field: 'id' });
  const payload = e.payload;
  const done = ctx.exceptions.markRetrying(e.id, () =>
    ctx.jobs.enqueue({ flow: payload.flow, change: payload.change, origin: 'replay', maxAttempts: 1, exceptionId: e.id, dedupeSuffix: `replay:${randomUUID()}` }));
  if (!done) throw appError('CONFLICT', 'The exception changed meanwhile; read it again', { field: 'id' });
  const enqueued = await done.result;
  audit(ctx, 'replayException', e, done.exception, { job: enqueued.job?.id ?? null });
  return { exception: done.exception };
}

export function discardException(_: unknown, args: MutationDiscardExceptionArgs, ctx: WritesContext) {
  const reason = args.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON) throw appError('BAD_USER_INPUT', `"reason" must be 1–${MAX_REASON} characters`, { field: 'reason' });
  const e = visible(ctx, args.id);
  if (e.status !== 'OPEN') throw appError('CONFLICT', `The exception is ${e.status}; only an OPEN exception can be discarded`, { field: 'id' });
  const discarded = ctx.exceptions.discard(e.id, ctx.identity.sub, reason);
  if (!discarded) throw appError('CONFLICT', 'The exception changed meanwhile; read it again', { field: 'id' });
  audit(ctx, 'discardException', e, discarded, { reason });
  return { exception: discarded };
}

export const IntegrationException: IntegrationExceptionResolvers = {
  replayable: (e) => (e as unknown as StoredException).payload != null,
  payload: (e) => {
    const p = (e as unknown as StoredException).payload;
    return p ? JSON.stringify(p) : null;
  },
};
