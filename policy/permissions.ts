// Who may do what (§5), as one table per role: what it reads, what it writes, the
// teams whose exceptions it works on, and the rows it is limited to. Each subgraph's
// graphql-shield rule set is generated from it (subgraphs/common/shield.ts), the
// permission-matrix test runs every read cell of it through the gateway, the README
// shows it, and the row scopes of the subgraphs ask it which callers are row-limited.
// Deny by default: a type or field a role's entry does not name is denied.
// Adding a role means adding it to ROLES and to each `Record<Role, …>` table below;
// the compiler and test/role-tables.test.ts name any gap.
//
// The row limits themselves (which Odoo domain, which HubSpot ids) are applied in the
// backend query, in each subgraph's row scope (subgraphs/*/row-scope.ts), so no other
// customer's row is ever fetched; this table only says who is limited and by which claim.
import { appError } from './errors.ts';
import { OWNERSHIP, isPlumbingType } from './ownership.ts';
import type { OwningTeam } from './teams.ts';

export const ROLES = ['customer', 'sales_rep', 'sales_ops', 'finance', 'bi_reader', 'integration_admin'] as const;
export type Role = (typeof ROLES)[number];

/** A verified caller as the permission rules see it (core/identity.ts builds it from a token). */
export interface Identity {
  sub: string;
  roles: Role[];
  /** customer: the canonical Account id it may see. */
  accountId: string | null;
  /** Odoo companies the caller may see (null: every company the integration user has). */
  companyIds: number[] | null;
  scopes: string[];
  /** sales_rep: the HubSpot owner id it acts as; it may change only accounts and quotes it owns. */
  crmOwnerId?: string | null;
}

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
  integration_admin: { queries: ['auditLog', 'integrationExceptions'], types: ['AuditEntry', 'IntegrationException', 'ExceptionActionPayload'], deniedFields: ['IntegrationException.detail'] },
};

// ---------------------------------------------------------------- exceptions (§3, R8)

/** Which teams' integration exceptions a role works on (reads now; replays and discards when they come). */
export const EXCEPTION_TEAMS: Record<Role, readonly OwningTeam[] | 'all'> = {
  customer: [],
  sales_rep: [],
  sales_ops: ['SALES_OPERATIONS'],
  finance: ['FINANCE'],
  bi_reader: [],
  integration_admin: 'all',
};

/** Whether the caller works on this team's exceptions (and so may replay or discard them). */
export function mayActOnException(identity: Identity, team: OwningTeam): boolean {
  const teams = exceptionTeamsOf(identity);
  return teams === null || teams.includes(team);
}

/** The teams whose exceptions the caller sees: null = every team (union over its roles). */
export function exceptionTeamsOf(identity: Identity): OwningTeam[] | null {
  const grants = identity.roles.map((r) => EXCEPTION_TEAMS[r]);
  if (grants.includes('all')) return null;
  return [...new Set(grants.flatMap((g) => (g === 'all' ? [] : g)))];
}

// ---------------------------------------------------------------- rows (§5 row-level limits)

/** `all`: every row of the caller's companies; `own-account`: only the account named by the token claim, and what hangs off it. */
export type RowLimit = { rows: 'all' } | { rows: 'own-account'; claim: 'accountId' };

export const ROW_LIMITS: Record<Role, RowLimit> = {
  customer: { rows: 'own-account', claim: 'accountId' },
  sales_rep: { rows: 'all' },
  sales_ops: { rows: 'all' },
  finance: { rows: 'all' },
  bi_reader: { rows: 'all' },
  integration_admin: { rows: 'all' },
};

/**
 * The account a caller's reads are limited to, or null when no role limits its rows.
 * A row-limited role whose claim is missing is refused rather than shown everything
 * (the token check already refuses such tokens; this is the second lock).
 */
