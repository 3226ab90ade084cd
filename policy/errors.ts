// The one error-code registry of the project (after apollographql/federation's
// internals-js/src/error.ts). Every code a client, a log line or a test can see is
// defined here once, with what it means; errors are only ever built from it, so a
// code cannot drift between the gateway, the subgraphs and the connectors.
import { GraphQLError } from 'graphql';

export type SystemName = 'odoo' | 'hubspot' | 'gateway';

interface ErrorCodeDefinition {
  readonly code: string;
  readonly description: string;
  /** HTTP status a REST-ish surface (gateway auth, health) answers with. */
  readonly httpStatus: number;
}

function def(code: string, httpStatus: number, description: string): ErrorCodeDefinition {
  return { code, httpStatus, description };
}

export const ERRORS = {
  BAD_USER_INPUT: def('BAD_USER_INPUT', 400, 'The request carries a value that fails validation; `extensions.field` names it.'),
  UNAUTHENTICATED: def('UNAUTHENTICATED', 401, 'No valid credential was presented.'),
  FORBIDDEN: def('FORBIDDEN', 403, 'The caller is authenticated but may not read or change this.'),
  MASKED: def('MASKED', 200, 'The field is sensitive for this caller and is returned as null.'),
  NOT_FOUND: def('NOT_FOUND', 404, 'No record with this identifier exists (or the caller may not know it exists).'),
  CONFLICT: def('CONFLICT', 409, 'The record changed since the caller read it, or the idempotency key was reused with another payload.'),
  READ_ONLY_FIELD: def('READ_ONLY_FIELD', 400, 'The field is owned by a system of record and cannot be written through this API.'),
  QUERY_TOO_COMPLEX: def('QUERY_TOO_COMPLEX', 400, 'The query exceeds the depth, alias or cost limits.'),

  // Backend (system of record) failures. `extensions.system` names the system.
  BACKEND_AUTH_FAILED: def('BACKEND_AUTH_FAILED', 502, 'The backend refused the configured credentials.'),
  BACKEND_ACCESS_DENIED: def('BACKEND_ACCESS_DENIED', 502, "The backend's own access rules refused the operation (Odoo AccessError)."),
  BACKEND_VALIDATION: def('BACKEND_VALIDATION', 422, 'The backend rejected the values (Odoo UserError/ValidationError, HubSpot VALIDATION_ERROR).'),
  BACKEND_RECORD_MISSING: def('BACKEND_RECORD_MISSING', 404, 'The backend reports the record does not exist (Odoo MissingError, HubSpot 404).'),
  BACKEND_CONFLICT: def('BACKEND_CONFLICT', 409, 'The backend reports a concurrent update (Odoo LockError, HubSpot 409).'),
  BACKEND_RATE_LIMITED: def('BACKEND_RATE_LIMITED', 503, 'The backend answered 429 and retries were exhausted.'),
  BACKEND_UNAVAILABLE: def('BACKEND_UNAVAILABLE', 503, 'The backend could not be reached, timed out, or answered 5xx.'),
  BACKEND_PROTOCOL: def('BACKEND_PROTOCOL', 502, 'The backend answered something that is not its documented protocol (not JSON, wrong envelope).'),
  BACKEND_ERROR: def('BACKEND_ERROR', 502, 'The backend reported an error the project has no more specific code for.'),
  SUBGRAPH_UNAVAILABLE: def('SUBGRAPH_UNAVAILABLE', 503, 'The gateway could not reach the subgraph serving a system; `extensions.system` names it.'),
  MAPPING_ERROR: def('MAPPING_ERROR', 502, 'A backend record does not fit the canonical mapping; `extensions` name model, id and field.'),

  // Apollo Server's own request errors, registered so every code a client sees is listed here.
  GRAPHQL_PARSE_FAILED: def('GRAPHQL_PARSE_FAILED', 400, 'The request is not syntactically valid GraphQL.'),
  GRAPHQL_VALIDATION_FAILED: def('GRAPHQL_VALIDATION_FAILED', 400, 'The request is not valid against the schema (unknown field, wrong argument).'),
  PERSISTED_QUERY_NOT_FOUND: def('PERSISTED_QUERY_NOT_FOUND', 400, 'An automatic persisted query hash the gateway does not know (the client resends the query).'),
  OPERATION_RESOLUTION_FAILURE: def('OPERATION_RESOLUTION_FAILURE', 400, 'The request names no operation, or one that is not in the document.'),
  BAD_REQUEST: def('BAD_REQUEST', 400, 'The HTTP request is not a GraphQL request the gateway accepts (e.g. a cross-site request without a preflight header).'),
  PERSISTED_QUERY_NOT_SUPPORTED: def('PERSISTED_QUERY_NOT_SUPPORTED', 400, 'The request sends a persisted query hash and the server does not take them.'),
  RATE_LIMITED: def('RATE_LIMITED', 429, 'The caller sent more requests than its rate limit allows; `extensions.retryAfter` and the Retry-After header say when to try again (seconds).'),
  PARTIAL_WRITE: def('PARTIAL_WRITE', 502, 'Some systems of record applied the write and others did not; a retry with the same idempotency key completes it.'),
  CROSS_REFERENCE_CONFLICT: def('CROSS_REFERENCE_CONFLICT', 409, 'The two systems disagree about which record is the twin of this one (duplicate or mismatched reference); routed to ERP admin.'),
  CONFIG_INVALID: def('CONFIG_INVALID', 500, 'Start-up configuration is invalid; the message names the variable.'),
  INTERNAL: def('INTERNAL_SERVER_ERROR', 500, 'An unexpected failure; details are in the server log under the request id.'),
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ErrorKey = keyof typeof ERRORS;
export type ErrorCode = (typeof ERRORS)[ErrorKey]['code'];

export interface ErrorDetails {
  system?: SystemName;
  field?: string;
  model?: string;
  recordId?: string | number;
  /** The backend's own error name, e.g. odoo.exceptions.AccessError or RATE_LIMIT. */
  backendName?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  [key: string]: unknown;
}

/**
 * The project's typed error. Connectors throw it, resolvers let it travel, and
 * `toGraphQLError` turns it into the wire shape. `extensions.code` is always a
 * registered code.
 */
export class AppError extends Error {
  readonly key: ErrorKey;
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(key: ErrorKey, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.key = key;
    this.code = ERRORS[key].code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERRORS[this.key].httpStatus;
  }
}

export function appError(key: ErrorKey, message: string, details: ErrorDetails = {}, cause?: unknown): AppError {
  return new AppError(key, message, details, cause === undefined ? undefined : { cause });
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Build a GraphQLError from a registered code; the only way the project makes one. */
export function graphQLError(key: ErrorKey, message: string, details: ErrorDetails = {}): GraphQLError {
  const { httpStatus: _omit, ...rest } = details;
  return new GraphQLError(message, { extensions: { code: ERRORS[key].code, ...rest } });
}

export function toGraphQLError(e: unknown): GraphQLError {
  if (e instanceof GraphQLError) return e;
  if (isAppError(e)) return graphQLError(e.key, e.message, e.details);
  return graphQLError('INTERNAL', 'Internal error');
}
