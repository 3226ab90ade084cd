// Who may read what (§5), as one table. Each subgraph's graphql-shield rule set is
// generated from it (subgraphs/common/shield.ts), the permission-matrix test runs
// every cell of it through the gateway, and the README shows it. Deny by default:
// a type or field a role's entry does not name is denied.
//
// Row-level limits (a customer sees only its own account and what hangs off it)
// are not here: they are applied in the backend query itself, in each subgraph's
// row scope (subgraphs/*/row-scope.ts), so no other customer's row is ever fetched.
import { OWNERSHIP, isPlumbingType } from './ownership.ts';
import type { Identity, Role } from '../core/identity.ts';

export type Access = 'allow' | 'deny' | 'mask';

interface RoleReadRules {
  /** Query fields (entry points) the role may use. */
  queries: readonly string[];
  /** Types the role may read; a type not listed is denied whole. */
  types: readonly string[] | 'all';
  /** Fields denied even though their type is readable. */
  deniedFields?: readonly string[];
  /** Commercially sensitive fields (ownership.ts `sensitivity: 'commercial'`) are masked unless the caller holds this scope. */
  maskCommercialUnlessScope?: string;
}

const CANONICAL_QUERIES = [
  'account', 'accounts', 'contact', 'quote', 'quotes', 'order', 'orders', 'shipments', 'invoices', 'product', 'products', 'productionOrders',
] as const;

export const READ_RULES: Record<Role, RoleReadRules> = {
  customer: {
    queries: ['account', 'contact', 'quote', 'quotes', 'order', 'orders', 'shipments', 'invoices', 'product', 'products'],
    types: ['Account', 'PaymentTerms', 'Contact', 'Quote', 'QuoteLine', 'Order', 'OrderLine', 'Company', 'Shipment', 'ShipmentLine', 'Invoice', 'Product', 'Availability', 'ProductionOrder'],
    // No owner, credit, internal references (§5).
    deniedFields: ['Account.owner', 'Account.creditLimit', 'Account.openReceivable', 'Account.creditHold', 'Account.sourceRefs', 'Account.pricelist', 'IntegrationException.detail'],
  },
  sales_rep: {
    queries: CANONICAL_QUERIES,
    types: 'all',
    // Credit hold yes, credit limit and receivable no (§5).
    deniedFields: ['Account.creditLimit', 'Account.openReceivable', 'IntegrationException.detail'],
  },
  sales_ops: {
    queries: [...CANONICAL_QUERIES, 'integrationExceptions'],
    types: 'all',
    deniedFields: ['Account.creditLimit', 'Account.openReceivable', 'IntegrationException.detail'],
  },
  finance: { queries: [...CANONICAL_QUERIES, 'auditLog', 'integrationExceptions'], types: 'all' },
  bi_reader: { queries: CANONICAL_QUERIES, types: 'all', maskCommercialUnlessScope: 'bi:commercial' },
  // Exceptions, audit and sync status only; no canonical business data (least privilege).
  // Credit figures in an exception's detail are finance's (§5), not operations'.
  integration_admin: { queries: ['auditLog', 'integrationExceptions'], types: ['AuditEntry', 'IntegrationException'], deniedFields: ['IntegrationException.detail'] },
};

/** What one role (with its scopes) gets for one field. Plumbing (connections, Money, PageInfo) follows its parent. */
export function accessFor(role: Role, scopes: readonly string[], type: string, field: string): Access {
  const rules = READ_RULES[role];
  if (type === 'Query') return rules.queries.includes(field) ? 'allow' : 'deny';
  if (type === 'Mutation') return WRITE_RULES[role].mutations.includes(field) ? 'allow' : 'deny';
  if (isPlumbingType(type) || type === 'Money' || type === 'PageInfo') return 'allow';
  const typeAllowed = rules.types === 'all' || rules.types.includes(type);
  if (!typeAllowed || rules.deniedFields?.includes(`${type}.${field}`)) return 'deny';
  const sensitivity = OWNERSHIP[type]?.[field]?.sensitivity;
  if (rules.maskCommercialUnlessScope && sensitivity === 'commercial' && !scopes.includes(rules.maskCommercialUnlessScope)) return 'mask';
  return 'allow';
}

/** A caller with several roles gets the most permissive answer among them (customer tokens carry one role only). */
export function accessForIdentity(identity: Identity, type: string, field: string): Access {
  const answers = identity.roles.map((r) => accessFor(r, identity.scopes, type, field));
  if (answers.includes('allow')) return 'allow';
  if (answers.includes('mask')) return 'mask';
  return 'deny';
}

// ---------------------------------------------------------------- writes (§5 "May write")

export interface RoleWriteRules {
  /** Mutations the role may call at all. */
  mutations: readonly string[];
  /** Account fields it may change: 'crm' = every writable CRM-owned field (ownership.ts). */
  accountFields?: 'crm' | readonly string[];
  /** Only accounts / quotes / orders whose HubSpot owner is the caller (`crmOwnerId` claim). */
  ownRecordsOnly?: boolean;
  /** Largest discount (percent) the role may grant on a quote line it confirms. */
  maxDiscountPercent?: number;
}

export const WRITE_RULES: Record<Role, RoleWriteRules> = {
  customer: { mutations: [] },
  sales_rep: {
    mutations: ['updateAccount', 'createQuote', 'updateQuote', 'confirmQuote', 'requestDeliveryDate'],
    accountFields: 'crm',
    ownRecordsOnly: true,
    maxDiscountPercent: 15,
  },
  sales_ops: { mutations: ['updateAccount', 'requestDeliveryDate'], accountFields: 'crm' },
  // §5: finance writes the Odoo-owned credit fields and payment terms, nothing else.
  finance: { mutations: ['updateAccount'], accountFields: ['creditLimit', 'paymentTerms'] },
  bi_reader: { mutations: [] },
  integration_admin: { mutations: [] },
};

function accountFieldsOf(rules: RoleWriteRules): string[] {
  if (!rules.accountFields) return [];
  if (rules.accountFields === 'crm') return Object.entries(OWNERSHIP.Account!).filter(([, d]) => d.owner === 'crm' && d.write).map(([f]) => f);
  return [...rules.accountFields];
}

/** Roles of the caller that may call a mutation at all. */
export function rolesForMutation(identity: Identity, mutation: string): Role[] {
  return identity.roles.filter((r) => WRITE_RULES[r].mutations.includes(mutation));
}

/** Account fields the caller may write (union over its roles that may call updateAccount). */
export function writableAccountFields(identity: Identity): Set<string> {
  return new Set(rolesForMutation(identity, 'updateAccount').flatMap((r) => accountFieldsOf(WRITE_RULES[r])));
}

/** True when every role that grants the mutation limits it to the caller's own records. */
export function limitedToOwnRecords(identity: Identity, mutation: string): boolean {
  const roles = rolesForMutation(identity, mutation);
  return roles.length > 0 && roles.every((r) => WRITE_RULES[r].ownRecordsOnly);
}

/** The largest discount any of the caller's roles may grant on confirmation; 0 when none. */
export function discountAuthority(identity: Identity): number {
  return Math.max(0, ...identity.roles.map((r) => WRITE_RULES[r].maxDiscountPercent ?? 0));
}
