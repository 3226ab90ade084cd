// The values the Odoo resolvers receive as parent where that is not a plain Odoo
// row. scripts/codegen.ts maps the GraphQL types to them; they live apart from the
// resolvers so the generated types import no resolver file (no import cycle).
import type { OdooRow } from './loaders.ts';

export interface AccountParent {
  id: string;
  /** undefined: not loaded yet (an Account reached from an order or invoice); null: no Odoo twin. */
  partner?: OdooRow | null;
}

/** A quote line as the router hands it over: its key and the CRM fields Odoo's fields @require. */
export interface QuoteLineRepresentation {
  id: string;
  sku?: string | null;
  quantity?: number;
}
