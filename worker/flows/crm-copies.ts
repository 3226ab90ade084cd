// Writing Odoo-owned facts to their CRM copies, and milestone notes, the way every
// write of the integration goes: through the ownership declaration (a flow may only
// write the copies declared as maintained by it), compare-before-write (a replay,
// an overlapping poll or a restarted job writes nothing when the CRM already holds
// today's values), the audit trail (actor = the flow) and, for notes, the
// idempotency store (one note per milestone, ever).
import { CRM_COPIES, type CrmCopyObject } from '../../policy/ownership.ts';
import { appError, isAppError } from '../../policy/errors.ts';
import type { CopyValues } from '../../connectors/crm/port.ts';
import type { FlowContext } from '../flow.ts';
import type { AuditRecordInput } from '../../store/audit.ts';

const AUDIT_OBJECT: Record<CrmCopyObject, string> = { deal: 'Deal', account: 'Account' };

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-6;
  return (a ?? null) === (b ?? null);
}

export interface CopyOutcome {
  changed: string[];
  /** The record no longer exists in the CRM. */
  missing: boolean;
}

/** Sets the copies on one CRM record to `desired`, writing only what differs. */
export async function syncCopies(ctx: FlowContext, object: CrmCopyObject, id: string, desired: CopyValues): Promise<CopyOutcome> {
  for (const field of Object.keys(desired)) {
    const decl = CRM_COPIES[object][field];
    // A flow writing what it does not maintain is a bug, not data: refuse before any call.
    if (!decl || decl.flow !== ctx.flow) throw appError('INTERNAL', `flow ${ctx.flow} may not write the ${object} copy ${field} (policy/ownership.ts CRM_COPIES)`);
  }
  const opts = { requestId: ctx.requestId };
  const current = (await ctx.crm.readCopies(object, [id], opts)).get(id);
  if (!current) return { changed: [], missing: true };
  const changed = Object.keys(desired).filter((f) => !same(current[f], desired[f]));
  if (changed.length === 0) return { changed, missing: false };
  const before = Object.fromEntries(changed.map((f) => [f, current[f] ?? null]));
  const after = Object.fromEntries(changed.map((f) => [f, desired[f] ?? null]));
  const entry = {
    actor: ctx.actor, action: ctx.flow, system: ctx.crm.system, object: AUDIT_OBJECT[object], objectId: id,
    fields: changed, before, after, requestId: ctx.requestId,
  };
  try {
    await ctx.crm.writeCopies(object, id, after, opts);
  } catch (e) {
    await ctx.audit.record({ ...entry, outcome: 'failed', error: { code: isAppError(e) ? e.code : 'INTERNAL_SERVER_ERROR', message: isAppError(e) ? e.message : 'unexpected failure' } });
    throw e;
  }
  await ctx.audit.record({ ...entry, outcome: 'applied' });
  return { changed, missing: false };
}

/**
 * A note on a CRM record's timeline, once per milestone key, ever. The note carries
 * the key as a marker, and the record's notes are searched for it before one is
 * created: an earlier attempt may have created it and died before its key was
 * recorded (kill -9 between HubSpot's answer and the commit), or another store
 * (a CLI backfill) may have.
 */
export async function milestoneNote(ctx: FlowContext, object: CrmCopyObject, id: string, key: string, text: string): Promise<{ created: boolean }> {
  const marker = `[sync:${key}]`;
  const { result, replayed } = await ctx.once(`milestone:${key}`, { object, id }, async ({ attempt }) => {
    const opts = { requestId: ctx.requestId };
    // Looked for on every first run of the key, not only after a crash: a backfill run
    // from another store (npm run sync on a laptop) must not repeat a worker's note.
    // The key's completion makes it the only read per milestone.
    void attempt;
    const entry: AuditRecordInput = {
      actor: ctx.actor, action: `${ctx.flow}:note`, system: ctx.crm.system, object: AUDIT_OBJECT[object], objectId: id,
      fields: ['note'], before: {}, after: { note: key }, requestId: ctx.requestId, idempotencyKey: `milestone:${key}`.slice(0, 200), outcome: 'applied',
    };
    const found = (await ctx.crm.notesOn(object, id, opts)).find((n) => n.body?.includes(marker));
    if (found) {
      // A worker killed between HubSpot's answer and its audit entry left the note unaudited:
      // the write happened, so the trail gets it now — once, whoever finds it.
      if (!(await noteAudited(ctx, entry.action, AUDIT_OBJECT[object], id, key))) await ctx.audit.record(entry);
      return { noteId: found.id, reconciled: true };
    }
    const note = await ctx.crm.addNote(object, id, { body: `${text} ${marker}`, at: ctx.now() }, opts);
    await ctx.audit.record(entry);
    return { noteId: note.id, reconciled: false };
  });
  return { created: !replayed && !result.reconciled };
}

/** Whether the trail already holds the note of milestone `key` on this record (any actor's run of the flow). */
async function noteAudited(ctx: FlowContext, action: string, object: string, objectId: string, key: string): Promise<boolean> {
  let after: string | null = null;
  for (;;) {
    const page = await ctx.audit.query({ action, object, objectId }, { first: 100, after });
    if (page.entries.some((e) => e.outcome === 'applied' && (e.after as { note?: unknown } | null)?.note === key)) return true;
    if (!page.hasNextPage) return false;
    after = page.endCursor;
  }
}
