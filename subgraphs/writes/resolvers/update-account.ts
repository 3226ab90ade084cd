// updateAccount: each field goes to the system that owns it (ownership.ts), never
// to a non-owner. Both systems are attempted; if one fails after the other
// succeeded the answer says exactly that, and a retry with the same key writes
// only what is missing (the idempotency store remembers each applied step).
import { appError } from '../../../policy/errors.ts';
import { OWNERSHIP, type Owner } from '../../../policy/ownership.ts';
import { limitedToOwnRecords } from '../../../policy/permissions.ts';
import type { CrmAccount, CrmAccountPatch } from '../../../connectors/crm/port.ts';
import type { WritesContext } from '../context.ts';
import { accountTwins, actorOf, assertOwnedBy, errorSummary, odooOptions, keyScope } from '../systems.ts';
import { accountUpdateSchema, idempotencyKeySchema, parseInput } from '../validation.ts';
import { PartialWrite, type SystemWrite } from './shared.ts';
import type { MutationUpdateAccountArgs } from '../generated/resolvers-types.ts';

type Routed = {
  system: SystemWrite['system'];
  owner: Owner;
  fields: Array<{ field: string; target: string; value: unknown }>;
};

/** Canonical value → the owner's value: the CRM port takes canonical values; Odoo takes ids as numbers. */
function backendValue(owner: Owner, field: string, value: unknown): unknown {
  return owner === 'odoo' && (field === 'paymentTerms' || field === 'pricelist') ? Number(value) : value;
}

/** Splits the input by owner, using the one declaration. */
function route(input: Record<string, unknown>, crmSystem: SystemWrite['system']): Routed[] {
  const byOwner = new Map<Owner, Routed>();
  for (const [field, value] of Object.entries(input)) {
    const decl = OWNERSHIP.Account![field];
    if (!decl?.write || (decl.owner !== 'crm' && decl.owner !== 'odoo')) throw appError('READ_ONLY_FIELD', `Account.${field} is read-only`, { field: `input.${field}` });
    const owner: Owner = decl.owner;
    const routed = byOwner.get(owner) ?? { system: owner === 'crm' ? crmSystem : 'odoo', owner, fields: [] };
    // CRM targets are the port's field names (its adapter knows the CRM's); Odoo's are its own.
    routed.fields.push({ field, target: decl.write.field, value: backendValue(owner, field, value) });
    byOwner.set(owner, routed);
  }
  // CRM first: a failing Odoo write then leaves a clearly reported, resumable state.
  return [...byOwner.values()].sort((a, b) => (a.owner === 'crm' ? -1 : b.owner === 'crm' ? 1 : 0));
}

function staleSince(current: string | null | undefined, expected: string | null | undefined): boolean {
  return !!expected && !!current && new Date(current).getTime() > new Date(expected).getTime();
}

