// What the Odoo sandbox is loaded with: records in *stored* form, the way a
// database row holds them, never the way the wire shows them. The sandbox renders
// them through the model descriptions of connectors/odoo/mapping/models.ts
// (many2one as [id, name], empty values as false, one2many from their inverse);
// the seed (sandboxes/seed) and the test fixture (fixtures.ts) write them.
//
// Stored form:
//   many2one            → number id or false
//   one2many            → not stored; computed from `inverse` on the related model
//   many2many           → number[]
//   companyDependent    → { [companyId: string]: value }  (value per company; missing → default)
//   date / datetime     → 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS' (naive UTC), or false
//   everything else     → the plain value, false when empty
// Every record has `id: number`; `create_date`/`write_date` are set by the sandbox
// on create/write when the seed leaves them out.
import type { OdooModelName } from '../../connectors/odoo/mapping/models.ts';

/** A record in stored form (see the header). */
export type StoredRecord = { id: number } & Record<string, unknown>;

/**
 * What the Odoo sandbox is loaded with. `stock` holds per-warehouse quantities the
 * sandbox computes `qty_available` / `virtual_available` / `free_qty` from.
 * `users` are the credentials the sandbox accepts (login → API key, with the user id,
 * companies and access groups).
 */
export interface OdooDataset {
  database: string;
  records: Partial<Record<OdooModelName, StoredRecord[]>>;
  stock: Array<{ productId: number; warehouseId: number; onHand: number; forecast: number; free: number }>;
  users: Array<{ uid: number; login: string; apiKey: string; companyIds: number[]; groups: string[] }>;
}
