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
import type { SqliteDatabase, Store } from './database.ts';
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
  private readonly db: SqliteDatabase;

  constructor(store: Store, private readonly now: () => Date = () => new Date()) {
    this.db = store.db;
  }

  /** Records an occurrence: a new row, or one more occurrence of the live row for the same failure. */
  record(input: IntegrationExceptionInput): IntegrationException {
    const at = this.now();
    const iso = at.toISOString();
    const fingerprint = fingerprintOf(input);
    const message = input.message.slice(0, 500);
    const detail = input.detail?.slice(0, 500) ?? null;
    const payload = input.payload ? JSON.stringify(input.payload) : null;
    const attempts = Math.max(1, input.attempts ?? 1);
    const id = this.db.transaction(() => {
      const live = this.db.prepare<[string], { id: number }>("SELECT id FROM integration_exceptions WHERE fingerprint = ? AND status IN ('OPEN', 'RETRYING')").get(fingerprint);
      if (live) {
        this.db
          .prepare(`UPDATE integration_exceptions SET last_at = ?, last_at_ms = ?, occurrences = occurrences + 1, attempts = attempts + ?, message = ?,
                      detail = COALESCE(?, detail), payload_json = COALESCE(?, payload_json), request_id = ? WHERE id = ?`)
          .run(iso, at.getTime(), attempts, message, detail, payload, input.requestId, live.id);
        return live.id;
      }
      return Number(
        this.db
          .prepare(`INSERT INTO integration_exceptions (at, team, code, message, object, object_id, field, request_id, detail, type, actor, fingerprint, first_at, last_at, last_at_ms, attempts, payload_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(iso, input.team, input.code, message, input.object, input.objectId, input.field ?? null, input.requestId, detail,
            input.type ?? 'VALIDATION', input.actor ?? 'writes', fingerprint, iso, iso, at.getTime(), attempts, payload).lastInsertRowid,
      );
    }).immediate();
    return this.get(String(id))!;
  }

  get(id: string): IntegrationException | null {
    if (!/^[0-9]{1,18}$/.test(id)) return null;
    const row = this.db.prepare<[number], Row>('SELECT * FROM integration_exceptions WHERE id = ?').get(Number(id));
    return row ? toException(row) : null;
  }

  /**
   * OPEN → RETRYING, atomically with `then` (which queues the replay job), so two
   * replays of one exception cannot both queue. Null when it is not OPEN.
   */
  markRetrying<T>(id: string, then: (e: IntegrationException) => T): { exception: IntegrationException; result: T } | null {
    return this.db.transaction(() => {
      const changed = this.db.prepare("UPDATE integration_exceptions SET status = 'RETRYING' WHERE id = ? AND status = 'OPEN'").run(Number(id)).changes;
      if (changed !== 1) return null;
      const exception = this.get(id)!;
      return { exception, result: then(exception) };
    }).immediate();
  }

  /** The replayed (or re-run) step applied: RESOLVED. */
  resolve(id: string, by: string, resolution: string): IntegrationException | null {
    const changed = this.db
      .prepare("UPDATE integration_exceptions SET status = 'RESOLVED', resolution = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status IN ('OPEN', 'RETRYING')")
      .run(resolution.slice(0, 500), by, this.now().toISOString(), Number(id)).changes;
    return changed === 1 ? this.get(id) : null;
  }

  /** Resolves every live exception a flow raised for one record hint (a later run of the same step applied). */
  resolveForRecord(actor: string, change: Pick<ChangeHint, 'model' | 'recordId'>, resolution: string): number {
    const rows = this.db
      .prepare<[string], Row>("SELECT * FROM integration_exceptions WHERE actor = ? AND status IN ('OPEN', 'RETRYING') AND payload_json IS NOT NULL")
      .all(actor)
      .map(toException)
      .filter((e) => e.payload?.change.model === change.model && e.payload.change.recordId === change.recordId);
    for (const e of rows) this.resolve(e.id, actor, resolution);
    return rows.length;
  }

  /** A replay failed again: back to OPEN with one more occurrence. */
  reopen(id: string, error: { code: string; message: string }, requestId: string): IntegrationException | null {
    const at = this.now();
    const changed = this.db
      .prepare(`UPDATE integration_exceptions SET status = 'OPEN', occurrences = occurrences + 1, attempts = attempts + 1, last_at = ?, last_at_ms = ?,
                  code = ?, message = ?, request_id = ? WHERE id = ? AND status IN ('OPEN', 'RETRYING')`)
      .run(at.toISOString(), at.getTime(), error.code, error.message.slice(0, 500), requestId, Number(id)).changes;
    return changed === 1 ? this.get(id) : null;
  }

  /** OPEN → DISCARDED with the reason; null when it is not OPEN. */
  discard(id: string, by: string, reason: string): IntegrationException | null {
    const changed = this.db
      .prepare("UPDATE integration_exceptions SET status = 'DISCARDED', resolution = ?, closed_by = ?, closed_at = ? WHERE id = ? AND status = 'OPEN'")
      .run(reason.slice(0, 500), by, this.now().toISOString(), Number(id)).changes;
    return changed === 1 ? this.get(id) : null;
  }

  /** Newest first, keyset-paged on the id like the audit trail; `teams` limits what the caller may see (null = every team). */
  query(filter: ExceptionFilter, page: { first: number; after?: string | null }) {
    if (!Number.isInteger(page.first) || page.first < 1 || page.first > 100) throw appError('BAD_USER_INPUT', '"first" must be between 1 and 100', { field: 'first' });
    const afterId = page.after == null ? null : decodeIntegerCursor('exception', page.after);
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.teams) {
      if (filter.teams.length === 0) return { rows: [] as IntegrationException[], hasNextPage: false, endCursor: null, totalCount: () => 0 };
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
