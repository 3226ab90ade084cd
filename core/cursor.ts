// The one cursor format of the API: an opaque keyset position — the id of the last
// row a page returned — for every list (the canonical lists, the audit trail, the
// exception queue). base64url of `{"v":1,"k":<list kind>,"id":"<digits>"}`, checked
// with zod on the way back in; anything else is BAD_USER_INPUT with one message.
// Canonical lists leave `k` out: their cursors are the ones BI loaders hold between
// runs, and they read exactly as they did before the format was shared. A cursor of
// one kind is refused by a list of another (an audit cursor cannot page exceptions).
import { z } from 'zod';
import { appError } from '../policy/errors.ts';

/** `page`: any canonical list (keyed by source id); `audit`: the audit trail; `exception`: the exception queue. */
export type CursorKind = 'page' | 'audit' | 'exception';

const WIRE_KIND: Record<CursorKind, string | undefined> = { page: undefined, audit: 'audit', exception: 'exc' };

const cursorSchema = z.strictObject({
  v: z.literal(1),
  k: z.enum(['audit', 'exc']).optional(),
  // Source ids (Odoo, HubSpot) and store ids alike: up to 18 digits, inside a safe integer's reach of SQLite.
  id: z.string().regex(/^[0-9]{1,18}$/),
});

export const INVALID_CURSOR_MESSAGE = '"after" is not a cursor this API issued';

export function encodeCursor(kind: CursorKind, id: string | number): string {
  const k = WIRE_KIND[kind];
  return Buffer.from(JSON.stringify(k ? { v: 1, k, id: String(id) } : { v: 1, id: String(id) }), 'utf8').toString('base64url');
}

/** The id a cursor of `kind` points after; BAD_USER_INPUT (field `after`) for anything else. */
export function decodeCursor(kind: CursorKind, cursor: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.k !== WIRE_KIND[kind]) throw invalid();
  return parsed.data.id;
}

/** For lists keyed by a store's integer row id. */
export function decodeIntegerCursor(kind: CursorKind, cursor: string): number {
  const id = Number(decodeCursor(kind, cursor));
  if (!Number.isSafeInteger(id)) throw invalid();
  return id;
}

function invalid() {
  return appError('BAD_USER_INPUT', INVALID_CURSOR_MESSAGE, { field: 'after' });
}
