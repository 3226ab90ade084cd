// Integration exceptions (R7, R8): every failure — a refused or failed write, a
// mapping error, a cross-reference conflict, a dead-lettered sync job — is one
// row with the team that owns the fix (credit → finance, product and price →
// sales operations, mapping and configuration → ERP admin), so operations see
// them by team instead of reading logs, and can act on them.
//
// Lifecycle: OPEN → RETRYING (a replay is queued) → RESOLVED (the replay, or a
// later run of the same step, applied) | back to OPEN (it failed again); OPEN →
// DISCARDED (someone decided it needs no fix). The same failure on the same
// object is one live row (the fingerprint is unique among OPEN/RETRYING rows)
// whose occurrence count and last occurrence move; once closed, a new failure
// is a new incident and a new row.
import { createHash } from 'node:crypto';
import { appError } from '../policy/errors.ts';
import { decodeIntegerCursor, encodeCursor } from '../core/cursor.ts';
import type { OwningTeam } from '../policy/teams.ts';
import type { Store } from './database.ts';
import type { SqlExecutor, SqlParam } from './sql.ts';
import type { ChangeHint } from './jobs.ts';

export type { OwningTeam } from '../policy/teams.ts';
export const EXCEPTION_STATUSES = ['OPEN', 'RETRYING', 'RESOLVED', 'DISCARDED'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];
/** Kinds of exception; `DEAD_LETTER` = a sync job whose transient failures outlasted its retries. */
export const EXCEPTION_TYPES = ['VALIDATION', 'MAPPING', 'CROSS_REFERENCE_CONFLICT', 'DEAD_LETTER'] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

/** What a replay re-runs: the flow and the record hint whose step failed. */
export interface ExceptionPayload {
  flow: string;
  change: ChangeHint;
}

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
  /** Default VALIDATION. */
  type?: ExceptionType;
  /** Who raised it: a flow name, or `writes` (the mutations; default). */
  actor?: string;
  /** Attempts this occurrence represents (a dead letter: the job's attempts); default 1. */
  attempts?: number;
  /** Present when the failed step can be replayed. */
  payload?: ExceptionPayload | null;
}

export interface IntegrationException {
  id: string;
  /** First occurrence (kept under its original name). */
  at: string;
  team: OwningTeam;
  status: ExceptionStatus;
  type: ExceptionType;
  code: string;
  message: string;
  object: string;
  objectId: string;
  field: string | null;
  requestId: string;
  detail: string | null;
  actor: string;
  firstAt: string;
  lastAt: string;
  occurrences: number;
  attempts: number;
  payload: ExceptionPayload | null;
  resolution: string | null;
  closedBy: string | null;
  closedAt: string | null;
}

export interface ExceptionFilter {
  /** null = every team. */
  teams: OwningTeam[] | null;
  status?: ExceptionStatus;
  type?: ExceptionType;
  object?: string;
  objectId?: string;
  /** Last occurrence at or after (inclusive). */
  from?: Date;
  /** Last occurrence before (exclusive). */
  to?: Date;
}

interface Row {
  id: number;
  at: string;
  team: OwningTeam;
  status: ExceptionStatus;
  type: ExceptionType;
  code: string;
  message: string;
  object: string;
  object_id: string;
  field: string | null;
  request_id: string;
  detail: string | null;
  actor: string;
  first_at: string;
  last_at: string;
  occurrences: number;
  attempts: number;
  payload_json: string | null;
  resolution: string | null;
  closed_by: string | null;
  closed_at: string | null;
}

const toException = (r: Row): IntegrationException => ({
  id: String(r.id), at: r.at, team: r.team, status: r.status, type: r.type, code: r.code, message: r.message,
  object: r.object, objectId: r.object_id, field: r.field, requestId: r.request_id, detail: r.detail,
  actor: r.actor, firstAt: r.first_at, lastAt: r.last_at, occurrences: r.occurrences, attempts: r.attempts,
  payload: r.payload_json ? (JSON.parse(r.payload_json) as ExceptionPayload) : null,
  resolution: r.resolution, closedBy: r.closed_by, closedAt: r.closed_at,
});

