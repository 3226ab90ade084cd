// JSON-2 (Odoo 19+): POST /json/2/<model>/<method>, `Authorization: bearer <key>`,
// optional `X-Odoo-Database`; the body is the named arguments plus `ids` and
// `context`. 200 carries the bare return value; errors are 4xx/5xx with Odoo's
// serialized exception `{name, message, arguments, context, debug}`.
import type { Agent } from 'undici';
import type { OdooConfig } from './config.ts';
import { fromHttpStatus, fromOdooError, isOdooErrorBody, parseRetryAfter, protocolError } from './errors.ts';
import { parseJson, postJson } from './http.ts';
import { USER_AGENT, type OdooTransport, type TransportCall } from './transport.ts';

export class Json2Transport implements OdooTransport {
  readonly protocol = 'json2' as const;

  constructor(
    private readonly config: OdooConfig,
    private readonly agent: Agent,
  ) {}

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
