// The typed context of the writes subgraph: who is asking, the Odoo connector and the CRM port, and
// the durable stores (idempotency keys, audit trail, exceptions).
import type { Identity } from '../../core/identity.ts';
import type { AuditTrail, ExceptionQueue, IdempotencyStore, JobQueue, Leases } from '../../store/index.ts';
import type { CrmPort } from '../../connectors/crm/port.ts';
import type { OdooClient } from '../../connectors/odoo/odoo-client.ts';

export interface WritesContext {
  requestId: string;
  identity: Identity;
  odoo: OdooClient;
  crm: CrmPort;
  /** Odoo companies writes may touch (the integration user's, narrowed by the caller's token). */
  companyIds: number[];
  idempotency: IdempotencyStore;
  audit: AuditTrail;
  exceptions: ExceptionQueue;
  /** The sync engine's queue: a replayed exception's step is queued here for the worker. */
  jobs: JobQueue;
  leases: Leases;
  /** "Today" for business rules (lead times, validity). */
  now: () => Date;
}
