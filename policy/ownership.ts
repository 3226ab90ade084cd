// THE ownership declaration (§4, R1): for every canonical field, the one system of
// record that owns it, whether it can be written through the API and where the
// write lands, and how sensitive it is. It is data, read by:
//   - test/ownership-agreement.test.ts — the composed supergraph must agree with it
//     (every field declared; the subgraph that resolves a field is its owner);
//   - the README's ownership table (scripts/ownership-table.ts prints it; a test checks
//     the README carries the current one);
//   - permissions and write routing, which look fields up here instead of hard-coding;
//   - the audit trail's mask (AUDIT_MASK below): what is sensitive here is stored masked.
// To move a field to another system, change it here first; the test then says which
// schema must follow.

import { COMPONENTS, type ComponentName } from './components.ts';

/** A component of policy/components.ts; `integration`: data the integration layer itself is the record of (audit trail, mutation results). */
export type Owner = ComponentName;
/** `key`: an entity key field that several subgraphs resolve (they share the entity); `shared`: a value type (@shareable) both define identically. */
export type Resolution = Owner | 'key' | 'shared';

/** How a message to a person names whoever resolves a field. */
export function resolutionDisplayName(resolution: Resolution): string {
  return resolution === 'key' || resolution === 'shared' ? 'both systems' : COMPONENTS[resolution].display;
}

export type Sensitivity =
  /** Pricing, discounts, credit, payment terms, receivables — masked for bi_reader without bi:commercial (R6). */
  | 'commercial'
  /** Internal-only (owner rep, internal references) — never shown to customers. */
  | 'internal'
  /** Personal data (R6 data minimisation): contact details of people — stored masked in the audit trail. */
  | 'personal';

/**
 * The CRM objects a write can land on, by their role in the canonical model; which CRM
 * object and property that is, the configured CRM's adapter decides
 * (connectors/crm/<system>/adapter.ts), so this declaration holds no CRM's vocabulary.
 */
export type CrmWriteObject = 'account' | 'contact' | 'quote' | 'quoteLine';

/**
 * Where a write lands. CRM fields are named as the CRM port names them (CrmAccountPatch
 * and its siblings in connectors/crm/port.ts); Odoo fields by their model and field,
 * since Odoo is written directly (no port stands between).
 */
export type WriteTarget =
  | { system: 'crm'; object: CrmWriteObject; field: string }
  | { system: 'odoo'; object: string; field: string };

export interface FieldDeclaration {
  owner: Resolution;
  /** Absent: read-only through this API (derived, computed, or owned by a backend process). */
  write?: WriteTarget;
  sensitivity?: Sensitivity;
}

const crm = (extra: Omit<FieldDeclaration, 'owner'> = {}): FieldDeclaration => ({ owner: 'crm', ...extra });
const odoo = (extra: Omit<FieldDeclaration, 'owner'> = {}): FieldDeclaration => ({ owner: 'odoo', ...extra });
const integration = (): FieldDeclaration => ({ owner: 'integration' });
const ownedByIntegration = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, integration()]));
const key: FieldDeclaration = { owner: 'key' };
const shared: FieldDeclaration = { owner: 'shared' };
const toCrm = (object: CrmWriteObject, field: string): WriteTarget => ({ system: 'crm', object, field });
const erp = (object: string, field: string): WriteTarget => ({ system: 'odoo', object, field });

