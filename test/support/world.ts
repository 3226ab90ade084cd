// Small lookups into the seeded world that several write tests need.
import { encodeId } from '../../core/ids.ts';
import type { World } from '../../sandboxes/seed/index.ts';

export function companyOwner(world: World, hubspotCompanyId: string): string {
  const company = world.hubspot.objects.companies.find((c) => c.id === hubspotCompanyId);
  if (!company?.properties.hubspot_owner_id) throw new Error(`company ${hubspotCompanyId} has no owner`);
  return company.properties.hubspot_owner_id;
}

export function quoteByNumber(world: World, number: string) {
  const quote = world.hubspot.objects.quotes.find((q) => q.properties.quote_number === number);
  if (!quote) throw new Error(`no quote ${number}`);
  return { id: encodeId('Quote', 'crm', quote.id), hubspotId: quote.id, owner: quote.properties.hubspot_owner_id ?? '', properties: quote.properties };
}

/** Another owner than the given one, for "not your account" cases. */
export function otherOwner(world: World, owner: string): string {
  const other = world.hubspot.owners.find((o) => o.id !== owner);
  if (!other) throw new Error('only one owner');
  return other.id;
}
