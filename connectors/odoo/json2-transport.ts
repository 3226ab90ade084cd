// JSON-2 (Odoo 19+): POST /json/2/<model>/<method>, `Authorization: bearer <key>`,
// optional `X-Odoo-Database`; the body is the named arguments plus `ids` and
// `context`. 200 carries the bare return value; errors are 4xx/5xx with Odoo's
// serialized exception `{name, message, arguments, context, debug}`.
import type { Agent } from 'undici';
import { appError } from '../../policy/errors.ts';
import type { OdooConfig } from './config.ts';
import { fromHttpStatus, fromOdooError, isOdooErrorBody, parseRetryAfter, protocolError } from './errors.ts';
import { getJson, parseJson, postJson } from './http.ts';
import { USER_AGENT, type OdooTransport, type ServerVersionInfo, type TransportCall } from './transport.ts';

export class Json2Transport implements OdooTransport {
  readonly protocol = 'json2' as const;

  constructor(
    private readonly config: OdooConfig,
    private readonly agent: Agent,
  ) {}

  /**
   * GET /web/version (Odoo 19's rpc controller, auth none): `{version_info, version}`.
   * Servers before 19 have no such route and no JSON-2 either: a 404 means
   * ODOO_PROTOCOL=json2 points at an older Odoo.
   */
  async version(signal?: AbortSignal, requestId?: string): Promise<ServerVersionInfo> {
    const site = { model: 'common', method: 'version' };
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    if (requestId) headers['x-request-id'] = requestId;
    const res = await getJson(this.agent, `${this.config.url}/web/version`, headers, site, signal);
    if (res.status === 404) {
      throw appError('BACKEND_VERSION_UNSUPPORTED', 'Odoo has no JSON-2 API here (it needs Odoo 19 or later): set ODOO_PROTOCOL=jsonrpc for Odoo 16–18', { system: 'odoo', ...site, httpStatus: 404 });
    }
    if (res.status !== 200) throw fromHttpStatus(site, res.status, parseRetryAfter(res.headers['retry-after']));
    const parsed = parseJson(res.text);
    if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') throw protocolError(site, '/web/version did not answer a JSON object', res.status);
    const body = parsed.value as Record<string, unknown>;
    return { versionInfo: body.version_info, version: body.version };
  }

  async call(c: TransportCall): Promise<unknown> {
    const site = { model: c.model, method: c.method };
    const url = `${this.config.url}/json/2/${encodeURIComponent(c.model)}/${encodeURIComponent(c.method)}`;
    const body: Record<string, unknown> = { ...c.params };
    if (c.ids !== undefined) body.ids = c.ids;
    if (c.context && Object.keys(c.context).length) body.context = c.context;
    const headers: Record<string, string> = { authorization: `bearer ${this.config.apiKey}`, 'user-agent': USER_AGENT };
    if (this.config.db) headers['x-odoo-database'] = this.config.db;
    if (c.requestId) headers['x-request-id'] = c.requestId;

    const res = await postJson(this.agent, url, body, headers, site, c.signal);
    const parsed = parseJson(res.text);
    if (res.status >= 200 && res.status < 300) {
      if (!parsed.ok) throw protocolError(site, 'a success answer that is not JSON', res.status);
      return parsed.value;
    }
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    if (res.status === 429) throw fromHttpStatus(site, 429, retryAfterMs);
    if (parsed.ok && isOdooErrorBody(parsed.value)) throw fromOdooError(site, parsed.value, res.status);
    throw fromHttpStatus(site, res.status, retryAfterMs);
  }
}