/** Fields of every object type of the canonical schema, by type. */
export const OWNERSHIP: Record<string, Record<string, FieldDeclaration>> = {
  Query: {
    account: crm(), accounts: crm(), contact: crm(), quote: crm(), quotes: crm(),
    order: odoo(), orders: odoo(), shipments: odoo(), invoices: odoo(),
    product: odoo(), products: odoo(), productionOrders: odoo(),
    auditLog: integration(), integrationExceptions: integration(),
  },
  // Mutations are resolved by the writes subgraph, which routes each field to its owner below.
  Mutation: ownedByIntegration('updateAccount', 'requestDeliveryDate', 'createQuote', 'updateQuote', 'confirmQuote', 'replayException', 'discardException'),
  UpdateAccountPayload: ownedByIntegration('account', 'writes', 'complete', 'replayed'),
  SystemWrite: ownedByIntegration('system', 'status', 'fields', 'errorCode', 'errorMessage'),
  RequestDeliveryDatePayload: ownedByIntegration('order', 'commitmentDate', 'earliestPossibleDate', 'replayed'),
  QuotePayload: ownedByIntegration('quote', 'replayed'),
  ConfirmQuotePayload: ownedByIntegration('status', 'quote', 'order', 'issues', 'replayed'),
  ValidationIssue: ownedByIntegration('field', 'code', 'message', 'owningTeam'),
  AuditEntry: ownedByIntegration('id', 'at', 'actor', 'role', 'action', 'system', 'object', 'objectId', 'fields', 'before', 'after', 'idempotencyKey', 'requestId', 'outcome', 'errorCode', 'errorMessage'),
  IntegrationException: {
    ...ownedByIntegration('id', 'at', 'team', 'status', 'code', 'message', 'object', 'objectId', 'field', 'requestId'),
    ...ownedByIntegration('type', 'actor', 'firstAt', 'lastAt', 'occurrences', 'attempts', 'replayable', 'payload', 'resolution', 'closedBy', 'closedAt'),
    detail: { owner: 'integration', sensitivity: 'commercial' },
  },
  ExceptionActionPayload: ownedByIntegration('exception'),
  Account: {
    id: key,
    name: crm({ write: toCrm('account', 'name') }),
    website: crm({ write: toCrm('account', 'website') }),
    domain: crm({ write: toCrm('account', 'domain') }),
    industry: crm({ write: toCrm('account', 'industry') }),
    segment: crm({ write: toCrm('account', 'segment') }),
    // Often a person's direct line at a small customer.
    phone: crm({ write: toCrm('account', 'phone'), sensitivity: 'personal' }),
    owner: crm({ write: toCrm('account', 'ownerId'), sensitivity: 'internal' }),
    lifecycleStage: crm({ write: toCrm('account', 'lifecycleStage') }),
    contacts: crm(),
    quotes: crm(),
    sourceRefs: crm({ sensitivity: 'internal' }),
    updatedAt: crm(),
    // A sole trader's VAT number identifies the person.
    taxId: odoo({ write: erp('res.partner', 'vat'), sensitivity: 'personal' }),
    currency: odoo(),
    paymentTerms: odoo({ write: erp('res.partner', 'property_payment_term_id'), sensitivity: 'commercial' }),
    pricelist: odoo({ write: erp('res.partner', 'property_product_pricelist'), sensitivity: 'commercial' }),
    creditLimit: odoo({ write: erp('res.partner', 'credit_limit'), sensitivity: 'commercial' }),
    openReceivable: odoo({ sensitivity: 'commercial' }),
    // Financial status (R6): masked for BI like the figures it is derived from.
    creditHold: odoo({ sensitivity: 'commercial' }),
    orders: odoo(),
    invoices: odoo(),
    erpUpdatedAt: odoo(),
  },
  SourceRefs: { crmId: crm(), odooId: crm() },
  SalesRep: { id: crm(), name: crm(), email: crm({ sensitivity: 'personal' }) },
  PaymentTerms: { id: odoo(), name: odoo() },
  Contact: {
    id: crm(),
    // Composed by the CRM from the parts and read-only. Not marked: the audit mask goes by
    // field name, and `name` is also every company's and product's name.
    name: crm(),
    firstName: crm({ write: toCrm('contact', 'firstName'), sensitivity: 'personal' }),
    lastName: crm({ write: toCrm('contact', 'lastName'), sensitivity: 'personal' }),
    email: crm({ write: toCrm('contact', 'email'), sensitivity: 'personal' }),
    phone: crm({ write: toCrm('contact', 'phone'), sensitivity: 'personal' }),
    jobTitle: crm({ write: toCrm('contact', 'jobTitle') }),
    account: crm(),
  },
  Quote: {
    id: key, number: key, title: crm({ write: toCrm('quote', 'title') }),
    status: crm({ write: toCrm('quote', 'status') }),
    account: crm(), lines: crm(), amount: crm({ sensitivity: 'commercial' }),
    validUntil: crm({ write: toCrm('quote', 'validUntil') }),
    requestedDeliveryDate: crm({ write: toCrm('quote', 'requestedDeliveryDate') }),
    incoterm: crm({ write: toCrm('quote', 'incoterm') }),
    order: crm(), updatedAt: crm(),
  },
  QuoteLine: {
    id: key,
    product: crm(), sku: crm({ write: toCrm('quoteLine', 'sku') }), name: crm(),
    quantity: crm({ write: toCrm('quoteLine', 'quantity') }),
    unitPrice: crm({ write: toCrm('quoteLine', 'unitPrice'), sensitivity: 'commercial' }),
    discount: crm({ write: toCrm('quoteLine', 'discount'), sensitivity: 'commercial' }),
    // Odoo's catalog list price, readable on Product as well: not a negotiated price.
    listPrice: odoo(), availability: odoo(), earliestDeliveryDate: odoo(),
  },
  Order: {
    id: key, number: odoo(), state: odoo(), locked: odoo(), account: odoo(), quote: odoo(), company: odoo(),
    orderDate: odoo(),
    commitmentDate: odoo({ write: erp('sale.order', 'commitment_date') }),
    expectedDate: odoo(),
    amountUntaxed: odoo(), amountTax: odoo(), amountTotal: odoo(),
    lines: odoo(), deliveryStatus: odoo(), invoiceStatus: odoo(),
    shipments: odoo(), invoices: odoo(), production: odoo(), updatedAt: odoo(),
  },
  OrderLine: {
    id: odoo(), product: odoo(), description: odoo(), quantity: odoo(), deliveredQuantity: odoo(), invoicedQuantity: odoo(),
    // The subtotal with the quantity gives the discount away: as sensitive as the discount.
    unitPrice: odoo({ sensitivity: 'commercial' }), discount: odoo({ sensitivity: 'commercial' }), subtotal: odoo({ sensitivity: 'commercial' }),
  },
  Company: { id: odoo(), name: odoo(), currency: odoo() },
  Shipment: {
    id: odoo(), number: odoo(), state: odoo(), scheduledDate: odoo(), deadline: odoo(), doneDate: odoo(),
    carrier: odoo(), trackingRef: odoo(), order: odoo(), lines: odoo(), updatedAt: odoo(),
  },
  ShipmentLine: { product: odoo(), quantity: odoo(), doneQuantity: odoo() },
  Invoice: {
    id: odoo(), number: odoo(), kind: odoo(), state: odoo(), paymentState: odoo(),
    // What is still owed sums to the customer's open receivable: financial status.
    amountUntaxed: odoo(), amountTotal: odoo(), amountResidual: odoo({ sensitivity: 'commercial' }),
    invoiceDate: odoo(), dueDate: odoo(), order: odoo(), account: odoo(), updatedAt: odoo(),
  },
  Product: {
    id: odoo(), sku: key, name: odoo(), listPrice: odoo(), uom: odoo(), saleable: odoo(),
    customerLeadTimeDays: odoo(), manufacturingLeadTimeDays: odoo(), availability: odoo(), updatedAt: odoo(),
  },
  Availability: { warehouse: odoo(), warehouseCode: odoo(), onHand: odoo(), forecast: odoo(), freeToPromise: odoo() },
  ProductionOrder: {
    id: odoo(), number: odoo(), state: odoo(), product: odoo(), quantity: odoo(), producedQuantity: odoo(),
    startDate: odoo(), finishDate: odoo(), origin: odoo(), updatedAt: odoo(),
  },
  Money: { amount: shared, currency: shared },
  PageInfo: { hasNextPage: shared, endCursor: shared },
};

