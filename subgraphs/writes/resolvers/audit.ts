// Reading the audit trail and the exception queue (integration operations).
import { encodeCursor } from '../../../core/cursor.ts';
import { exceptionTeamsOf } from '../../../policy/permissions.ts';
import type { OwningTeam } from '../../../policy/teams.ts';
import { parseUpdatedSince } from '../../common/paging.ts';
import type { WritesContext } from '../context.ts';

interface AuditArgs {
  first?: number;
  after?: string | null;
  filter?: { object?: string; objectId?: string; actor?: string; action?: string; from?: string; to?: string } | null;
}

export function auditLog(_: unknown, args: AuditArgs, ctx: WritesContext) {
  const f = args.filter ?? {};
  const page = ctx.audit.query(
    {
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

export const AuditEntry = {
  actor: (e: { actor: { sub: string } }) => e.actor.sub,
  role: (e: { actor: { role: string } }) => e.actor.role,
  before: (e: { before: unknown }) => JSON.stringify(e.before),
  after: (e: { after: unknown }) => JSON.stringify(e.after),
  errorCode: (e: { error: { code: string } | null }) => e.error?.code ?? null,
  errorMessage: (e: { error: { message: string } | null }) => e.error?.message ?? null,
};

export function integrationExceptions(_: unknown, args: { first?: number; after?: string | null; filter?: { team?: OwningTeam; status?: 'OPEN' | 'RESOLVED' | 'DISCARDED' } | null }, ctx: WritesContext) {
  let teams = exceptionTeamsOf(ctx.identity);
  if (args.filter?.team) teams = teams === null || teams.includes(args.filter.team) ? [args.filter.team] : [];
  const page = ctx.exceptions.query({ teams, status: args.filter?.status }, { first: args.first ?? 20, after: args.after ?? null });
  return {
    edges: page.rows.map((r) => ({ cursor: encodeCursor('exception', r.id), node: r })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: () => page.totalCount(),
  };
}
