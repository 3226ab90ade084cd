// The teams integration exceptions are routed to (R8): each failure goes to the team
// that owns the fix. Defined once; the GraphQL enum `OwningTeam` and the store's
// CHECK constraint are copies a test holds to this list (test/role-tables.test.ts).
export const OWNING_TEAMS = {
  /** Customer master mismatches, products, prices, discounts, delivery terms. */
  SALES_OPERATIONS: 'Sales operations',
  /** Credit, tax, posting, payment terms. */
  FINANCE: 'Finance',
  /** Mapping, configuration, cross-references between the systems. */
  ERP_ADMIN: 'ERP admin',
} as const;

export type OwningTeam = keyof typeof OWNING_TEAMS;
export const OWNING_TEAM_NAMES = Object.keys(OWNING_TEAMS) as OwningTeam[];
