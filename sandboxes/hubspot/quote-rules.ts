// What a HubSpot portal requires of quotes, applied by the sandbox on every write path
// (create, update, batch create/update/upsert), so a connector that forgets a required
// property or association is refused here as it would be in production (QUOTE_RULES in
// portal.ts says what; facts doc §13 says where from).
import { QUOTE_RULES, type HubSpotObjectType } from './portal.ts';
import type { HubSpotStore } from './store.ts';

export interface QuoteProblem {
  name: string;
  error: string;
  message: string;
}

/** Required properties a new quote lacks (absent, null or blank). */
export function missingOnCreate(type: HubSpotObjectType, props: Record<string, string | null>): QuoteProblem[] {
  if (type !== 'quotes') return [];
  return QUOTE_RULES.requiredOnCreate
    .filter((name) => props[name] == null || props[name] === '')
    .map((name) => ({ name, error: 'REQUIRED_PROPERTY', message: `${name} is required` }));
}

/** The status a quote starts with when the create names none (an editable draft). */
export function withDefaultStatus(type: HubSpotObjectType, props: Record<string, string | null>): Record<string, string | null> {
  return type === 'quotes' && (props.hs_status == null || props.hs_status === '') ? { ...props, hs_status: 'DRAFT' } : props;
}

function needsAssociations(status: string | null | undefined): boolean {
  return status != null && (QUOTE_RULES.statusesNeedingAssociations as readonly string[]).includes(status);
}

/**
 * The associations a quote lacks for the status it is being moved to; [] when the
 * status needs none. `pending` are associations the same request adds (create with
 * inline associations).
 */
export function missingAssociations(
  store: HubSpotStore, type: HubSpotObjectType, id: string | undefined, status: string | null | undefined,
  pending: ReadonlyArray<{ toType: HubSpotObjectType }> = [],
): HubSpotObjectType[] {
  if (type !== 'quotes' || !needsAssociations(status)) return [];
  return QUOTE_RULES.requiredAssociations.filter((to) =>
    !pending.some((p) => p.toType === to) && (id === undefined || store.associationsOf('quotes', id, to).length === 0));
}
