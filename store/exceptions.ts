// Integration exceptions (R8): every refused or failed cross-system write is
// recorded with the team that owns the fix — credit → finance, product and price
// → sales operations, mapping and configuration → ERP admin — so operations can
// see them by team instead of reading logs.
import { appError } from '../policy/errors.ts';
import { decodeIntegerCursor, encodeCursor } from '../core/cursor.ts';
import type { OwningTeam } from '../policy/teams.ts';
import type { SqliteDatabase, Store } from './database.ts';

export type { OwningTeam } from '../policy/teams.ts';
export type ExceptionStatus = 'OPEN' | 'RESOLVED' | 'DISCARDED';

export interface IntegrationExceptionInput {
  team: OwningTeam;
  code: string;
  message: string;
  object: string;
  objectId: string;
  field?: string | null;
  requestId: string;
  /** Figures only the owning team may see (e.g. credit limit and receivable for finance). */
  detail?: string | null;
}

export interface IntegrationException extends Required<Omit<IntegrationExceptionInput, 'field' | 'detail'>> {
  id: string;
  at: string;
  status: ExceptionStatus;
  field: string | null;
  detail: string | null;
}

interface Row {
  id: number;
  at: string;
  team: OwningTeam;
  status: ExceptionStatus;
  code: string;
  message: string;
  object: string;
  object_id: string;
  field: string | null;
  request_id: string;
  detail: string | null;
}

const toException = (r: Row): IntegrationException => ({
  id: String(r.id), at: r.at, team: r.team, status: r.status, code: r.code, message: r.message,
  object: r.object, objectId: r.object_id, field: r.field, requestId: r.request_id, detail: r.detail,
});

export class ExceptionQueue {
  private readonly db: SqliteDatabase;

  constructor(store: Store, private readonly now: () => Date = () => new Date()) {
    this.db = store.db;
  }

  /** Open exceptions by team and type (code): what the integration_exceptions_open gauge shows. */
  openCounts(): Array<{ team: string; type: string; count: number }> {
    return this.db
      .prepare<[], { team: string; code: string; n: number }>("SELECT team, code, COUNT(*) AS n FROM integration_exceptions WHERE status = 'OPEN' GROUP BY team, code")
      .all()
      .map((r) => ({ team: r.team, type: r.code, count: r.n }));
  }

  record(input: IntegrationExceptionInput): IntegrationException {
    const info = this.db
      .prepare('INSERT INTO integration_exceptions (at, team, code, message, object, object_id, field, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(this.now().toISOString(), input.team, input.code, input.message.slice(0, 500), input.object, input.objectId, input.field ?? null, input.requestId, input.detail?.slice(0, 500) ?? null);
    return toException(this.db.prepare<[number], Row>('SELECT * FROM integration_exceptions WHERE id = ?').get(Number(info.lastInsertRowid))!);
  }

  /** Newest first, keyset-paged on the id like the audit trail; `teams` limits what the caller may see (null = every team). */
  query(filter: { teams: OwningTeam[] | null; status?: ExceptionStatus }, page: { first: number; after?: string | null }) {
    if (!Number.isInteger(page.first) || page.first < 1 || page.first > 100) throw appError('BAD_USER_INPUT', '"first" must be between 1 and 100', { field: 'first' });
    const afterId = page.after == null ? null : decodeIntegerCursor('exception', page.after);
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.teams) {
      if (filter.teams.length === 0) return { rows: [] as IntegrationException[], hasNextPage: false, endCursor: null, totalCount: () => 0 };
      where.push(`team IN (${filter.teams.map(() => '?').join(',')})`);
      params.push(...filter.teams);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const pageWhere = afterId ? `${base ? `${base} AND` : 'WHERE'} id < ?` : base;
    const rows = this.db
      .prepare<Array<string | number>, Row>(`SELECT * FROM integration_exceptions ${pageWhere} ORDER BY id DESC LIMIT ?`)
      .all(...params, ...(afterId ? [afterId] : []), page.first + 1);
    const shown = rows.slice(0, page.first).map(toException);
    return {
      rows: shown,
      hasNextPage: rows.length > page.first,
      endCursor: shown.length ? encodeCursor('exception', shown[shown.length - 1]!.id) : null,
      totalCount: () => (this.db.prepare<Array<string | number>, { n: number }>(`SELECT COUNT(*) AS n FROM integration_exceptions ${base}`).get(...params)!.n),
    };
  }
}
