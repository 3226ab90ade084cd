// JSON-RPC (Odoo 14–19; deprecated in 19, removal planned for 22): POST /jsonrpc
// with `{"jsonrpc":"2.0","method":"call","id":N,"params":{service, method, args}}`.
// Logs in once with common.authenticate(db, login, key, {}) → uid (cached), then
// object.execute_kw(db, uid, key, model, method, args, kwargs). Errors come back
// with HTTP 200 and `error.data = {name, message, arguments, context, debug}`.
import type { Agent } from 'undici';
import { appError } from '../../policy/errors.ts';
import type { OdooConfig } from './config.ts';
import { fromHttpStatus, fromOdooError, isOdooErrorBody, parseRetryAfter, protocolError, type CallSite } from './errors.ts';
import { parseJson, postJson } from './http.ts';
import { USER_AGENT, type OdooTransport, type ServerVersionInfo, type TransportCall } from './transport.ts';

/**
 * Leading parameters passed positionally: odoo.api's create wrapper reads `args[0]`
 * to tell a single dict from a list, and search/write have a required first argument.
 */
const POSITIONAL: Record<string, readonly string[]> = {
  create: ['vals_list'],
  write: ['vals'],
  search: ['domain'],
  search_count: ['domain'],
};

const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

export class JsonRpcTransport implements OdooTransport {
  readonly protocol = 'jsonrpc' as const;
  private uid: Promise<number> | undefined;
  private seq = 0;

  constructor(
    private readonly config: OdooConfig,
    private readonly agent: Agent,
  ) {}

  private async rpc(site: CallSite, service: string, method: string, args: unknown[], requestId?: string, signal?: AbortSignal): Promise<unknown> {
    const id = ++this.seq;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    if (requestId) headers['x-request-id'] = requestId;
    const res = await postJson(
      this.agent,
      `${this.config.url}/jsonrpc`,
      { jsonrpc: '2.0', method: 'call', id, params: { service, method, args } },
      headers,
      site,
      signal,
    );
    const parsed = parseJson(res.text);
    if (res.status !== 200) {
      if (res.status !== 429 && parsed.ok && isObj(parsed.value) && isObj(parsed.value.error) && isOdooErrorBody(parsed.value.error.data)) {
        throw fromOdooError(site, parsed.value.error.data, res.status);
      }
      throw fromHttpStatus(site, res.status, parseRetryAfter(res.headers['retry-after']));
    }
    if (!parsed.ok) throw protocolError(site, 'an answer that is not JSON', res.status);
    const body = parsed.value;
    if (!isObj(body) || body.jsonrpc !== '2.0') throw protocolError(site, 'no JSON-RPC 2.0 envelope', res.status);
    if (body.id !== id) throw protocolError(site, `JSON-RPC id ${JSON.stringify(body.id)} does not match request id ${id}`, res.status);
    if (body.error !== undefined) {
      const err = body.error;
      if (isObj(err) && isOdooErrorBody(err.data)) throw fromOdooError(site, err.data, res.status);
      // An error without Odoo's serialized exception: keep only its numeric code (the text is Odoo's).
      const code = isObj(err) && typeof err.code === 'number' ? err.code : undefined;
      throw appError('BACKEND_ERROR', 'Odoo JSON-RPC error without an exception body', { system: 'odoo', model: site.model, method: site.method, httpStatus: res.status, ...(code !== undefined ? { rpcCode: code } : {}) });
    }
    // Odoo omits `result` when the method returned None.
    return Object.prototype.hasOwnProperty.call(body, 'result') ? body.result : null;
  }

  /** common.version (every Odoo version, no login): `server_version_info` is `[major, minor, …]`. */
  async version(signal?: AbortSignal, requestId?: string): Promise<ServerVersionInfo> {
    const out = await this.rpc({ model: 'common', method: 'version' }, 'common', 'version', [], requestId, signal);
    if (!isObj(out)) throw protocolError({ model: 'common', method: 'version' }, 'common.version did not return an object');
    return { versionInfo: out.server_version_info, version: out.server_version };
  }

  private authenticate(c: TransportCall): Promise<number> {
    if (this.uid) return this.uid;
    const site = { model: c.model, method: 'authenticate' };
    const p = (async () => {
      const result = await this.rpc(site, 'common', 'authenticate', [this.config.db, this.config.login, this.config.apiKey, {}], c.requestId, c.signal);
      if (result === false) {
        throw appError('BACKEND_AUTH_FAILED', `Odoo refused the configured credentials (login ${JSON.stringify(this.config.login)} on database ${JSON.stringify(this.config.db)})`, {
          system: 'odoo',
          backendName: 'authenticate',
          model: c.model,
          method: 'authenticate',
          httpStatus: 200,
        });
      }
      if (typeof result !== 'number' || !Number.isInteger(result)) throw protocolError(site, `authenticate returned ${JSON.stringify(result)}`);
      return result;
    })();
    this.uid = p;
    p.catch(() => {
      if (this.uid === p) this.uid = undefined;
    });
    return p;
  }

  async call(c: TransportCall): Promise<unknown> {
    const uid = await this.authenticate(c);
    const kwargs: Record<string, unknown> = { ...c.params };
    const args: unknown[] = c.ids !== undefined ? [c.ids] : [];
    for (const name of POSITIONAL[c.method] ?? []) {
      if (!Object.prototype.hasOwnProperty.call(kwargs, name)) break;
      args.push(kwargs[name]);
      delete kwargs[name];
    }
    if (c.context && Object.keys(c.context).length) kwargs.context = c.context;
    const site = { model: c.model, method: c.method };
    try {
      return await this.rpc(site, 'object', 'execute_kw', [this.config.db, uid, this.config.apiKey, c.model, c.method, args, kwargs], c.requestId, c.signal);
    } catch (e) {
      // A key revoked since login: forget the uid so the next call authenticates again.
      if ((e as { key?: string }).key === 'BACKEND_AUTH_FAILED') this.uid = undefined;
      throw e;
    }
  }
}
