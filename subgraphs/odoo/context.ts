// The typed context every Odoo resolver receives: who is asking, the session
// (client, companies, row scope) and the per-request loaders.
import type { Identity } from '../../core/identity.ts';
import type { OdooSession } from '../../connectors/odoo/records.ts';
import type { OdooLoaders } from './loaders.ts';

export interface OdooSubgraphContext {
  requestId: string;
  identity: Identity;
  session: OdooSession;
  loaders: OdooLoaders;
  /** Today, injectable so lead-time arithmetic is testable. */
  now: () => Date;
}
