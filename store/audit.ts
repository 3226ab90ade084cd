// The audit trail (R6): every write attempt through the gateway — applied, refused,
// failed or replayed — as one row of an append-only table. Append-only is enforced
// by SQLite itself (triggers ABORT any UPDATE or DELETE of `audit_log`), not by
// convention (Postgres: a trigger raises on UPDATE/DELETE/TRUNCATE, and the service
// role has only INSERT and SELECT, docs/store-postgres.md). Data minimisation: only the fields named in `fields` are kept from
// `before`/`after`, and sensitive ones (the `mask` set, at any depth, case-insensitive)
// are stored as "***" — the clear value never reaches the file. No tokens, headers
// or payloads are taken: only what `record` is given.
//
// `query` returns entries newest first (descending id, i.e. recording order; `at`
// normally agrees but is whatever the caller recorded) with a keyset cursor on the
// autoincrement id, so entries recorded while a client pages appear neither twice
// nor in the middle. Who may call `query` (integration_admin, finance) is decided
// by the resolver's permission rules, not here.
import { z } from 'zod';
import { appError, isAppError } from '../policy/errors.ts';
import { SYSTEM_NAMES, type SystemName } from '../policy/components.ts';
import { AUDIT_MASK } from '../policy/ownership.ts';
import { decodeIntegerCursor, encodeCursor } from '../core/cursor.ts';
import type { Store } from './database.ts';
import type { SqlExecutor, SqlParam } from './sql.ts';

export const MASKED_VALUE = '***';

export const AUDIT_MAX_PAGE_SIZE = 100;

export type AuditSystem = SystemName;
export type AuditOutcome = 'applied' | 'refused' | 'failed' | 'replayed';

export interface AuditRecordInput {
  actor: { sub: string; role: string };
  /** The mutation, e.g. updateAccount. */
  action: string;
  system: AuditSystem;
  /** Canonical type, e.g. Account. */
  object: string;
  objectId: string;
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  idempotencyKey?: string;
  requestId: string;
  outcome: AuditOutcome;
  error?: { code: string; message: string };
  at?: Date;
}

/** An entry as stored: the input with its id and instant, optional parts made explicit. */
export interface AuditEntry extends Omit<AuditRecordInput, 'at' | 'idempotencyKey' | 'error'> {
  id: string;
  /** ISO-8601 instant (UTC). */
  at: string;
  idempotencyKey: string | null;
  error: { code: string; message: string } | null;
}

export interface AuditFilter {
  object?: string;
  objectId?: string;
  /** The actor's `sub`. */
  actor?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface AuditPageArgs {
  /** 1..100 */
  first: number;
  /** `endCursor` of the previous page. */
  after?: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** Entries matching the filter (all pages); counted only when asked. */
  totalCount(): Promise<number>;
}

export interface AuditTrailOptions {
  /** Field names stored as "***" (case-insensitive, at any depth). Default: what the ownership table declares sensitive (policy/ownership.ts AUDIT_MASK). */
  mask?: Iterable<string>;
  /** Clock for entries recorded without `at` (tests). */
  now?: () => Date;
}

/** Longest text kept in one column. */
export const AUDIT_TEXT_MAX = 500;
/** Most field names kept per entry. */
export const AUDIT_FIELDS_MAX = 200;

/**
 * A refused write is audited with what the caller sent — an id, a field name, the
 * message naming its mistake — so a hostile length must not make the insert fail
 * (the refusal would go unrecorded): such text is cut to AUDIT_TEXT_MAX with a
 * marker giving its length. Names this code chooses (system, outcome, code) stay strict.
 */
export function boundText(value: string, max = AUDIT_TEXT_MAX): string {
  if (value.length <= max) return value;
  const marker = `…[${value.length} chars]`;
  let keep = max - marker.length;
  // Never split a surrogate pair: half a character is not valid UTF-8.
  if (/[\uD800-\uDBFF]/.test(value[keep - 1] ?? '')) keep -= 1;
  return value.slice(0, keep) + marker;
}

const nonEmpty = z.string().min(1).max(AUDIT_TEXT_MAX);
const boundedText = z.string().min(1).transform((v) => boundText(v));
const recordSchema = z.object({
  actor: z.object({ sub: boundedText, role: boundedText }),
  action: nonEmpty,
  system: z.enum(SYSTEM_NAMES),
  object: nonEmpty,
  objectId: boundedText,
  fields: z.array(boundedText).transform((fields) => fields.slice(0, AUDIT_FIELDS_MAX)),
  before: z.record(z.string(), z.unknown()),
  after: z.record(z.string(), z.unknown()),
  idempotencyKey: z.string().min(1).max(200).optional(),
  requestId: nonEmpty,
  outcome: z.enum(['applied', 'refused', 'failed', 'replayed']),
  error: z.object({ code: nonEmpty, message: z.string().transform((m) => boundText(m)) }).optional(),
  at: z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date').optional(),
});

interface AuditRow {
  id: number;
  at: string;
  actor_sub: string;
  actor_role: string;
  action: string;
  system: AuditSystem;
  object: string;
  object_id: string;
  fields_json: string;
  before_json: string;
  after_json: string;
  idempotency_key: string | null;
  request_id: string;
  outcome: AuditOutcome;
  error_code: string | null;
  error_message: string | null;
}

export class AuditTrail {
  private readonly sql: SqlExecutor;
  private readonly mask: ReadonlySet<string>;
  private readonly now: () => Date;