/** Connection and edge types are plumbing of the subgraph that owns the list; they are not declared field by field. */
export function isPlumbingType(typeName: string): boolean {
  return /(Connection|Edge)$/.test(typeName);
}

export function declarationOf(typeName: string, fieldName: string): FieldDeclaration | undefined {
  return OWNERSHIP[typeName]?.[fieldName];
}

/** Fields that may be written, with where each lands: the routing table for mutations. */
export function writableFields(typeName: string): Array<{ field: string; owner: Owner; target: WriteTarget }> {
  return Object.entries(OWNERSHIP[typeName] ?? {})
    .filter(([, d]) => d.write && (d.owner === 'crm' || d.owner === 'odoo'))
    .map(([field, d]) => ({ field, owner: d.owner as Owner, target: d.write! }));
}

export function sensitiveFields(sensitivity: Sensitivity): Array<{ type: string; field: string }> {
  const out: Array<{ type: string; field: string }> = [];
  for (const [type, fields] of Object.entries(OWNERSHIP)) {
    for (const [field, d] of Object.entries(fields)) if (d.sensitivity === sensitivity) out.push({ type, field });
  }
  return out;
}

// ---------------------------------------------------------------- CRM copies (issue 11)

/** The CRM records the sync engine keeps read-only copies of Odoo-owned facts on. */
export type CrmCopyObject = 'deal' | 'account';

