// Fault switches for the Odoo sandbox. Rules are evaluated in the order they were
// added; each may be scoped to a transport, a model and/or a method, and may fire a
// limited number of `times` (omitted: every matching request until cleared).
//
// kinds:
//   latency     add `ms` before answering (cumulative with other latency rules). The call
//               still runs after the wait even when the client has given up meanwhile —
//               as in Odoo, whose transaction commits whether or not anyone is listening —
//               so a slow `create` lands late, invisible to lookups until then.
//   status      answer HTTP `status` (e.g. 502/503/504/500) with a proxy-like text body
//   rate_limit  answer 429 with `Retry-After: <retryAfter seconds>`
//   hang        never answer (the client's timeout fires)
//   down        destroy the connection immediately (connection reset)
//   garbage     answer 200 with a non-JSON (HTML) body
//   odoo_error  answer with a genuine Odoo error of class `error` (LockError, AccessError, …)
//   malformed   corrupt records of a read answer (`shape`, optionally on `field`, first record only unless `all`)

export type Transport = 'json2' | 'jsonrpc';
export type MalformedShape = 'many2one_string' | 'bad_date' | 'missing_field' | 'wrong_type';
export type InjectableOdooError =
  | 'AccessError'
  | 'AccessDenied'
  | 'MissingError'
  | 'UserError'
  | 'ValidationError'
  | 'LockError'
  | 'SerializationFailure';

export interface FaultScope {
  transport?: Transport;
  model?: string;
  method?: string;
  /** Fire at most this many times (default: unlimited). */
  times?: number;
}

export type FaultRule = FaultScope &
  (
    | { kind: 'latency'; ms: number }
    | { kind: 'status'; status: number; body?: string }
    | { kind: 'rate_limit'; retryAfter?: number }
    | { kind: 'hang' }
    | { kind: 'down' }
    | { kind: 'garbage' }
    | { kind: 'odoo_error'; error: InjectableOdooError; message?: string }
    | { kind: 'malformed'; shape: MalformedShape; field?: string; all?: boolean }
  );

export type ActiveFault = FaultRule & { id: number; fired: number };

export interface FaultMatch {
  latencyMs: number;
  terminal?: ActiveFault;
  malformed: ActiveFault[];
}

const KINDS = new Set(['latency', 'status', 'rate_limit', 'hang', 'down', 'garbage', 'odoo_error', 'malformed']);

export class FaultController {
  private rules: ActiveFault[] = [];
  private seq = 0;

  /** Add a rule; returns its id. Throws on an invalid rule. */
  add(rule: FaultRule): number {
    validateRule(rule);
    const id = ++this.seq;
    this.rules.push({ ...rule, id, fired: 0 } as ActiveFault);
    return id;
  }
  remove(id: number): boolean {
    const n = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== n;
  }
  clear(): void {
    this.rules = [];
  }
  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  // conveniences
  latency(ms: number, scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'latency', ms });
  }
  failWith(status: number, scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'status', status });
  }
  rateLimit(retryAfter = 1, scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'rate_limit', retryAfter });
  }
  hang(scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'hang' });
  }
  down(scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'down' });
  }
  garbage(scope: FaultScope = {}): number {
    return this.add({ ...scope, kind: 'garbage' });
  }
  odooError(error: InjectableOdooError, scope: FaultScope & { message?: string } = {}): number {
    return this.add({ ...scope, kind: 'odoo_error', error });
  }
  malformed(model: string, shape: MalformedShape, opts: Omit<FaultScope, 'model'> & { field?: string; all?: boolean } = {}): number {
    return this.add({ ...opts, model, kind: 'malformed', shape });
  }

  /** Consume the rules matching a request. `isRead` enables malformed rules. */
  match(req: { transport?: Transport; model?: string; method?: string; isRead: boolean }): FaultMatch {
    const out: FaultMatch = { latencyMs: 0, malformed: [] };
    for (const r of this.rules) {
      if (r.times !== undefined && r.fired >= r.times) continue;
      if (r.transport && r.transport !== req.transport) continue;
      if (r.model && r.model !== req.model) continue;
      if (r.method && r.method !== req.method) continue;
      if (r.kind === 'latency') {
        out.latencyMs += r.ms;
        r.fired++;
      } else if (r.kind === 'malformed') {
        if (!req.isRead) continue;
        out.malformed.push(r);
        r.fired++;
      } else if (!out.terminal) {
        out.terminal = r;
        r.fired++;
      }
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.fired < r.times);
    return out;
  }
}

function validateRule(rule: FaultRule): void {
  if (!rule || typeof rule !== 'object' || !KINDS.has((rule as { kind: string }).kind)) {
    throw new Error(`invalid fault rule ${JSON.stringify(rule)}: kind must be one of ${[...KINDS].join(', ')}`);
  }
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) throw new Error('times must be a positive integer');
  if (rule.kind === 'latency' && !(typeof rule.ms === 'number' && rule.ms >= 0)) throw new Error('latency needs ms >= 0');
  if (rule.kind === 'status' && !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)) throw new Error('status needs a 4xx/5xx status');
  if (rule.kind === 'malformed' && !['many2one_string', 'bad_date', 'missing_field', 'wrong_type'].includes(rule.shape)) {
    throw new Error('malformed needs shape many2one_string | bad_date | missing_field | wrong_type');
  }
}
