// The HubSpot CRM objects the connector uses, in their wire shape. All property
// values travel as strings (§7); `null` means unset. What a portal configured for
// this integration holds (its properties, options, association types) is the
// sandbox's business: sandboxes/hubspot/portal.ts.

export const HUBSPOT_OBJECT_TYPES = ['companies', 'contacts', 'deals', 'quotes', 'line_items', 'products', 'notes'] as const;
export type HubSpotObjectType = (typeof HUBSPOT_OBJECT_TYPES)[number];

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotOwner { id: string; email: string; firstName: string; lastName: string; userId: number; archived: boolean }
