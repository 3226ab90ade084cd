// The HubSpot CRM objects the connector uses, in their wire shape. All property
// values travel as strings (§7); `null` means unset. What a portal configured for
// this integration holds (its properties, options, association types) is the
// sandbox's business: sandboxes/hubspot/portal.ts.

// quote_template: read-only through the API (templates are made in the portal's UI), but a
// quote must be associated with one to be editable, approvable and publishable (§7).
export const HUBSPOT_OBJECT_TYPES = ['companies', 'contacts', 'deals', 'quotes', 'line_items', 'products', 'quote_template', 'notes'] as const;
export type HubSpotObjectType = (typeof HUBSPOT_OBJECT_TYPES)[number];

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Set on archived objects (listed with `archived=true`). */
  archivedAt?: string;
  /**
   * Properties HubSpot sent as something other than a string or null (its contract says it
   * never does), kept out of `properties` with their raw values: the mapping fails just
   * those fields (withUnreadable, below), the object and its page still arrive.
   */
  unreadable?: Record<string, unknown>;
}

/**
 * The object as HubSpot sent it, unreadable properties back in place: what the mapping
 * validates (records.ts), so the field a bad property feeds fails with MAPPING_ERROR naming it.
 */
export function withUnreadable<T>(object: T): T {
  const o = object as { unreadable?: Record<string, unknown>; properties?: Record<string, unknown> } | null;
  if (!o || typeof o !== 'object' || !o.unreadable) return object;
  const { unreadable, ...rest } = o;
  return { ...rest, properties: { ...o.properties, ...unreadable } } as T;
}

export interface HubSpotOwner { id: string; email: string; firstName: string; lastName: string; userId: number; archived: boolean }
