// The one error-code registry of the project (after apollographql/federation's
// internals-js/src/error.ts). Every code a client, a log line, an audit entry or a
// test can see is defined here once, with what it means and its class; errors are
// only ever built from it, so a code cannot drift between the gateway, the subgraphs
// and the connectors. test/error-registry.test.ts scans the sources for codes that
// bypass it.
import { GraphQLError } from 'graphql';
import type { SystemName } from './components.ts';
import type { OwningTeam } from './teams.ts';

export type { SystemName } from './components.ts';

/**
 * What kind of outcome a code reports. Decides who acts on it:
 * - `refusal`: the request was turned away (permission, input, conflict, missing record) —
 *   a write attempt the audit trail records as refused;
 * - `request`: the operation was not run at all (unparsable, invalid or too costly);
 * - `withheld`: a field was withheld from this caller, the rest of the answer stands;
 * - `backend`: a system of record (or a subgraph in front of it) failed;
 * - `internal`: a bug or a misconfiguration of this service;
 * - `validation-issue`: one failed business check of confirmQuote, routed to a team;
 * - `master-data-issue`: a conflict the master-data sync found and routed to a team.
 */
export type CodeClass = 'refusal' | 'request' | 'withheld' | 'backend' | 'internal' | 'validation-issue' | 'master-data-issue';

interface ErrorCodeDefinition {
  readonly code: string;
  readonly class: Exclude<CodeClass, 'validation-issue' | 'master-data-issue'>;
  readonly description: string;
  /** HTTP status a REST-ish surface (gateway auth, health) answers with. */
  readonly httpStatus: number;
}

function def(code: string, cls: ErrorCodeDefinition['class'], httpStatus: number, description: string): ErrorCodeDefinition {
  return { code, class: cls, httpStatus, description };
}