export interface CopyDeclaration {
  /** Always Odoo: a copy never flows the other way, and the CRM's value is overwritten by the owner's. */
  owner: 'odoo';
  /** The canonical field (Type.field, declared above) the copy is derived from. */
  from: string;
  /** The flow that maintains it (worker/flows). */
  flow: 'order-status' | 'invoice';
  sensitivity?: Sensitivity;
  /** What a rep sees, in the portal's property label. */
  label: string;
}

const copy = (from: string, flow: CopyDeclaration['flow'], label: string, sensitivity?: Sensitivity): CopyDeclaration =>
  ({ owner: 'odoo', from, flow, label, ...(sensitivity ? { sensitivity } : {}) });

/**
 * Read-only copies of Odoo-owned fields on CRM records (R3, invoice sync): what a rep
 * sees on the deal and the company without asking. Odoo stays the system of record:
 * the API offers no write to them, and the sync overwrites whatever the CRM holds.
 * The CRM adapter maps each to a property (connectors/crm/hubspot/sync-properties.ts);
 * test/sync-properties.test.ts keeps the two tables in step.
 */
export const CRM_COPIES: { readonly [O in CrmCopyObject]: Readonly<Record<string, CopyDeclaration>> } = {
  deal: {
    orderId: copy('Order.id', 'order-status', 'Odoo order id'),
    orderNumber: copy('Order.number', 'order-status', 'Odoo order'),
    orderState: copy('Order.state', 'order-status', 'Order state'),
    deliveryStatus: copy('Order.deliveryStatus', 'order-status', 'Delivery status'),
    nextShipmentDate: copy('Shipment.scheduledDate', 'order-status', 'Next shipment date'),
    carrier: copy('Shipment.carrier', 'order-status', 'Carrier'),
    trackingRef: copy('Shipment.trackingRef', 'order-status', 'Tracking reference'),
    productionProgress: copy('ProductionOrder.producedQuantity', 'order-status', 'Production progress (%)'),
    invoiceStatus: copy('Order.invoiceStatus', 'invoice', 'Invoice status'),
    paymentState: copy('Invoice.paymentState', 'invoice', 'Payment state'),
    invoicedAmount: copy('Invoice.amountTotal', 'invoice', 'Invoiced amount', 'commercial'),
    openAmount: copy('Invoice.amountResidual', 'invoice', 'Open amount', 'commercial'),
    invoiceOverdue: copy('Invoice.dueDate', 'invoice', 'Invoice overdue'),
  },
  account: {
    openReceivable: copy('Account.openReceivable', 'invoice', 'Open receivable (Odoo)', 'commercial'),
    invoiceOverdue: copy('Invoice.dueDate', 'invoice', 'Has overdue invoices'),
    creditHold: copy('Account.creditHold', 'invoice', 'Credit hold (Odoo)', 'commercial'),
    creditHoldSince: copy('Account.creditHold', 'invoice', 'Credit hold since'),
  },
};

export type DealCopyField = keyof (typeof CRM_COPIES)['deal'];
export type AccountCopyField = keyof (typeof CRM_COPIES)['account'];

/**
 * Sensitivities the audit trail never stores in clear (R6): commercial and personal
 * values. Internal ones (owner, references) stay readable: who reassigned an account
 * is what an audit is for.
 */
export const AUDIT_MASKED_SENSITIVITIES: readonly Sensitivity[] = ['commercial', 'personal'];

/**
 * Field names the audit trail stores as "***" (it matches by name, case-insensitive,
 * at any depth): every field of those sensitivities, by its canonical name and by the
 * field it is written to (the CRM port's `unitPrice`, Odoo's `credit_limit`). A name
 * sensitive on one type is masked wherever it appears — the safe side. No CRM's own
 * property names are needed: the writes record CRM values keyed by the port's field
 * names (CrmPort.storedValues converts values, never keys; test/crm-port.test.ts).
 */
export const AUDIT_MASK: readonly string[] = [
  ...new Set([
    ...Object.values(OWNERSHIP)
      .flatMap((fields) => Object.entries(fields))
      .filter(([, d]) => d.sensitivity && AUDIT_MASKED_SENSITIVITIES.includes(d.sensitivity))
      .flatMap(([field, d]) => (d.write ? [field, d.write.field] : [field])),
    // The CRM copies the sync engine audits, by their copy names (invoicedAmount, openAmount …).
    ...Object.values(CRM_COPIES)
      .flatMap((fields) => Object.entries(fields))
      .filter(([, d]) => d.sensitivity && AUDIT_MASKED_SENSITIVITIES.includes(d.sensitivity))
      .map(([field]) => field),
  ]),
].sort();
