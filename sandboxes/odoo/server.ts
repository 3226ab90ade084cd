// The Odoo sandbox HTTP server: the external API of Odoo 16, 17, 18 or 19 (versions.ts) on loopback.
//   POST /json/2/<model>/<method>          JSON-2, Odoo 19 only (Authorization: bearer <key>, X-Odoo-Database)
//   POST /jsonrpc                           JSON-RPC 2.0: common.{version,authenticate,login}, object.{execute_kw,execute}
//   GET|POST /web/version                   version info (Odoo 19 only)
// Admin (loopback test hooks, never faulted, never logged):
//   GET|POST|DELETE /__sandbox/faults[/<id>]   fault rules (see faults.ts)
//   GET|DELETE      /__sandbox/requests        the ORM request log (?model=&method=&transport=)
//   GET             /__sandbox/health
import { closeServer, listen } from '../../core/http.ts';
import http from 'node:http';
import { ODOO_MODELS, type OdooFieldSpec, type OdooModelSpec } from '../../connectors/odoo/mapping/models.ts';
import type { OdooDataset } from './types.ts';
import { OdooServerError, odooErrors, serializeOdooError } from './errors.ts';
import { FaultController, type ActiveFault, type FaultRule, type Transport } from './faults.ts';
import { RequestLog, type RequestLogEntry } from './log.ts';
import { bindArgs, getPublicMethod, METHODS, modelExists, runMethod } from './methods.ts';
import { OdooStore } from './store.ts';
import { JSON2_SINCE, type OdooVersion } from '../../connectors/odoo/versions.ts';
import { parseSandboxVersion, rpcErrorCode, sandboxVersionFromEnv, serverVersionString, VersionedWire } from './versions.ts';

export interface OdooSandboxOptions {
  dataset: OdooDataset;
  /**
   * The Odoo major version imitated (16, 17, 18 or 19; '17.0' is read as 17). Default:
   * ODOO_SANDBOX_VERSION, else 18 (versions.ts). Field names, states, error shapes and
   * the transports offered follow it; JSON-2 only exists from 19.
   */
  version?: string | number;
  /** Clock for create_date/write_date/date_order (default: real time). */
  now?: () => Date;
}

export interface OdooSandbox {
  readonly server: http.Server;
  /** Start listening (default port 0 = any, host 127.0.0.1); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Destroy open connections (hung ones included) and stop listening. */
  close(): Promise<void>;
  /** Base URL once listening. */
  readonly url: string | undefined;
  readonly log: RequestLog;
  readonly faults: FaultController;
  readonly store: OdooStore;
  /** The Odoo major version imitated. */
  readonly version: OdooVersion;
}

type Json = unknown;
const MODELS = ODOO_MODELS as unknown as Record<string, OdooModelSpec>;
const READ_METHODS = new Set(['search_read', 'read']);

/** An ORM call as the request log records it (the log adds transport, request id and fault). */
type ParsedCall = Pick<RequestLogEntry, 'model' | 'method' | 'ids' | 'domain' | 'fields' | 'context' | 'params'>;