export async function updateAccount(_: unknown, args: MutationUpdateAccountArgs, ctx: WritesContext) {
  const input = parseInput(accountUpdateSchema, args.input, 'input');
  const idempotencyKey = parseInput(idempotencyKeySchema, args.idempotencyKey, 'idempotencyKey');
  const companyId = args.company ? Number(args.company) : ctx.companyIds[0];
  if (!companyId || !ctx.companyIds.includes(companyId)) throw appError('BAD_USER_INPUT', '"company" is not an Odoo company you may write in', { field: 'company' });
  const plan = route(input, ctx.crm.system);

  const run = async () => ctx.idempotency.run(
    { key: idempotencyKey, scope: keyScope(ctx, 'updateAccount'), actor: ctx.identity.sub, fingerprint: { id: args.id, input, e1: args.expectedUpdatedAt ?? null, e2: args.expectedErpUpdatedAt ?? null, companyId } },
    async (progress) => {
      const twins = await accountTwins(ctx, args.id, 'id', companyId);
      assertOwnedBy(ctx, twins.company?.ownerId, 'account', limitedToOwnRecords(ctx.identity, 'updateAccount'));
      // Optimistic concurrency, checked for every system still to be written, before any write.
      for (const step of plan) {
        if (progress.get(step.system)) continue;
        if (step.owner === 'crm' && staleSince(twins.company?.updatedAt, args.expectedUpdatedAt)) {
          throw appError('CONFLICT', `The CRM account changed at ${twins.company!.updatedAt}, after ${args.expectedUpdatedAt}`, { system: step.system, field: 'expectedUpdatedAt' });
        }
        if (step.owner === 'odoo' && staleSince(twins.partner?.write_date, args.expectedErpUpdatedAt)) {
          throw appError('CONFLICT', `The Odoo account changed at ${twins.partner!.write_date}, after ${args.expectedErpUpdatedAt}`, { system: 'odoo', field: 'expectedErpUpdatedAt' });
        }
        if (step.owner === 'crm' && !twins.company) throw appError('NOT_FOUND', 'The account has no CRM record to write to', { system: step.system, field: 'id' });
        if (step.owner === 'odoo' && !twins.partner) throw appError('NOT_FOUND', 'The account has no Odoo partner to write to (missing cross-reference)', { system: 'odoo', field: 'id' });
      }

      const writes: SystemWrite[] = [];
      for (const step of plan) {
        const fields = step.fields.map((f) => f.field);
        if (progress.get(step.system)) {
          writes.push({ system: step.system, status: 'ALREADY_APPLIED', fields });
          continue;
        }
        const objectId = step.owner === 'crm' ? twins.company!.id : String(twins.partner!.id);
        let before: Record<string, unknown> = {};
        let after: Record<string, unknown> = {};
        for (const f of step.fields) {
          const partner: Readonly<Record<string, unknown>> = twins.partner!;
          const current = step.owner === 'crm' ? twins.company![f.target as keyof CrmAccount] : partner[f.target];
          before[f.field] = current && typeof current === 'object' && 'id' in current ? current.id : current ?? null;
          after[f.field] = f.value;
        }
        // The audit keeps what the system of record held and received, in its own values.
        if (step.owner === 'crm') [before, after] = [ctx.crm.storedValues('account', before), ctx.crm.storedValues('account', after)];
        try {
          if (step.owner === 'crm') {
            await ctx.crm.updateAccount(objectId, Object.fromEntries(step.fields.map((f) => [f.target, f.value])) as CrmAccountPatch, { requestId: ctx.requestId });
          } else {
            await ctx.odoo.write('res.partner', [Number(objectId)], Object.fromEntries(step.fields.map((f) => [f.target, f.value])), odooOptions(ctx, companyId));
          }
          await progress.record(step.system, { at: ctx.now().toISOString(), fields });
          await ctx.audit.record({ actor: actorOf(ctx), action: 'updateAccount', system: step.system, object: 'Account', objectId: args.id, fields, before, after, idempotencyKey, requestId: ctx.requestId, outcome: 'applied' });
          writes.push({ system: step.system, status: 'APPLIED', fields });
        } catch (e) {
          const error = errorSummary(e);
          await ctx.audit.record({ actor: actorOf(ctx), action: 'updateAccount', system: step.system, object: 'Account', objectId: args.id, fields, before, after: before, idempotencyKey, requestId: ctx.requestId, outcome: 'failed', error });
          writes.push({ system: step.system, status: 'FAILED', fields, errorCode: error.code, errorMessage: error.message });
        }
      }
      const payload = { accountId: args.id, writes, complete: writes.every((w) => w.status !== 'FAILED') };
      if (!payload.complete) throw new PartialWrite(payload);
      return payload;
    },
  );

  try {
    const { result, replayed } = await run();
    return { account: { id: result.accountId }, writes: result.writes, complete: result.complete, replayed };
  } catch (e) {
    if (e instanceof PartialWrite) return { account: { id: args.id }, ...(e.payload as { writes: SystemWrite[]; complete: boolean }), replayed: false };
    throw e; // refusals are audited for every mutation alike (audit-refusals.ts)
  }
}
