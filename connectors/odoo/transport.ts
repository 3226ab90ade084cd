// What a transport does: one attempt of one ORM call, named parameters in, the
// JSON return value out, failures as AppError (already classified). Retries,
// concurrency and result validation live in the client, above both transports.

/** The Odoo context sent with a call (§6): companies, archived records, language, time zone. */
export interface OdooContext {
  allowed_company_ids?: number[];
  active_test?: boolean;
  lang?: string;
  tz?: string;
  warehouse_id?: number;
  [k: string]: unknown;
}

export interface TransportCall {
  model: string;
  method: string;
  /** Record ids for recordset methods (read, write, action_*); absent for @api.model methods. */
  ids?: number[];
  /** Named method parameters (domain, fields, limit, vals, vals_list, …). */
  params: Record<string, unknown>;
  context?: OdooContext;
  requestId?: string;
  signal?: AbortSignal;
}

/** What the server says about its version: `server_version_info`-style list and the display string. */
export interface ServerVersionInfo {
  versionInfo: unknown;
  version: unknown;
}

export interface OdooTransport {
  readonly protocol: 'json2' | 'jsonrpc';
  call(call: TransportCall): Promise<unknown>;
  /** One attempt at the server's version (no credentials needed on either transport). */
  version(signal?: AbortSignal, requestId?: string): Promise<ServerVersionInfo>;
}

export const USER_AGENT = 'odoo-crm-supergraph/0.1 (+odoo connector)';
