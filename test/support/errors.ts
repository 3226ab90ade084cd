// Matchers for the typed errors (policy/errors.ts) every layer raises.
import assert from 'node:assert/strict';
import { isAppError, type AppError } from '../../policy/errors.ts';

/** For assert.throws / assert.rejects: an AppError with this code (and `details.field`, when given). */
export const isCode = (code: string, field?: string) => (e: unknown) => {
  assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
  assert.equal(e.code, code);
  if (field) assert.equal(e.details.field, field);
  return true;
};

/** Awaits `p`, which must reject with an AppError (any code); returns it for further checks. */
export async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** Awaits `p`, which must reject with an AppError of `code` naming `system`; returns the error for further checks. */
export async function rejectionOf(p: Promise<unknown>, code: string, system: 'odoo' | 'hubspot'): Promise<AppError> {
  const caught = await failure(p);
  assert.equal(caught.code, code, `${caught.code}: ${caught.message}`);
  assert.equal(caught.details.system, system);
  return caught;
}
