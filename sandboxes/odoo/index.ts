// Public surface of the Odoo sandbox (test and start-up code only; production code never imports it).
export { createOdooSandbox, type OdooSandbox, type OdooSandboxOptions } from './server.ts';
export { OdooStore, formatDatetime, type OdooEnv, type OdooUser } from './store.ts';
export type { OdooDataset, StoredRecord } from './types.ts';
export { FaultController, type FaultRule, type FaultScope, type ActiveFault, type MalformedShape, type InjectableOdooError, type Transport } from './faults.ts';
export { RequestLog, type RequestLogEntry, type RequestLogFilter } from './log.ts';
export { OdooServerError, odooErrors, serializeOdooError } from './errors.ts';
