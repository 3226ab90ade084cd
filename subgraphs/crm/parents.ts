// The values the CRM resolvers receive as parent where that is not a plain HubSpot
// row. scripts/codegen.ts maps the GraphQL types to them; they live apart from the
// resolvers so the generated types import no resolver file (no import cycle).
import type { CrmRow } from './loaders.ts';

export interface AccountParent {
  id: string;
  /** undefined: not loaded yet; null: no CRM twin. */
  company?: CrmRow | null;
}

/** Line items carry no currency of their own in HubSpot; they are in their quote's. */
export type LineParent = CrmRow & { currency: string };
