// The custom HubSpot properties the sync engine writes: one per CRM copy of an
// Odoo-owned fact (policy/ownership.ts CRM_COPIES), with the type and field type a
// portal admin creates it with (Settings → Properties, or POST /crm/v3/properties/
// {objectType}). HubSpot refuses a write to a property the portal does not have
// (400 PROPERTY_DOESNT_EXIST), so this table is also the setup checklist
// (docs/sync.md prints it). Enumeration values are the canonical values in lower
// case; values travel as strings like every HubSpot property (§7).
import { CRM_COPIES, type CrmCopyObject } from '../../../policy/ownership.ts';
import type { HubSpotObjectType } from './mapping/objects.ts';
import { PAYMENT_STATES } from '../../../policy/vocabulary.ts';

export type SyncPropertyType = 'string' | 'number' | 'date' | 'enumeration' | 'bool';
/** The HubSpot `fieldType` paired with each type when the property is created. */
export const FIELD_TYPE: Record<SyncPropertyType, string> = {
  string: 'text', number: 'number', date: 'date', enumeration: 'select', bool: 'booleancheckbox',
};

export interface SyncProperty {
  /** The HubSpot property (internal name). */
  name: string;
  type: SyncPropertyType;
  /** Enumeration options (internal values). */
  options?: readonly string[];
}

export const SYNC_OBJECT_TYPE = { deal: 'deals', account: 'companies' } as const satisfies Record<CrmCopyObject, HubSpotObjectType>;

const p = (name: string, type: SyncPropertyType, options?: readonly string[]): SyncProperty => (options ? { name, type, options } : { name, type });

/** The canonical value sets the enumerations carry, lower-cased (connectors/odoo/canonical.ts holds the Odoo side). */
export const SYNC_ENUMS = {
  orderState: ['draft', 'sent', 'confirmed', 'cancelled'],
  deliveryStatus: ['not_delivered', 'started', 'partially_delivered', 'fully_delivered'],
  invoiceStatus: ['upselling', 'invoiced', 'to_invoice', 'nothing_to_invoice'],
  // Derived, not copied: Odoo 18's `blocked` arrived in the vocabulary after this table was written.
  paymentState: PAYMENT_STATES.map((s) => s.toLowerCase()),
} as const;

export const SYNC_PROPERTIES = {
  deal: {
    orderId: p('odoo_order_id', 'number'),
    orderNumber: p('odoo_order_ref', 'string'),
    orderState: p('odoo_order_state', 'enumeration', SYNC_ENUMS.orderState),
    deliveryStatus: p('odoo_delivery_status', 'enumeration', SYNC_ENUMS.deliveryStatus),
    nextShipmentDate: p('odoo_next_shipment_date', 'date'),
    carrier: p('odoo_carrier', 'string'),
    trackingRef: p('odoo_tracking_ref', 'string'),
    productionProgress: p('odoo_production_progress', 'number'),
    invoiceStatus: p('odoo_invoice_status', 'enumeration', SYNC_ENUMS.invoiceStatus),
    paymentState: p('odoo_payment_state', 'enumeration', SYNC_ENUMS.paymentState),
    invoicedAmount: p('odoo_invoiced_amount', 'number'),
    openAmount: p('odoo_open_amount', 'number'),
    invoiceOverdue: p('odoo_invoice_overdue', 'bool'),
  },
  account: {
    openReceivable: p('odoo_open_receivable', 'number'),
    invoiceOverdue: p('odoo_has_overdue_invoices', 'bool'),
    creditHold: p('odoo_credit_hold', 'bool'),
    creditHoldSince: p('odoo_credit_hold_since', 'date'),
  },
} as const satisfies { [O in CrmCopyObject]: { [F in keyof (typeof CRM_COPIES)[O]]: SyncProperty } };

/** Canonical value of a copy: enumeration values upper-case (CONFIRMED), dates YYYY-MM-DD. */
export type CopyValue = string | number | boolean | null;

/** Canonical → HubSpot string ('' clears a property). */
export function toHubSpotValue(prop: SyncProperty, value: CopyValue): string {
  if (value === null || value === undefined) return '';
  switch (prop.type) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'enumeration':
      return String(value).toLowerCase();
    case 'number':
      return String(Number(value));
    default:
      return String(value);
  }
}

/** HubSpot string → canonical (null for unset or a value that is not of the property's type). */
export function fromHubSpotValue(prop: SyncProperty, raw: string | null | undefined): CopyValue {
  if (raw === null || raw === undefined || raw === '') return null;
  switch (prop.type) {
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : null;
    case 'enumeration':
      return prop.options?.includes(raw) ? raw.toUpperCase() : null;
    case 'number': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : null;
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw.slice(0, 10) : null;
    default:
      return raw;
  }
}

/** Every property a portal must have, by HubSpot object type (for the sandbox's portal and the docs). */
export function syncPropertiesByObjectType(): Record<'deals' | 'companies', SyncProperty[]> {
  return {
    deals: Object.values(SYNC_PROPERTIES.deal),
    companies: Object.values(SYNC_PROPERTIES.account),
  };
}