/** The same failure on the same object: who raised it, its kind and code, and the object (and field). */
function fingerprintOf(i: IntegrationExceptionInput): string {
  const parts = [i.actor ?? 'writes', i.type ?? 'VALIDATION', i.code, i.object, i.objectId, i.field ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class ExceptionQueue {
  private readonly sql: SqlExecutor;

  constructor(store: Store, private readonly now: () => Date = () => new Date()) {
    this.sql = store.sql;
  }

  /** Open exceptions by team and type (code): what the integration_exceptions_open gauge shows. */
  async openCounts(): Promise<Array<{ team: string; type: string; count: number }>> {
    const rows = await this.sql.query<{ team: string; code: string; n: number }>("SELECT team, code, COUNT(*) AS n FROM integration_exceptions WHERE status = 'OPEN' GROUP BY team, code");
    return rows.map((r) => ({ team: r.team, type: r.code, count: r.n }));
  }

  /** Records an occurrence: a new row, or one more occurrence of the live row for the same failure. */
  async record(input: IntegrationExceptionInput): Promise<IntegrationException> {
    const at = this.now();
    const iso = at.toISOString();
    const fingerprint = fingerprintOf(input);
    const message = input.message.slice(0, 500);
    const detail = input.detail?.slice(0, 500) ?? null;
    const payload = input.payload ? JSON.stringify(input.payload) : null;
    const attempts = Math.max(1, input.attempts ?? 1);
    const row = await this.sql.transaction(async (tx) => {
      // Two processes recording the same failure: one inserts, the other counts an occurrence.
      await tx.lock(`integration_exceptions:${fingerprint}`);
      const live = await tx.get<{ id: number }>("SELECT id FROM integration_exceptions WHERE fingerprint = ? AND status IN ('OPEN', 'RETRYING')", [fingerprint]);
      if (live) {
        return tx.get<Row>(
          `UPDATE integration_exceptions SET last_at = ?, last_at_ms = ?, occurrences = occurrences + 1, attempts = attempts + ?, message = ?,
              detail = COALESCE(?, detail), payload_json = COALESCE(?, payload_json), request_id = ? WHERE id = ? RETURNING *`,
          [iso, at.getTime(), attempts, message, detail, payload, input.requestId, live.id],
        );
      }
      return tx.get<Row>(
        `INSERT INTO integration_exceptions (at, team, code, message, object, object_id, field, request_id, detail, type, actor, fingerprint, first_at, last_at, last_at_ms, attempts, payload_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [iso, input.team, input.code, message, input.object, input.objectId, input.field ?? null, input.requestId, detail,
          input.type ?? 'VALIDATION', input.actor ?? 'writes', fingerprint, iso, iso, at.getTime(), attempts, payload],
      );
    });
    return toException(row!);
  }

  async get(id: string): Promise<IntegrationException | null> {
    if (!/^[0-9]{1,15}$/.test(id)) return null;
    const row = await this.sql.get<Row>('SELECT * FROM integration_exceptions WHERE id = ?', [Number(id)]);
    return row ? toException(row) : null;
  }

  /**
   * OPEN → RETRYING, then `then` (which queues the replay job). The status change is
   * one conditional UPDATE, so of two replays of one exception only one gets to
   * queue; if queueing fails the exception goes back to OPEN. Null when it is not OPEN.
   * (Not one transaction: the job queue may live in another engine, e.g. pg-boss.)
   */
  async markRetrying<T>(id: string, then: (e: IntegrationException) => Promise<T>): Promise<{ exception: IntegrationException; result: T } | null> {
    if (!/^[0-9]{1,15}$/.test(id)) return null;
    const row = await this.sql.get<Row>("UPDATE integration_exceptions SET status = 'RETRYING' WHERE id = ? AND status = 'OPEN' RETURNING *", [Number(id)]);
    if (!row) return null;
    const exception = toException(row);
    try {
      return { exception, result: await then(exception) };
    } catch (e) {
      await this.sql.run("UPDATE integration_exceptions SET status = 'OPEN' WHERE id = ? AND status = 'RETRYING'", [Number(id)]);
      throw e;
    }
  }

  /** The replayed (or re-run) step applied: RESOLVED. */
  async resolve(id: string, by: string, resolution: string): Promise<IntegrationException | null> {
    const row = await this.sql.get<Row>(
      "UPDATE integration_exceptions SET status = 'RESOLVED', resolution = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status IN ('OPEN', 'RETRYING') RETURNING *",
      [resolution.slice(0, 500), by, this.now().toISOString(), Number(id)],
    );
    return row ? toException(row) : null;
  }

  /** Resolves every live exception a flow raised for one record hint (a later run of the same step applied). */
  async resolveForRecord(actor: string, change: Pick<ChangeHint, 'model' | 'recordId'>, resolution: string): Promise<number> {
    const rows = (await this.sql.query<Row>("SELECT * FROM integration_exceptions WHERE actor = ? AND status IN ('OPEN', 'RETRYING') AND payload_json IS NOT NULL", [actor]))
      .map(toException)
      .filter((e) => e.payload?.change.model === change.model && e.payload.change.recordId === change.recordId);
    for (const e of rows) await this.resolve(e.id, actor, resolution);
    return rows.length;
  }

  /** A replay failed again: back to OPEN with one more occurrence. */
  async reopen(id: string, error: { code: string; message: string }, requestId: string): Promise<IntegrationException | null> {
    const at = this.now();
    const row = await this.sql.get<Row>(
      `UPDATE integration_exceptions SET status = 'OPEN', occurrences = occurrences + 1, attempts = attempts + 1, last_at = ?, last_at_ms = ?,
          code = ?, message = ?, request_id = ? WHERE id = ? AND status IN ('OPEN', 'RETRYING') RETURNING *`,
      [at.toISOString(), at.getTime(), error.code, error.message.slice(0, 500), requestId, Number(id)],
    );
    return row ? toException(row) : null;
  }

  /** OPEN → DISCARDED with the reason; null when it is not OPEN. */
  async discard(id: string, by: string, reason: string): Promise<IntegrationException | null> {
    const row = await this.sql.get<Row>(
      "UPDATE integration_exceptions SET status = 'DISCARDED', resolution = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status = 'OPEN' RETURNING *",
      [reason.slice(0, 500), by, this.now().toISOString(), Number(id)],
    );
    return row ? toException(row) : null;
  }

  /** Newest first, keyset-paged on the id like the audit trail; `teams` limits what the caller may see (null = every team). */
  async query(filter: ExceptionFilter, page: { first: number; after?: string | null }): Promise<ExceptionPage> {
    if (!Number.isInteger(page.first) || page.first < 1 || page.first > 100) throw appError('BAD_USER_INPUT', '"first" must be between 1 and 100', { field: 'first' });
    const afterId = page.after == null ? null : decodeIntegerCursor('exception', page.after);
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (filter.teams) {
      if (filter.teams.length === 0) return { rows: [], hasNextPage: false, endCursor: null, totalCount: async () => 0 };
      where.push(`team IN (${filter.teams.map(() => '?').join(',')})`);
      params.push(...filter.teams);
    }
    const eq: Array<[string, string | undefined]> = [['status', filter.status], ['type', filter.type], ['object', filter.object], ['object_id', filter.objectId]];
    for (const [column, value] of eq) {
      if (value == null) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (filter.from) (where.push('last_at >= ?'), params.push(filter.from.toISOString()));
    if (filter.to) (where.push('last_at < ?'), params.push(filter.to.toISOString()));
    const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const pageWhere = afterId ? `${base ? `${base} AND` : 'WHERE'} id < ?` : base;
    const rows = await this.sql.query<Row>(`SELECT * FROM integration_exceptions ${pageWhere} ORDER BY id DESC LIMIT ?`, [...params, ...(afterId ? [afterId] : []), page.first + 1]);
    const shown = rows.slice(0, page.first).map(toException);
    let total: Promise<number> | undefined;
    return {
      rows: shown,
      hasNextPage: rows.length > page.first,
      endCursor: shown.length ? encodeCursor('exception', shown[shown.length - 1]!.id) : null,
      totalCount: () => (total ??= this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM integration_exceptions ${base}`, params).then((r) => r!.n)),
    };
  }
}

export interface ExceptionPage {
  rows: IntegrationException[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** Exceptions matching the filter (all pages); counted only when asked. */
  totalCount(): Promise<number>;
}
