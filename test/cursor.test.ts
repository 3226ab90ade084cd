// One cursor format (core/cursor.ts) for the canonical lists, the audit trail and the
// exception queue: each list takes back only its own kind of cursor, with one message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCursor, decodeIntegerCursor, encodeCursor, INVALID_CURSOR_MESSAGE, type CursorKind } from '../core/cursor.ts';
import { isAppError } from '../policy/errors.ts';

const KINDS: CursorKind[] = ['page', 'audit', 'exception'];
const refused = (e: unknown) => isAppError(e) && e.code === 'BAD_USER_INPUT' && e.details.field === 'after' && e.message === INVALID_CURSOR_MESSAGE;

test('a cursor round-trips within its kind and is refused by every other kind', () => {
  for (const kind of KINDS) {
    const cursor = encodeCursor(kind, 123456789012345678n.toString());
    assert.equal(decodeCursor(kind, cursor), '123456789012345678');
    for (const other of KINDS.filter((k) => k !== kind)) assert.throws(() => decodeCursor(other, cursor), refused, `${kind} cursor taken by ${other}`);
  }
});

test('canonical list cursors keep the format BI loaders already hold', () => {
  assert.equal(Buffer.from(encodeCursor('page', 42), 'base64url').toString('utf8'), '{"v":1,"id":"42"}');
});

test('anything else is refused with the same error', () => {
  const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  for (const bad of ['garbage', '', forge({ v: 2, id: '1' }), forge({ v: 1, id: '-1' }), forge({ v: 1, id: 1 }), forge({ v: 1, k: 'other', id: '1' }), forge({ v: 1, id: '1', extra: true })]) {
    assert.throws(() => decodeCursor('page', bad), refused, bad);
  }
  // Integer ids beyond what a JavaScript number holds exactly cannot come from the store.
  assert.throws(() => decodeIntegerCursor('audit', encodeCursor('audit', '99999999999999999')), refused);
  assert.equal(decodeIntegerCursor('exception', encodeCursor('exception', 7)), 7);
});