export const ERRORS = {
  BAD_USER_INPUT: def('BAD_USER_INPUT', 'refusal', 400, 'The request carries a value that fails validation; `extensions.field` names it.'),
  UNAUTHENTICATED: def('UNAUTHENTICATED', 'refusal', 401, 'No valid credential was presented.'),
  FORBIDDEN: def('FORBIDDEN', 'refusal', 403, 'The caller is authenticated but may not read or change this.'),
  MASKED: def('MASKED', 'withheld', 200, 'The field is sensitive for this caller: answered as null and listed once in the response\'s `extensions.masked`, not raised as an error per value.'),
  NOT_FOUND: def('NOT_FOUND', 'refusal', 404, 'No record with this identifier exists (or the caller may not know it exists).'),
  CONFLICT: def('CONFLICT', 'refusal', 409, 'The record changed since the caller read it, or the idempotency key was reused with another payload.'),
  IN_PROGRESS: def('IN_PROGRESS', 'request', 409, 'Another live attempt holds this idempotency key (or the record it writes); nothing was run. Retry with the same key after `extensions.retryAfter` seconds.'),
  READ_ONLY_FIELD: def('READ_ONLY_FIELD', 'refusal', 400, 'The field is owned by a system of record and cannot be written through this API.'),
  QUERY_TOO_COMPLEX: def('QUERY_TOO_COMPLEX', 'request', 400, 'The query exceeds the depth, alias or cost limits.'),
  BACKEND_BUDGET_EXHAUSTED: def('BACKEND_BUDGET_EXHAUSTED', 'request', 400, 'The request has spent its budget of backend calls (SUBGRAPH_BACKEND_CALL_BUDGET per subgraph request); the fields still needing a backend call fail with this code.'),

  // Backend (system of record) failures. `extensions.system` names the system.
  BACKEND_AUTH_FAILED: def('BACKEND_AUTH_FAILED', 'backend', 502, 'The backend refused the configured credentials.'),
  BACKEND_ACCESS_DENIED: def('BACKEND_ACCESS_DENIED', 'backend', 502, "The backend's own access rules refused the operation (Odoo AccessError)."),
  BACKEND_VALIDATION: def('BACKEND_VALIDATION', 'backend', 422, 'The backend rejected the values (Odoo UserError/ValidationError, HubSpot VALIDATION_ERROR).'),
  BACKEND_RECORD_MISSING: def('BACKEND_RECORD_MISSING', 'backend', 404, 'The backend reports the record does not exist (Odoo MissingError, HubSpot 404).'),
  BACKEND_CONFLICT: def('BACKEND_CONFLICT', 'backend', 409, 'The backend reports a concurrent update (Odoo LockError, HubSpot 409).'),
  BACKEND_RATE_LIMITED: def('BACKEND_RATE_LIMITED', 'backend', 503, 'The backend answered 429 and retries were exhausted.'),
  BACKEND_UNAVAILABLE: def('BACKEND_UNAVAILABLE', 'backend', 503, 'The backend could not be reached, timed out, or answered 5xx.'),
  BACKEND_PROTOCOL: def('BACKEND_PROTOCOL', 'backend', 502, 'The backend answered something that is not its documented protocol (not JSON, wrong envelope).'),
  BACKEND_VERSION_UNSUPPORTED: def('BACKEND_VERSION_UNSUPPORTED', 'backend', 502, 'The backend runs a version the connector does not support (Odoo: 16, 17, 18 and 19; JSON-2 only on 19); the message names the version found.'),
  BACKEND_ERROR: def('BACKEND_ERROR', 'backend', 502, 'The backend reported an error the project has no more specific code for.'),
  SUBGRAPH_UNAVAILABLE: def('SUBGRAPH_UNAVAILABLE', 'backend', 503, 'The gateway could not reach the subgraph serving a system; `extensions.system` names it.'),
  MAPPING_ERROR: def('MAPPING_ERROR', 'backend', 502, 'A backend record does not fit the canonical mapping; `extensions` name model, id and field.'),

  // Apollo Server's own request errors, registered so every code a client sees is listed here.
  GRAPHQL_PARSE_FAILED: def('GRAPHQL_PARSE_FAILED', 'request', 400, 'The request is not syntactically valid GraphQL.'),
  GRAPHQL_VALIDATION_FAILED: def('GRAPHQL_VALIDATION_FAILED', 'request', 400, 'The request is not valid against the schema (unknown field, wrong argument).'),
  PERSISTED_QUERY_NOT_FOUND: def('PERSISTED_QUERY_NOT_FOUND', 'request', 400, 'An automatic persisted query hash the gateway does not know (the client resends the query).'),
  OPERATION_RESOLUTION_FAILURE: def('OPERATION_RESOLUTION_FAILURE', 'request', 400, 'The request names no operation, or one that is not in the document.'),
  BAD_REQUEST: def('BAD_REQUEST', 'request', 400, 'The HTTP request is not a GraphQL request the gateway accepts (e.g. a cross-site request without a preflight header).'),
  PERSISTED_QUERY_NOT_SUPPORTED: def('PERSISTED_QUERY_NOT_SUPPORTED', 'request', 400, 'The request sends a persisted query hash and the server does not take them.'),
  RATE_LIMITED: def('RATE_LIMITED', 'request', 429, 'The caller sent more requests than its rate limit allows; `extensions.retryAfter` and the Retry-After header say when to try again (seconds).'),
  PARTIAL_WRITE: def('PARTIAL_WRITE', 'backend', 502, 'Some systems of record applied the write and others did not; a retry with the same idempotency key completes it.'),
  CROSS_REFERENCE_CONFLICT: def('CROSS_REFERENCE_CONFLICT', 'refusal', 409, 'The two systems disagree about which record is the twin of this one (duplicate or mismatched reference); routed to ERP admin.'),
  STORE_UNAVAILABLE: def('STORE_UNAVAILABLE', 'internal', 503, 'The embedded store cannot durably record this write (its file was moved or removed, or the audit entry could not be written), so the write is not reported done; retry with the same idempotency key once the store is back.'),
  CONFIG_INVALID: def('CONFIG_INVALID', 'internal', 500, 'Start-up configuration is invalid; the message names the variable.'),
  INTERNAL: def('INTERNAL_SERVER_ERROR', 'internal', 500, 'An unexpected failure; details are in the server log under the request id.'),
  // Not thrown: confirmQuote answers REJECTED with its issues (below); the audit entry of the refusal carries this code.
  VALIDATION_FAILED: def('VALIDATION_FAILED', 'refusal', 422, 'A quote failed the checks before confirmation; the VALIDATION_ISSUES codes in the answer say which.'),
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ErrorKey = keyof typeof ERRORS;
export type ErrorCode = (typeof ERRORS)[ErrorKey]['code'];

interface ValidationIssueDefinition {
  readonly code: string;
  readonly class: 'validation-issue';
  /** The team the exception is routed to (R8). */
  readonly team: OwningTeam;
  readonly description: string;
}

function issue<const Code extends string, const Team extends OwningTeam>(code: Code, team: Team, description: string): ValidationIssueDefinition & { code: Code; team: Team } {
  return { code, class: 'validation-issue', team, description };
}

/** confirmQuote's checks (R2): one code per failed check, each routed to the team that owns the fix. */
export const VALIDATION_ISSUES = {
  QUOTE_NOT_APPROVED: issue('QUOTE_NOT_APPROVED', 'SALES_OPERATIONS', 'The quote is not approved in the CRM.'),
  QUOTE_EXPIRED: issue('QUOTE_EXPIRED', 'SALES_OPERATIONS', 'The quote is past its expiration date.'),
  QUOTE_EMPTY: issue('QUOTE_EMPTY', 'SALES_OPERATIONS', 'The quote has no lines.'),
  ACCOUNT_MISSING: issue('ACCOUNT_MISSING', 'SALES_OPERATIONS', 'The quote is not associated with a company.'),
  CROSS_REFERENCE_MISSING: issue('CROSS_REFERENCE_MISSING', 'ERP_ADMIN', 'The CRM company names no Odoo partner.'),
  CROSS_REFERENCE_BROKEN: issue('CROSS_REFERENCE_BROKEN', 'ERP_ADMIN', 'The Odoo partner the CRM company names does not exist.'),
  CROSS_REFERENCE_MISMATCH: issue('CROSS_REFERENCE_MISMATCH', 'ERP_ADMIN', 'The Odoo partner points at another CRM company.'),
  NO_COMPANY_FOR_CURRENCY: issue('NO_COMPANY_FOR_CURRENCY', 'ERP_ADMIN', 'No Odoo company the caller may write in invoices in the quote currency.'),
  ACCOUNT_NOT_IN_COMPANY: issue('ACCOUNT_NOT_IN_COMPANY', 'ERP_ADMIN', 'The customer is not available in the Odoo company.'),
  CREDIT_HOLD: issue('CREDIT_HOLD', 'FINANCE', 'The customer is on credit hold.'),
  CREDIT_LIMIT_EXCEEDED: issue('CREDIT_LIMIT_EXCEEDED', 'FINANCE', 'The quote would take the customer over its credit limit.'),
  PRODUCT_UNKNOWN: issue('PRODUCT_UNKNOWN', 'SALES_OPERATIONS', 'A line names a product code Odoo does not know.'),
  PRODUCT_INACTIVE: issue('PRODUCT_INACTIVE', 'SALES_OPERATIONS', 'A line names a product archived in Odoo.'),
  PRODUCT_NOT_SALEABLE: issue('PRODUCT_NOT_SALEABLE', 'SALES_OPERATIONS', 'A line names a product that cannot be sold.'),
  PRODUCT_WRONG_COMPANY: issue('PRODUCT_WRONG_COMPANY', 'SALES_OPERATIONS', "A line names a product another company sells."),
  QUANTITY_INVALID: issue('QUANTITY_INVALID', 'SALES_OPERATIONS', 'A line quantity is not positive.'),
  PRICE_BELOW_LIST: issue('PRICE_BELOW_LIST', 'SALES_OPERATIONS', 'A unit price is below the list price (a discount is the way to lower it).'),
  DISCOUNT_OVER_PRICELIST: issue('DISCOUNT_OVER_PRICELIST', 'SALES_OPERATIONS', "A discount exceeds the pricelist's maximum."),
  DISCOUNT_OVER_AUTHORITY: issue('DISCOUNT_OVER_AUTHORITY', 'SALES_OPERATIONS', "A discount exceeds the caller's authority (permissions.ts)."),
  DELIVERY_DATE_TOO_EARLY: issue('DELIVERY_DATE_TOO_EARLY', 'SALES_OPERATIONS', 'The requested delivery date is before the earliest possible one.'),
  PAYMENT_TERMS_MISSING: issue('PAYMENT_TERMS_MISSING', 'FINANCE', 'The customer has no payment terms in the Odoo company.'),
  PAYMENT_TERMS_INVALID: issue('PAYMENT_TERMS_INVALID', 'FINANCE', "The customer's payment terms are archived or unknown."),
  INCOTERM_INVALID: issue('INCOTERM_INVALID', 'SALES_OPERATIONS', 'The incoterm is not configured in Odoo.'),
} as const satisfies Record<string, ValidationIssueDefinition>;

/**
 * Master-data sync conflicts (R5, R8): the customer-master flow stops and routes one of
 * these instead of guessing, so a conflict never becomes a silent duplicate or overwrite.
 */
function syncIssue<const Code extends string, const Team extends OwningTeam>(code: Code, team: Team, description: string) {
  return { code, class: 'master-data-issue' as const, team, description };
}
export const MASTER_DATA_ISSUES = {
  TWIN_CONFLICT: syncIssue('TWIN_CONFLICT', 'SALES_OPERATIONS', 'Two records of one system claim the same record of the other (two CRM companies for one Odoo partner, or the reverse).'),
  TAX_ID_MISMATCH: syncIssue('TAX_ID_MISMATCH', 'SALES_OPERATIONS', "The CRM company's tax id copy and the Odoo partner's VAT differ; the two are not linked."),
  REFERENCE_DANGLING: syncIssue('REFERENCE_DANGLING', 'SALES_OPERATIONS', 'A cross-reference names a record the other system does not have (deleted or merged).'),
} as const;
export type MasterDataIssueCode = keyof typeof MASTER_DATA_ISSUES;

export type IssueCode = keyof typeof VALIDATION_ISSUES;
/** The team a validation issue is routed to, by its code. */
export type TeamOfIssue<C extends IssueCode> = (typeof VALIDATION_ISSUES)[C]['team'];

/** Every registered code with its class: thrown error codes and validation-issue codes. */
export const CODE_CLASSES: ReadonlyMap<string, CodeClass> = new Map<string, CodeClass>([
  ...Object.values(ERRORS).map((d) => [d.code, d.class] as const),
  ...Object.values(VALIDATION_ISSUES).map((d) => [d.code, d.class] as const),
  ...Object.values(MASTER_DATA_ISSUES).map((d) => [d.code, d.class] as const),
]);

/** The registered codes of one class, e.g. the refusals the audit trail records. */
export function codesOfClass(cls: CodeClass): ReadonlySet<string> {
  return new Set([...CODE_CLASSES].filter(([, c]) => c === cls).map(([code]) => code));
}

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
