// The values the CRM resolvers receive as parent where that is not a plain CRM
// record of the port. scripts/codegen.ts maps the GraphQL types to them; they live
// apart from the resolvers so the generated types import no resolver file (no cycle).
import type { CrmAccount, CrmQuoteLine } from '../../connectors/crm/port.ts';

export interface AccountParent {
  id: string;
  /** undefined: not loaded yet; null: no CRM twin. */
  account?: CrmAccount | null;
}

/** Quote lines carry no currency of their own; they are in their quote's. */
export type LineParent = CrmQuoteLine & { currency: string };
