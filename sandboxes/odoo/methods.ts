// The public model methods the sandbox serves, with the Python signatures of
// Odoo 17–19 (parameter names and order), so both transports bind arguments the
// way Odoo does: JSON-2 by name only, JSON-RPC execute_kw positionally + by name.
import { odooErrors } from './errors.ts';
import { modelSpec, type OdooEnv, type OdooStore } from './store.ts';

export interface MethodSpec {
  /** `model`: @api.model (no ids); `records`: called on a recordset (ids). */
  api: 'model' | 'records';
  params: readonly string[];
  required: readonly string[];
  /** Extra keyword-only arguments accepted (e.g. search_read's **read_kwargs). */
  keywordOnly?: readonly string[];
  /** Restrict to these models (business methods). */
  models?: readonly string[];
  /** Read-only method (no transaction side effect). */
  readonly: boolean;
}

export const METHODS: Record<string, MethodSpec> = {
  search_read: { api: 'model', params: ['domain', 'fields', 'offset', 'limit', 'order'], required: [], keywordOnly: ['load'], readonly: true },
  search: { api: 'model', params: ['domain', 'offset', 'limit', 'order'], required: ['domain'], readonly: true },
  search_count: { api: 'model', params: ['domain', 'limit'], required: ['domain'], readonly: true },
  read_group: { api: 'model', params: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'], required: ['domain', 'fields', 'groupby'], readonly: true },
  formatted_read_group: { api: 'model', params: ['domain', 'groupby', 'aggregates', 'having', 'offset', 'limit', 'order'], required: ['domain'], readonly: true },
  read: { api: 'records', params: ['fields', 'load'], required: [], readonly: true },
  fields_get: { api: 'model', params: ['allfields', 'attributes'], required: [], readonly: true },
  name_search: { api: 'model', params: ['name', 'domain', 'operator', 'limit'], required: [], readonly: true },
  create: { api: 'model', params: ['vals_list'], required: ['vals_list'], readonly: false },
  write: { api: 'records', params: ['vals'], required: ['vals'], readonly: false },
  unlink: { api: 'records', params: [], required: [], readonly: false },
  action_confirm: { api: 'records', params: [], required: [], models: ['sale.order'], readonly: false },
  action_cancel: { api: 'records', params: [], required: [], models: ['sale.order'], readonly: false },
};

/** odoo.service.model.get_public_method: AttributeError for private or unknown methods. */
export function getPublicMethod(model: string, method: string): MethodSpec {
  if (method.startsWith('_')) throw odooErrors.attribute(`Private methods (such as '${method}') cannot be called remotely.`);
  const spec = Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
  if (!spec || (spec.models && !spec.models.includes(model))) {
    throw odooErrors.attribute(`The method '${method}' does not exist on the model '${model}'`);
  }
  return spec;
}

export function modelExists(model: string): boolean {
  return modelSpec(model) !== undefined;
}

/** Python-style binding of positional + keyword arguments; TypeError like inspect.signature.bind. */
export function bindArgs(method: string, spec: MethodSpec, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args.length > spec.params.length) {
    throw odooErrors.type(`${method}() takes ${spec.params.length + 1} positional arguments but ${args.length + 1} were given`);
  }
  args.forEach((a, i) => {
    out[spec.params[i]!] = a;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (!spec.params.includes(k) && !(spec.keywordOnly ?? []).includes(k)) {
      throw odooErrors.type(`${method}() got an unexpected keyword argument '${k}'`);
    }
    if (Object.prototype.hasOwnProperty.call(out, k)) throw odooErrors.type(`${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = spec.required.filter((r) => !Object.prototype.hasOwnProperty.call(out, r));
  if (missing.length) {
    throw odooErrors.type(
      `${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `'${m}'`).join(' and ')}`,
    );
  }
  return out;
}

export function runMethod(store: OdooStore, env: OdooEnv, model: string, method: string, ids: unknown, p: Record<string, unknown>): unknown {
  switch (method) {
    case 'search_read':
      return store.searchRead(env, model, p.domain, p.fields, { offset: p.offset, limit: p.limit, order: p.order }, p.load);
    case 'search':
      return store.search(env, model, p.domain, { offset: p.offset, limit: p.limit, order: p.order });
    case 'search_count':
      return store.searchCount(env, model, p.domain, p.limit);
    case 'read_group':
      return store.readGroup(env, model, p.domain, p.fields, p.groupby, { offset: p.offset, limit: p.limit, order: p.orderby }, p.lazy);
    case 'formatted_read_group':
      return store.formattedReadGroup(env, model, p.domain, p.groupby, p.aggregates, p.having, { offset: p.offset, limit: p.limit, order: p.order });
    case 'read':
      return store.read(env, model, ids, p.fields, p.load);
    case 'fields_get':
      return store.fieldsGet(env, model, p.allfields, p.attributes);
    case 'name_search':
      return store.nameSearch(env, model, p.name ?? '', p.domain, p.operator, p.limit);
    case 'create':
      return store.create(env, model, p.vals_list);
    case 'write':
      return store.write(env, model, ids, p.vals);
    case 'unlink':
      return store.unlink(env, model, ids);
    case 'action_confirm':
      return store.actionConfirm(env, ids);
    case 'action_cancel':
      return store.actionCancel(env, ids);
    default:
      throw odooErrors.attribute(`The method '${method}' does not exist on the model '${model}'`);
  }
}
