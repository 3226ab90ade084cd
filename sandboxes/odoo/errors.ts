// Server-side Odoo exceptions as the sandbox raises them. `odooName` is the fully
// qualified Python class name Odoo puts in `name` of its serialized errors
// (odoo/http.py serialize_exception: f'{module}.{name}'), `httpStatus` the status
// JSON-2 answers with (UserError.http_status family: 422, AccessError/AccessDenied
// 403, MissingError 404, LockError 409; anything that is not a UserError nor a
// werkzeug HTTPException is a 500).

export class OdooServerError extends Error {
  readonly odooName: string;
  readonly httpStatus: number;
  readonly arguments: unknown[];
  readonly headers: Record<string, string>;

  constructor(odooName: string, message: string, httpStatus: number, args?: unknown[], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'OdooServerError';
    this.odooName = odooName;
    this.httpStatus = httpStatus;
    this.arguments = args ?? [message];
    this.headers = headers;
  }
}

export const odooErrors = {
  accessDenied: (message = 'Access Denied') => new OdooServerError('odoo.exceptions.AccessDenied', message, 403),
  access: (message: string) => new OdooServerError('odoo.exceptions.AccessError', message, 403),
  missing: (message: string) => new OdooServerError('odoo.exceptions.MissingError', message, 404),
  user: (message: string) => new OdooServerError('odoo.exceptions.UserError', message, 422),
  validation: (message: string) => new OdooServerError('odoo.exceptions.ValidationError', message, 422),
  lock: (message: string) => new OdooServerError('odoo.exceptions.LockError', message, 409),
  /** builtins.ValueError is not a UserError: real JSON-2 answers 500 for it. */
  value: (message: string) => new OdooServerError('builtins.ValueError', message, 500),
  /** Bad call arguments (inspect.signature.bind TypeError). JSON-2 turns it into a 422 UnprocessableEntity. */
  type: (message: string) => new OdooServerError('builtins.TypeError', message, 422),
  attribute: (message: string) => new OdooServerError('builtins.AttributeError', message, 404),
  serialization: () =>
    new OdooServerError(
      'psycopg2.errors.SerializationFailure',
      'could not serialize access due to concurrent update',
      500,
    ),
  http: (cls: 'Unauthorized' | 'NotFound' | 'MethodNotAllowed' | 'BadRequest' | 'UnprocessableEntity', code: number, description: string, headers: Record<string, string> = {}) =>
    new OdooServerError(`werkzeug.exceptions.${cls}`, description, code, [description, code], headers),
};

/** Build the `{name, message, arguments, context, debug}` body Odoo serializes errors to. */
export function serializeOdooError(e: OdooServerError): { name: string; message: string; arguments: unknown[]; context: Record<string, unknown>; debug: string } {
  const shortName = e.odooName.split('.').pop();
  return {
    name: e.odooName,
    message: e.message,
    arguments: e.arguments,
    context: {},
    debug:
      'Traceback (most recent call last):\n' +
      '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2138, in _serve_db\n' +
      '    return service_model.retrying(serve_func, env=self.env)\n' +
      '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 156, in retrying\n' +
      '    result = func()\n' +
      `${e.odooName}: ${shortName === 'ValueError' || shortName === 'TypeError' ? e.message : JSON.stringify(e.arguments)}\n`,
  };
}
