// Row-level limits for Odoo reads (§5, R6), applied inside the Odoo domain of every
// search so a customer's request never fetches another customer's row — whatever
// path it takes: a list, `order(number)`, a nested field or an `_entities`
// representation. Internal roles read every row of their allowed companies.
import { appError } from '../../policy/errors.ts';
import { decodeId } from '../../core/ids.ts';
import type { Identity } from '../../core/identity.ts';
import { ownAccountLimit } from '../../policy/permissions.ts';
import type { Domain, OdooClient, RawRecord } from '../../connectors/odoo/odoo-client.ts';
import { PARTNER_REF_FIELDS } from '../../connectors/odoo/canonical.ts';
import { parseRecords } from '../../connectors/odoo/mapping/records.ts';
import { UNRESTRICTED, type OdooRowScope } from '../../connectors/odoo/records.ts';
import { PRODUCTION_LINK } from '../../connectors/odoo/versions.ts';

const NOTHING: Domain = [['id', '=', 0]];

/** The ids a pure conjunction (a list of conditions, no `|`/`&`/`!`) restricts itself to with `id in [...]`, else null. */
function idsAsked(domain: Domain | undefined): number[] | null {
  if (!domain || domain.some((c) => !Array.isArray(c))) return null;
  const cond = domain.find((c) => (c as unknown[])[0] === 'id' && (c as unknown[])[1] === 'in') as unknown[] | undefined;
  const ids = cond?.[2];
  return Array.isArray(ids) && ids.every((i) => Number.isInteger(i)) ? (ids as number[]) : null;
}

/**
 * A customer sees its commercial partner and its contact persons, and what
 * references them. The partner ids are looked up once per request; that lookup
 * also reads the partner's cross-reference fields and hands the record to
 * `onPartner`, so the account reference of the customer's own rows needs no second read.
 */
export function customerScope(accountId: string, client: OdooClient, callContext: () => { context: Record<string, unknown>; requestId: string }, onPartner?: (raw: RawRecord) => void): OdooRowScope {
  let partners: Promise<number[]> | undefined;
  let productionIds: Promise<number[]> | undefined;
  /** MOs that orders read through this scope link to (sale.order's mrp_production_ids): see domainFor. */
  const linkedProductions = new Set<number>();
  const partnerIds = () =>
    (partners ??= (async () => {
      const ref = decodeId(accountId, 'Account', 'accountId');
      const domain = ref.system === 'crm' ? [['ref', '=', ref.sourceId], ['parent_id', '=', false]] : [['id', '=', Number(ref.sourceId)]];
      const raws = await client.searchRead('res.partner', domain, ['child_ids', ...PARTNER_REF_FIELDS], { limit: 2, order: 'id asc' }, callContext());
      // Only child_ids decides the scope: a malformed name or ref fails the field that shows it, not the request.
      const partners = parseRecords('res.partner', raws, ['child_ids']) as Array<{ id: number; child_ids: number[] | null }>;
      // Two partners claiming this customer: guessing could show one customer another's rows.
      if (partners.length > 1) {
        throw appError('CROSS_REFERENCE_CONFLICT', 'This account has more than one Odoo partner; ERP admin must resolve it', { system: 'odoo', model: 'res.partner', field: 'ref' });
      }
      const [partner] = partners;
      if (partner) onPartner?.(raws[0]!);
      return partner ? [partner.id, ...(partner.child_ids ?? [])] : [];
    })());
  const inPartners = async (field: string): Promise<Domain> => {
    const ids = await partnerIds();
    return ids.length ? [[field, 'in', ids]] : NOTHING;
  };
  return {
    key: `customer:${accountId}`,
    observe(model, rows) {
      if (model !== 'sale.order') return;
      for (const r of rows) {
        const ids = r[PRODUCTION_LINK.orderField];
        if (Array.isArray(ids)) for (const id of ids) if (Number.isInteger(id)) linkedProductions.add(id as number);
      }
    },
    async domainFor(model, domain) {
      switch (model) {
        case 'res.partner':
          return inPartners('id');
        case 'sale.order':
        case 'account.move':
          return inPartners('partner_id');
        case 'sale.order.line':
          return inPartners('order_id.partner_id');
        case 'stock.picking':
          return inPartners('sale_id.partner_id');
        case 'stock.move':
          return inPartners('picking_id.partner_id');
        case 'mrp.production': {
          // The MOs procured for the customer's orders, as Odoo links them: sale.order's
          // mrp_production_ids (procurement group on 16/17, + sale_line_id on 18, stock
          // references on 19; connectors/odoo/versions.ts PRODUCTION_LINK). An MO's
          // `origin` is free text anyone can type, so it grants nothing.
          // MOs asked by id that orders read through this very scope link to are the
          // customer's by construction (they are part of the list below): the
          // order-status path needs no read of all the customer's orders.
          const asked = idsAsked(domain);
          if (asked && asked.every((id) => linkedProductions.has(id))) return [['id', 'in', [...linkedProductions].sort((a, b) => a - b)]];
          productionIds ??= (async () => {
            const link = PRODUCTION_LINK.orderField;
            const raws = await client.searchRead('sale.order', await inPartners('partner_id'), [link], {}, callContext());
            const orders = parseRecords('sale.order', raws, [link]) as Array<{ id: number; mrp_production_ids: number[] | null }>;
            return [...new Set(orders.flatMap((o) => o.mrp_production_ids ?? []))].sort((a, b) => a - b);
          })();
          const ids = await productionIds;
          return ids.length ? [['id', 'in', ids]] : NOTHING;
        }
        default:
          return null; // catalogue and configuration: products, warehouses, companies, pricelists
      }
    },
  };
}

export function rowScopeFor(identity: Identity, client: OdooClient, callContext: () => { context: Record<string, unknown>; requestId: string }, onPartner?: (raw: RawRecord) => void): OdooRowScope {
  const limit = ownAccountLimit(identity);
  return limit ? customerScope(limit.accountId, client, callContext, onPartner) : UNRESTRICTED;
}
