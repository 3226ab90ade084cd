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

/** Awaits `p`, which must reject with an AppError of `code` naming `system`; returns the error for further checks. */
export async function rejectionOf(p: Promise<unknown>, code: string, system: 'odoo' | 'hubspot'): Promise<AppError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a rejection with ${code}`);
  assert.ok(isAppError(caught), `expected an AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `${caught.code}: ${caught.message}`);
  assert.equal(caught.details.system, system);
  return caught;
}