function sendJson(res: http.ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Server: 'Werkzeug/3.0.1 Python/3.12.3', ...headers });
  res.end(text);
}
function sendText(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** odoo/service/common.py exp_version (RPC_VERSION_1). */
function versionInfo(major: OdooVersion) {
  return {
    server_version: serverVersionString(major),
    server_version_info: [major, 0, 0, 'final', 0, ''],
    server_serie: `${major}.0`,
    protocol_version: 1,
  };
}

function internalError(e: unknown): OdooServerError {
  if (e instanceof OdooServerError) return e;
  const err = e as Error;
  return new OdooServerError(`builtins.${err?.name === 'TypeError' ? 'TypeError' : 'RuntimeError'}`, String(err?.message ?? e), 500);
}

/** Corrupt rendered records for the `malformed` fault. */
function corrupt(model: string, records: Array<Record<string, unknown>>, rule: Extract<ActiveFault, { kind: 'malformed' }>): void {
  const spec = MODELS[model];
  const targets = rule.all ? records : records.slice(0, 1);
  const pick = (rec: Record<string, unknown>, pred: (f: OdooFieldSpec, name: string) => boolean): string | undefined => {
    if (rule.field) return rule.field;
    return Object.keys(rec).find((k) => k !== 'id' && spec?.fields[k] && pred(spec.fields[k]!, k));
  };
  for (const rec of targets) {
    switch (rule.shape) {
      case 'many2one_string': {
        const f = pick(rec, (s) => s.type === 'many2one');
        if (f) rec[f] = Array.isArray(rec[f]) ? String((rec[f] as unknown[])[1]) : 'Unknown';
        break;
      }
      case 'bad_date': {
        const f = pick(rec, (s) => s.type === 'date' || s.type === 'datetime');
        if (f) rec[f] = '31/02/2026 25:61';
        break;
      }
      case 'missing_field': {
        const f = pick(rec, () => true) ?? 'id';
        delete rec[f];
        break;
      }
      case 'wrong_type': {
        const f = pick(rec, (s) => ['integer', 'float', 'monetary'].includes(s.type)) ?? pick(rec, () => true);
        if (f) rec[f] = { unexpected: true };
        break;
      }
    }
  }
}

export function createOdooSandbox(opts: OdooSandboxOptions): OdooSandbox {
  const major: OdooVersion = opts.version !== undefined ? parseSandboxVersion(opts.version) : sandboxVersionFromEnv();
  const version = serverVersionString(major);
  const store = new OdooStore(opts.dataset, { now: opts.now });
  const wire = new VersionedWire(major, (model, id) => store.peek(model, id));
  const log = new RequestLog();
  const faults = new FaultController();
  let baseUrl: string | undefined;

  // ------------------------------------------------------------ request parsing (for log + fault scope)

  function parseJson2Call(pathname: string, body: unknown): ParsedCall | undefined {
    const m = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
    if (!m) return undefined;
    const call: ParsedCall = { model: decodeURIComponent(m[1]!), method: decodeURIComponent(m[2]!) };
    if (isObj(body)) {
      const { ids, context, ...rest } = body;
      if (Array.isArray(ids)) call.ids = ids as number[];
      if (isObj(context)) call.context = context;
      if (Array.isArray(rest.domain)) call.domain = rest.domain;
      if (Array.isArray(rest.fields)) call.fields = rest.fields as string[];
      const { domain: _d, fields: _f, ...params } = rest;
      if (Object.keys(params).length) call.params = params;
    }
    return call;
  }

  function parseRpcCall(body: unknown): ParsedCall | undefined {
    if (!isObj(body) || !isObj(body.params)) return undefined;
    const { service, method, args } = body.params;
    if (service !== 'object' || !Array.isArray(args) || (method !== 'execute_kw' && method !== 'execute')) return undefined;
    const model = args[3];
    const meth = args[4];
    if (typeof model !== 'string' || typeof meth !== 'string') return undefined;
    const positional = method === 'execute_kw' ? (Array.isArray(args[5]) ? [...args[5]] : []) : args.slice(5);
    const kwargs = method === 'execute_kw' && isObj(args[6]) ? { ...args[6] } : {};
    const call: ParsedCall = { model, method: meth };
    if (isObj(kwargs.context)) call.context = kwargs.context;
    delete kwargs.context;
    const spec = Object.prototype.hasOwnProperty.call(METHODS, meth) ? METHODS[meth] : undefined;
    if (spec?.api === 'records' && positional.length) {
      const ids = positional.shift();
      call.ids = (Array.isArray(ids) ? ids : [ids]) as number[];
    }
    let named: Record<string, unknown> = kwargs;
    if (spec) {
      try {
        named = bindArgs(meth, spec, positional, kwargs);
      } catch {
        named = kwargs;
      }
    }
    const { domain, fields, ...params } = named;
    if (Array.isArray(domain)) call.domain = domain;
    if (Array.isArray(fields)) call.fields = fields as string[];
    if (Object.keys(params).length) call.params = params;
    return call;
  }

  // ------------------------------------------------------------ JSON-2

  function json2Error(res: http.ServerResponse, e: unknown): void {
    let err = internalError(e);
    if (err.odooName === 'builtins.TypeError' && err.httpStatus === 422) err = odooErrors.http('UnprocessableEntity', 422, err.message);
    if (err.odooName === 'builtins.AttributeError') err = odooErrors.http('NotFound', 404, err.message);
    sendJson(res, err.httpStatus, serializeOdooError(err), err.headers);
  }

  function handleJson2(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, bodyText: string, malformed: ActiveFault[]): void {
    if (!(major >= JSON2_SINCE)) return sendText(res, 404, '<!doctype html><title>404 Not Found</title><h1>Not Found</h1>');
    const m = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
    if (!m) return json2Error(res, odooErrors.http('NotFound', 404, 'Did you mean POST /json/2/<model>/<method>?'));
    if (req.method !== 'POST') return json2Error(res, odooErrors.http('MethodNotAllowed', 405, 'The method is not allowed for the requested URL.', { Allow: 'POST' }));
    const model = decodeURIComponent(m[1]!);
    const method = decodeURIComponent(m[2]!);
    try {
      const dbHeader = req.headers['x-odoo-database'];
      if (typeof dbHeader === 'string' && dbHeader && dbHeader !== store.database) {
        throw odooErrors.http('NotFound', 404, `database ${JSON.stringify(dbHeader)} not found`);
      }
      const auth = req.headers.authorization;
      const token = auth ? /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() : undefined;
      if (!token) {
        throw odooErrors.http('Unauthorized', 401, 'User not authenticated, use the "Authorization" header', { 'WWW-Authenticate': 'Bearer' });
      }
      const user = store.userByKey(token);
      if (!user) throw odooErrors.http('Unauthorized', 401, 'Invalid apikey', { 'WWW-Authenticate': 'Bearer' });
      let body: Record<string, unknown> = {};
      if (bodyText.length) {
        const parsed = tryJson(bodyText);
        if (!parsed.ok) throw odooErrors.http('BadRequest', 400, `could not parse the body as json: ${parsed.error}`);
        if (isObj(parsed.value)) body = parsed.value;
      }
      const { ids, context, ...kwargs } = body;
      if (!modelExists(model)) throw odooErrors.http('NotFound', 404, `the model '${model}' does not exist`);
      const spec = getPublicMethod(model, method);
      const idList = ids === undefined || ids === null ? [] : ids;
      if (spec.api === 'model' && Array.isArray(idList) && idList.length) {
        throw odooErrors.http('UnprocessableEntity', 422, `cannot call ${model}.${method} with ids`);
      }
      const params = wire.params(model, method, bindArgs(method, spec, [], kwargs));
      const env = store.makeEnv(user, wire.context(context));
      const result = wire.result(model, method, runMethod(store, env, model, method, idList, params));
      if (READ_METHODS.has(method) && Array.isArray(result)) for (const r of malformed) corrupt(model, result as Array<Record<string, unknown>>, r as Extract<ActiveFault, { kind: 'malformed' }>);
      sendJson(res, 200, result);
    } catch (e) {
      json2Error(res, e);
    }
  }

  // ------------------------------------------------------------ JSON-RPC

  function rpcError(res: http.ServerResponse, id: unknown, e: unknown): void {
    const err = internalError(e);
    const notFound = err.odooName === 'werkzeug.exceptions.NotFound';
    sendJson(res, 200, {
      jsonrpc: '2.0',
      id: id ?? null,
      error: { code: notFound ? 404 : rpcErrorCode(major), message: notFound ? '404: Not Found' : 'Odoo Server Error', data: serializeOdooError(err) },
    });
  }

  function handleJsonRpc(req: http.IncomingMessage, res: http.ServerResponse, bodyText: string, malformed: ActiveFault[]): void {
    if (req.method !== 'POST') return sendText(res, 405, '<!doctype html><title>405 Method Not Allowed</title>', { Allow: 'POST' });
    const parsed = tryJson(bodyText);
    if (!parsed.ok) return rpcError(res, null, odooErrors.http('BadRequest', 400, `Invalid JSON data: ${parsed.error}`));
    const body = parsed.value;
    const id = isObj(body) ? body.id : null;
    try {
      if (!isObj(body) || !isObj(body.params)) throw odooErrors.http('BadRequest', 400, 'Invalid JSON-RPC data');
      const { service, method, args: rawArgs } = body.params;
      const args = Array.isArray(rawArgs) ? rawArgs : [];
      let result: unknown;
      if (service === 'common') {
        if (method === 'version') result = versionInfo(major);
        else if (method === 'authenticate' || method === 'login') result = store.authenticate(args[0], args[1], args[2]);
        else if (method === 'about') result = 'See http://openerp.com';
        else throw odooErrors.value(`Unknown method ${String(method)} on service common`);
      } else if (service === 'db') {
        if (method === 'list') result = [store.database];
        else if (method === 'server_version') result = version;
        else throw odooErrors.access('Access Denied');
      } else if (service === 'object') {
        if (method !== 'execute_kw' && method !== 'execute') throw odooErrors.value(`Unknown method ${String(method)} on service object`);
        const [db, uid, password, model, meth] = args;
        if (db !== store.database) throw new OdooServerError('psycopg2.OperationalError', `connection to server failed: FATAL:  database "${String(db)}" does not exist`, 500);
        const user = store.users.find((u) => u.uid === uid && u.apiKey === password);
        if (!user) throw odooErrors.accessDenied();
        if (typeof model !== 'string' || !modelExists(model)) throw odooErrors.user(`Object ${String(model)} doesn't exist`);
        if (typeof meth !== 'string') throw odooErrors.type('execute_kw() method must be a string');
        const spec = getPublicMethod(model, meth);
        const positional = method === 'execute_kw' ? (Array.isArray(args[5]) ? [...args[5]] : []) : args.slice(5);
        const kwargs = method === 'execute_kw' && isObj(args[6]) ? { ...args[6] } : {};
        const context = kwargs.context;
        delete kwargs.context;
        let ids: unknown = [];
        if (spec.api === 'records') {
          if (!positional.length) throw new OdooServerError('builtins.IndexError', 'list index out of range', 500);
          ids = positional.shift();
        }
        const params = wire.params(model, meth, bindArgs(meth, spec, positional, kwargs));
        const env = store.makeEnv(user, wire.context(context));
        result = wire.result(model, meth, runMethod(store, env, model, meth, ids, params));
        // odoo.models._call_kw_model_create: a single dict gives an id, a list gives ids
        if (meth === 'create' && Array.isArray(result) && isObj(params.vals_list)) result = result[0];
        if (READ_METHODS.has(meth) && Array.isArray(result)) for (const r of malformed) corrupt(model, result as Array<Record<string, unknown>>, r as Extract<ActiveFault, { kind: 'malformed' }>);
      } else {
        throw new OdooServerError('builtins.KeyError', `'${String(service)}'`, 500);
      }
      const response: Record<string, unknown> = { jsonrpc: '2.0', id };
      if (result !== null && result !== undefined) response.result = result;
      sendJson(res, 200, response);
    } catch (e) {
      rpcError(res, id, e);
    }
  }

  // ------------------------------------------------------------ admin

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/__sandbox/health') return sendJson(res, 200, { ok: true, database: store.database, version });
    if (path === '/__sandbox/requests') {
      if (req.method === 'DELETE') {
        log.clear();
        return sendJson(res, 200, { cleared: true });
      }
      const filter = {
        model: url.searchParams.get('model') ?? undefined,
        method: url.searchParams.get('method') ?? undefined,
        transport: (url.searchParams.get('transport') ?? undefined) as Transport | undefined,
      };
      return sendJson(res, 200, { requests: log.entries(filter) });
    }
    const fm = /^\/__sandbox\/faults(?:\/(\d+))?$/.exec(path);
    if (fm) {
      if (req.method === 'GET') return sendJson(res, 200, { faults: faults.list() });
      if (req.method === 'DELETE') {
        if (fm[1]) return sendJson(res, faults.remove(Number(fm[1])) ? 200 : 404, { removed: Number(fm[1]) });
        faults.clear();
        return sendJson(res, 200, { cleared: true });
      }
      if (req.method === 'POST' || req.method === 'PUT') {
        const parsed = tryJson(await readBody(req));
        if (!parsed.ok) return sendJson(res, 400, { error: `invalid JSON: ${parsed.error}` });
        const v = parsed.value;
        const rules = (Array.isArray(v) ? v : isObj(v) && Array.isArray(v.rules) ? v.rules : [v]) as FaultRule[];
        try {
          if (req.method === 'PUT') faults.clear();
          return sendJson(res, 201, { ids: rules.map((r) => faults.add(r)) });
        } catch (e) {
          return sendJson(res, 400, { error: (e as Error).message });
        }
      }
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    return sendJson(res, 404, { error: 'unknown admin endpoint' });
  }

  // ------------------------------------------------------------ main handler

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__sandbox/')) return handleAdmin(req, res, url);
    const bodyText = await readBody(req);
    const transport: Transport | undefined = url.pathname.startsWith('/json/2') ? 'json2' : url.pathname === '/jsonrpc' ? 'jsonrpc' : undefined;
    let call: ParsedCall | undefined;
    if (transport) {
      const parsed = tryJson(bodyText);
      const body = parsed.ok ? parsed.value : undefined;
      call = transport === 'json2' ? parseJson2Call(url.pathname, body) : parseRpcCall(body);
    }
    const requestIdHeader = req.headers['x-request-id'];
    const requestId = typeof requestIdHeader === 'string' ? requestIdHeader : undefined;
    let entry: RequestLogEntry | undefined;
    if (call && transport) entry = log.record({ transport, ...call, ...(requestId ? { requestId } : {}) });

    const match = faults.match({ transport, model: call?.model, method: call?.method, isRead: Boolean(call && READ_METHODS.has(call.method)) });
    if (match.latencyMs > 0) await sleep(match.latencyMs);
    const f = match.terminal;
    if (f) {
      if (entry) entry.fault = f.kind; // record() hands back the stored entry
      switch (f.kind) {
        case 'down':
          req.socket.destroy();
          return;
        case 'hang':
          await new Promise<void>((resolve) => res.on('close', () => resolve()));
          return;
        case 'status':
          return sendText(res, f.status, f.body ?? `<html><head><title>${f.status}</title></head><body><center><h1>${f.status} ${http.STATUS_CODES[f.status] ?? ''}</h1></center><hr><center>nginx</center></body></html>`);
        case 'rate_limit':
          return sendText(res, 429, '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>', {
            'Retry-After': String(f.retryAfter ?? 1),
          });
        case 'garbage':
          return sendText(res, 200, '<!DOCTYPE html><html><body>Odoo is under maintenance</body></html>');
        case 'odoo_error': {
          const msg = f.message ?? `injected ${f.error}`;
          const err =
            f.error === 'AccessError' ? odooErrors.access(msg)
            : f.error === 'AccessDenied' ? odooErrors.accessDenied(msg)
            : f.error === 'MissingError' ? odooErrors.missing(msg)
            : f.error === 'UserError' ? odooErrors.user(msg)
            : f.error === 'ValidationError' ? odooErrors.validation(msg)
            : f.error === 'LockError' ? odooErrors.lock(msg)
            : odooErrors.serialization();
          if (transport === 'jsonrpc') {
            const parsed = tryJson(bodyText);
            return rpcError(res, parsed.ok && isObj(parsed.value) ? parsed.value.id : null, err);
          }
          return json2Error(res, err);
        }
        default:
          break;
      }
    }
    if (transport === 'json2') return handleJson2(req, res, url.pathname, bodyText, match.malformed);
    if (transport === 'jsonrpc') return handleJsonRpc(req, res, bodyText, match.malformed);
    // rpc/controllers/__init__.py: a 19 route; older servers answer their 404 page.
    if ((url.pathname === '/web/version' || url.pathname === '/json/version') && major >= JSON2_SINCE) {
      const v = versionInfo(major);
      return sendJson(res, 200, { version_info: v.server_version_info, version: v.server_version });
    }
    return sendText(res, 404, '<!doctype html><title>404 Not Found</title><h1>Not Found</h1>');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, serializeOdooError(internalError(e)));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  return {
    server,
    get url() {
      return baseUrl;
    },
    log,
    faults,
    store,
    version: major,
    async listen(port = 0, host = '127.0.0.1') {
      baseUrl = await listen(server, port, host);
      return baseUrl;
    },
    close() {
      return server.listening ? closeServer(server) : Promise.resolve();
    },
  };
}
