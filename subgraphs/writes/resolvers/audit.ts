// Reading the audit trail and the exception queue (integration operations).
import { appError } from '../../../policy/errors.ts';
import type { Role } from '../../../core/identity.ts';
import { encodeAuditCursor, type OwningTeam } from '../../../store/index.ts';
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
    edges: page.entries.map((e) => ({ cursor: encodeAuditCursor(Number(e.id)), node: e })),
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

/** Which teams' exceptions a role works on (§5: sales_ops and finance their own; integration_admin all). */
const TEAMS_OF: Partial<Record<Role, OwningTeam[] | 'all'>> = {
  integration_admin: 'all',
  finance: ['FINANCE'],
  sales_ops: ['SALES_OPERATIONS'],
};

export function integrationExceptions(_: unknown, args: { first?: number; after?: string | null; filter?: { team?: OwningTeam; status?: 'OPEN' | 'RESOLVED' | 'DISCARDED' } | null }, ctx: WritesContext) {
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
  const page = ctx.exceptions.query({ teams, status: args.filter?.status }, { first: args.first ?? 20, afterId });
  const cursor = (id: string) => Buffer.from(`exc:${id}`).toString('base64url');
  return {
    edges: page.rows.map((r) => ({ cursor: cursor(r.id), node: r })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.length ? cursor(page.rows[page.rows.length - 1]!.id) : null },
    totalCount: () => page.totalCount(),
  };
}