  constructor(store: Store, options: AuditTrailOptions = {}) {
    this.sql = store.sql;
    this.mask = new Set([...(options.mask ?? AUDIT_MASK)].map((f) => f.toLowerCase()));
    this.now = options.now ?? (() => new Date());
  }

  /** Appends one entry (masked, minimised) and returns it as stored. */
  async record(entry: AuditRecordInput): Promise<AuditEntry> {
    const parsed = recordSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw appError('INTERNAL', `audit entry invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const e = parsed.data;
    const at = e.at ?? this.now();
    const fields = [...new Set(e.fields)];
    const row: SqlParam[] = [
      at.toISOString(),
      at.getTime(),
      e.actor.sub,
      e.actor.role,
      e.action,
      e.system,
      e.object,
      e.objectId,
      JSON.stringify(fields),
      JSON.stringify(this.minimise(e.before, fields)),
      JSON.stringify(this.minimise(e.after, fields)),
      e.idempotencyKey ?? null,
      e.requestId,
      e.outcome,
      e.error?.code ?? null,
      e.error?.message ?? null,
    ];
    let stored: AuditRow | undefined;
    try {
      stored = await this.sql.get<AuditRow>(
        `INSERT INTO audit_log (at, at_ms, actor_sub, actor_role, action, system, object, object_id, fields_json,
                                before_json, after_json, idempotency_key, request_id, outcome, error_code, error_message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        row,
      );
    } catch (err) {
      // The entry is valid; the store did not take it (file gone, disk full, I/O error, server down), so the write it records cannot be reported done.
      if (isAppError(err)) throw err;
      throw appError('STORE_UNAVAILABLE', 'The audit entry could not be written: the store is unavailable', { reason: (err as { code?: string }).code ?? 'write failed' }, err);
    }
    return toEntry(stored!);
  }

  async query(filter: AuditFilter, page: AuditPageArgs): Promise<AuditPage> {
    const first = page.first;
    if (!Number.isInteger(first) || first < 1 || first > AUDIT_MAX_PAGE_SIZE) {
      throw appError('BAD_USER_INPUT', `"first" must be between 1 and ${AUDIT_MAX_PAGE_SIZE}`, { field: 'first' });
    }
    const where: string[] = [];
    const params: SqlParam[] = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    eq('object', filter.object);
    eq('object_id', filter.objectId);
    eq('actor_sub', filter.actor);
    eq('action', filter.action);
    const instant = (value: Date | undefined, field: string, op: string) => {
      if (value === undefined) return;
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        throw appError('BAD_USER_INPUT', `"${field}" must be an ISO-8601 instant`, { field });
      }
      where.push(`at_ms ${op} ?`);
      params.push(value.getTime());
    };
    instant(filter.from, 'filter.from', '>=');
    instant(filter.to, 'filter.to', '<');

    const countSql = `SELECT COUNT(*) AS n FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    const countParams = [...params];
    if (page.after != null) {
      where.push('id < ?');
      params.push(decodeIntegerCursor('audit', page.after));
    }
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = await this.sql.query<AuditRow>(sql, [...params, first + 1]);

    const hasNextPage = rows.length > first;
    const entries = (hasNextPage ? rows.slice(0, first) : rows).map(toEntry);
    const last = entries[entries.length - 1];
    let total: Promise<number> | undefined;
    return {
      entries,
      hasNextPage,
      endCursor: last ? encodeCursor('audit', last.id) : null,
      totalCount: () => (total ??= this.sql.get<{ n: number }>(countSql, countParams).then((r) => r!.n)),
    };
  }

  /** Keeps only the named fields; masks sensitive keys at any depth. */
  private minimise(values: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!Object.hasOwn(values, f) || values[f] === undefined) continue;
      out[f] = this.mask.has(f.toLowerCase()) ? MASKED_VALUE : this.maskDeep(values[f]);
    }
    return out;
  }

  private maskDeep(value: unknown): unknown {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.mask.has(k.toLowerCase()) ? MASKED_VALUE : this.maskDeep(v);
      return out;
    }
    if (typeof value === 'bigint') return value.toString();
    return value;
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    at: row.at,
    actor: { sub: row.actor_sub, role: row.actor_role },
    action: row.action,
    system: row.system,
    object: row.object,
    objectId: row.object_id,
    fields: JSON.parse(row.fields_json) as string[],
    before: JSON.parse(row.before_json) as Record<string, unknown>,
    after: JSON.parse(row.after_json) as Record<string, unknown>,
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    outcome: row.outcome,
    error: row.error_code == null ? null : { code: row.error_code, message: row.error_message ?? '' },
  };
}
