// One logger for every component. Secrets and personal data never reach a log
// line (R6): credentials, tokens and contact details are redacted by path, and
// code logs ids and counts, not payloads. Every line written while a request is
// handled carries its request id and trace id (the mixin reads them from the
// request's async context), so one grep follows a request across components.
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { activeTraceId } from './tracing.ts';

const REDACT = [
  'authorization', 'headers.authorization', 'req.headers.authorization', '*.authorization',
  'apiKey', '*.apiKey', 'token', '*.token', 'accessToken', '*.accessToken', 'password', '*.password',
  'email', '*.email', 'phone', '*.phone', 'vat', '*.vat',
];

/**
 * A GraphQL error message as a log line may hold it: its shape kept, the caller's values
 * out. graphql-js quotes what the caller sent in its messages — a variable's whole value
 * (`Variable "$in" got invalid value { phone: "+49…", taxId: "DE…" }; …`), an inline
 * literal (`found "…"`, `value: "…"`), a string token of a query that does not parse
 * (`Unexpected string "…"`) — and the caller may put personal data there on purpose
 * or by mistake. The caller still gets the full message (it is their own input); the log
 * gets `[redacted]` for every value. Quoted schema names (`"$in"`, `"AccountUpdateInput"`,
 * `"in.phone"`) stay: they say which field was wrong.
 */
export function redactCallerValues(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const lead = VALUE_LEADS.find((l) => message.startsWith(l, i));
    if (lead) {
      out += `${lead}[redacted]`;
      i = skipInspectedValue(message, i + lead.length);
      continue;
    }
    if (message[i] === '"') {
      const end = closingQuote(message, i);
      const content = message.slice(i + 1, end);
      const before = message.slice(Math.max(0, i - 16), i);
      const valuePosition = /(?:found |value: |value |string |String |Unexpected )$/.test(before);
      out += !valuePosition && (SCHEMA_NAME.test(content) || TYPE_REFERENCE.test(content)) ? `"${content}"` : '"[redacted]"';
      i = end + 1;
      continue;
    }
    out += message[i];
    i++;
  }
  return out;
}

/** A GraphQL name, a variable, or a dotted path of names: what a message quotes from the schema or the operation. */
const SCHEMA_NAME = /^\$?[_A-Za-z][_0-9A-Za-z]*(?:\.[_0-9A-Za-z]+)*$/;
/** A type as graphql-js prints it: `Int!`, `[String!]!`. */
const TYPE_REFERENCE = /^\[*[_A-Za-z][_0-9A-Za-z]*!?(?:\]!?)*$/;
/** Where graphql-js writes a value the caller sent, unquoted when it is not a string. */
const VALUE_LEADS = ['got invalid value ', 'non string value: ', 'non-integer value: ', 'non numeric value: ', 'non boolean value: ', 'non-enum value: ', 'value: '];

/** Index of the quote closing the string that opens at `start` (JSON escapes honoured), or the end. */
function closingQuote(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return s.length;
}

/**
 * Where a value printed by graphql-js's inspect (`{ a: "x" }`, `[1, 2]`, `"x"`, `12`,
 * `true`, `null`) that starts at `start` ends: balanced brackets outside strings, or a
 * scalar up to the `;` or ` at "` graphql-js writes after it.
 */
function skipInspectedValue(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      i = closingQuote(s, i);
      if (depth === 0) return i + 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth <= 0) return i + 1;
    } else if (depth === 0 && (c === ';' || c === ',' || s.startsWith(' at "', i) || (c === '.' && (i + 1 === s.length || s[i + 1] === ' ')))) return i;
  }
  return s.length;
}

/** What a component knows about the request being handled (filled in as it goes). */
export interface RequestRecord {
  requestId: string;
  operationName?: string | null;
  /** The caller's roles (comma-separated): never the token or the person. */
  role?: string;
  outcome?: 'ok' | 'partial' | 'error';
  /** Registered error codes of the response, for the request's log line. */
  codes?: string[];
}

/**
 * Where the request being handled rides: on the OpenTelemetry context, which the
 * context manager initTracing registers carries across awaits (the servers of
 * core/http.ts call initTracing before handling anything). Not an AsyncLocalStorage
 * of its own: on Node 20 every promise pays for each one in the process (about 70 ns
 * per promise for a second one), and a request makes hundreds of promises.
 */
const REQUEST_RECORD = createContextKey('odoo-crm-supergraph request record');

/** Runs `fn` as the handling of one request (in `base`, by default the active context): log lines written inside carry its id. */
export function withRequest<T>(record: RequestRecord, fn: () => T, base: Context = context.active()): T {
  return context.with(base.setValue(REQUEST_RECORD, record), fn);
}

/** The request being handled, if any. */
export function currentRequest(): RequestRecord | undefined {
  return context.active().getValue(REQUEST_RECORD) as RequestRecord | undefined;
}

function correlation(): Record<string, string> {
  const requestId = currentRequest()?.requestId;
  const traceId = activeTraceId();
  return { ...(requestId ? { requestId } : {}), ...(traceId ? { traceId } : {}) };
}

/** LOG_LEVEL filters (trace, debug, info, warn, error, fatal, silent); tests are silent unless it is set. */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'), destination?: DestinationStream): Logger {
  const options = { name: component, level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: correlation };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