export function ownAccountLimit(identity: Identity): { accountId: string } | null {
  for (const role of identity.roles) {
    const limit = ROW_LIMITS[role];
    if (limit.rows !== 'own-account') continue;
    const accountId = identity[limit.claim];
    if (!accountId) throw appError('FORBIDDEN', `The ${role} role needs the ${limit.claim} claim`);
    return { accountId };
  }
  return null;
}

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

/** The scopes that would unmask commercially sensitive fields for this caller's roles. */
export function unmaskingScopes(identity: Identity): string[] {
  return [...new Set(identity.roles.flatMap((r) => READ_RULES[r].maskCommercialUnlessScope ?? []))];
}

/** A caller with several roles gets the most permissive answer among them (customer tokens carry one role only). */
export function accessForIdentity(identity: Identity, type: string, field: string): Access {
  const answers = identity.roles.map((r) => accessFor(r, identity.scopes, type, field));
  if (answers.includes('allow')) return 'allow';
  if (answers.includes('mask')) return 'mask';
  return 'deny';
}

// ---------------------------------------------------------------- writes (§5 "May write")

/** Acting on exceptions (R8): whoever works on a team's exceptions (EXCEPTION_TEAMS) may replay or discard them. */
const EXCEPTION_MUTATIONS = ['replayException', 'discardException'] as const;

export interface RoleWriteRules {
  /** Mutations the role may call at all. */
  mutations: readonly string[];
  /** Per canonical type, the fields it may change: 'crm' = every writable CRM-owned field of the type (ownership.ts). */
  fields?: Partial<Record<string, 'crm' | readonly string[]>>;
  /** Only accounts / quotes / orders whose HubSpot owner is the caller (`crmOwnerId` claim). */
  ownRecordsOnly?: boolean;
  /** Largest discount (percent) the role may grant on a quote line it confirms. */
  maxDiscountPercent?: number;
}

export const WRITE_RULES: Record<Role, RoleWriteRules> = {
  customer: { mutations: [] },
  sales_rep: {
    mutations: ['updateAccount', 'createQuote', 'updateQuote', 'confirmQuote', 'requestDeliveryDate'],
    fields: { Account: 'crm' },
    ownRecordsOnly: true,
    maxDiscountPercent: 15,
  },
  sales_ops: { mutations: ['updateAccount', 'requestDeliveryDate', ...EXCEPTION_MUTATIONS], fields: { Account: 'crm' } },
  // §5: finance writes the Odoo-owned credit fields and payment terms, nothing else.
  finance: { mutations: ['updateAccount', ...EXCEPTION_MUTATIONS], fields: { Account: ['creditLimit', 'paymentTerms'] } },
  bi_reader: { mutations: [] },
  integration_admin: { mutations: [...EXCEPTION_MUTATIONS] },
};

/**
 * Mutations whose input argument is a set of fields of one canonical type. The shield
 * checks every input field before the resolver runs: a field ownership.ts declares
 * read-only is READ_ONLY_FIELD, a field the caller's roles may not change (`fields`
 * above) is FORBIDDEN.
 */
export const FIELD_INPUTS: Readonly<Record<string, { argument: string; type: string }>> = {
  updateAccount: { argument: 'input', type: 'Account' },
};

function fieldsOf(rules: RoleWriteRules, type: string): string[] {
  const granted = rules.fields?.[type];
  if (!granted) return [];
  if (granted === 'crm') return Object.entries(OWNERSHIP[type] ?? {}).filter(([, d]) => d.owner === 'crm' && d.write).map(([f]) => f);
  return [...granted];
}

/** Roles of the caller that may call a mutation at all. */
export function rolesForMutation(identity: Identity, mutation: string): Role[] {
  return identity.roles.filter((r) => WRITE_RULES[r].mutations.includes(mutation));
}

/** Fields of `type` the caller may write through `mutation` (union over its roles that may call it). */
export function writableFields(identity: Identity, mutation: string, type: string): Set<string> {
  return new Set(rolesForMutation(identity, mutation).flatMap((r) => fieldsOf(WRITE_RULES[r], type)));
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
