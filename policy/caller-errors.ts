// What of an error a caller may see (R6 data minimisation). Odoo's and HubSpot's
// own texts name internal users, record ids and proxy pages; the extensions our
// connectors attach for diagnosis (model, method, exception class, attempts,
// correlation id, HTTP status) describe the backend's insides. All of that goes to
// the log line of the request id; the caller gets the code, a canonical message,
// the system, the field it can fix, when to retry, and the request id to quote.
//
// Applied by every subgraph (formatError) and again by the gateway, so an error
// that bypasses one (a subgraph refusing a request before GraphQL runs) is still
// cleaned by the other.
import type { GraphQLFormattedError } from 'graphql';
import { ERRORS, type ErrorKey, type SystemName } from './errors.ts';
import { COMPONENT_NAMES, COMPONENTS } from './components.ts';

/** Extensions every caller may see, whatever the code. */
export const CALLER_EXTENSIONS = ['code', 'system', 'field', 'requestId', 'retryAfter'] as const;

/**
 * Extra extensions per code: our own canonical diagnosis, not the backend's.
 * MAPPING_ERROR names the source model, record and field that did not fit the
 * canonical model (what ERP admin needs to fix it, and what the caller needs to
 * report it); CROSS_REFERENCE_CONFLICT names the records that claim the same twin.
 */
export const CODE_EXTENSIONS: Partial<Record<ErrorKey, readonly string[]>> = {
  QUERY_TOO_COMPLEX: ['limit', 'measured', 'maximum'],
  BAD_USER_INPUT: ['maximum'],
  BACKEND_BUDGET_EXHAUSTED: ['maximum'],
  READ_ONLY_FIELD: ['owner'],
  MAPPING_ERROR: ['model', 'recordId'],
  CROSS_REFERENCE_CONFLICT: ['model', 'recordIds'],
  // The request's deadline (core/deadline.ts) ended the work: retrying with the same budget meets the same wall.
  BACKEND_UNAVAILABLE: ['deadlineReached'],
  BACKEND_RATE_LIMITED: ['deadlineReached'],
  SUBGRAPH_UNAVAILABLE: ['deadlineReached'],
};

/** How a message names each system: its component's display name (policy/components.ts), at the start of a sentence. */
const SYSTEM_LABEL = Object.fromEntries(
  COMPONENT_NAMES.map((c) => [COMPONENTS[c].system, COMPONENTS[c].display.replace(/^./, (ch) => ch.toUpperCase())]),
) as Record<SystemName, string>;

/**
 * Canonical caller messages for the codes whose message would otherwise carry a
 * backend's text (or an internal one). Codes not listed keep their message: those
 * messages are written by this project for the caller (validation, permissions).
 */
export const CALLER_MESSAGES: Partial<Record<ErrorKey, (system: string) => string>> = {
  BACKEND_AUTH_FAILED: (s) => `${s} refused the integration's credentials`,
  BACKEND_ACCESS_DENIED: (s) => `${s}'s access rules refused the operation`,
  BACKEND_VALIDATION: (s) => `${s} rejected the values`,
  BACKEND_RECORD_MISSING: (s) => `${s} reports that the record does not exist`,
  BACKEND_CONFLICT: (s) => `${s} reports a concurrent update; retry`,
  BACKEND_BUDGET_EXHAUSTED: (s) => `This request has used its budget of backend calls; ${s} was not called again — ask for fewer or smaller nested lists`,
  BACKEND_RATE_LIMITED: (s) => `${s} is limiting the integration's request rate; retry later`,
  BACKEND_UNAVAILABLE: (s) => `${s} is unavailable`,
  BACKEND_PROTOCOL: (s) => `${s} answered something unexpected`,
  BACKEND_ERROR: (s) => `${s} reported an error`,
  BACKEND_VERSION_UNSUPPORTED: (s) => `${s} runs a version this integration does not support`,
  // "The Odoo service", "The integration service", "A backend service" (those two labels bring their article).
  SUBGRAPH_UNAVAILABLE: (s) => `${/^(The|A) /.test(s) ? s : `The ${s}`} service is unavailable`,
  MAPPING_ERROR: (s) => `A record from ${s} does not fit the canonical model`,
  INTERNAL: () => 'Internal error',
};

const KEY_OF_CODE = new Map<string, ErrorKey>(Object.entries(ERRORS).map(([key, def]) => [def.code, key as ErrorKey]));

/** The registry key of a wire code (INTERNAL_SERVER_ERROR → INTERNAL), or undefined when not registered. */
export function errorKeyOf(code: unknown): ErrorKey | undefined {
  return typeof code === 'string' ? KEY_OF_CODE.get(code) : undefined;
}

function systemLabel(system: unknown): string {
  return typeof system === 'string' && system in SYSTEM_LABEL ? SYSTEM_LABEL[system as SystemName] : 'A backend';
}

/** The caller's view of a formatted error: allow-listed extensions, canonical message where the code has one. */
export function toCallerError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = (formatted.extensions ?? {}) as Record<string, unknown>;
  const key = errorKeyOf(extensions.code) ?? 'INTERNAL';
  const allowed = new Set<string>([...CALLER_EXTENSIONS, ...(CODE_EXTENSIONS[key] ?? [])]);
  const kept: Record<string, unknown> = { code: ERRORS[key].code };
  for (const [name, value] of Object.entries(extensions)) {
    if (name !== 'code' && allowed.has(name) && value !== undefined) kept[name] = value;
  }
  // Connectors record the backend's wait in milliseconds; callers get Retry-After's unit, seconds.
  if (kept.retryAfter === undefined && typeof extensions.retryAfterMs === 'number') kept.retryAfter = Math.max(1, Math.ceil(extensions.retryAfterMs / 1000));
  const canonical = CALLER_MESSAGES[key];
  const message = canonical ? canonical(systemLabel(kept.system)) : formatted.message;
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: kept,
  };
}
