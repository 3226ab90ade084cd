// Keyset-paged lists over HubSpot search: sorted by hs_object_id, the cursor is a
// `hs_object_id > last` filter, so pages stay stable and never hit search's
// 10,000-result cap. totalCount is a second search (limit 1) only when asked.
import type { HubSpotObjectType } from '../../../connectors/crm/hubspot/mapping/objects.ts';
import { appError } from '../../../policy/errors.ts';
import { emptyConnection, parsePageArgs, parseUpdatedSince, toConnection, type PageArgs } from '../../common/paging.ts';
import { READ_PROPERTIES } from '../../../connectors/crm/hubspot/canonical.ts';
import { parseRows, type CrmRow, type CrmSubgraphContext } from '../loaders.ts';

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
}

/** One filter group, well inside HubSpot's per-group filter limit. */
const MAX_FILTERS = 6;

export async function crmConnection(ctx: CrmSubgraphContext, type: HubSpotObjectType, filters: SearchFilter[], args: PageArgs) {
  const page = parsePageArgs(args);
  const allowed = await ctx.session.scope.allowedIds(type);
  if (allowed && allowed.size === 0) return emptyConnection<CrmRow>();
  if (allowed) filters = [...filters, { propertyName: 'hs_object_id', operator: 'IN', values: [...allowed] }];
  if (filters.length + 1 > MAX_FILTERS) throw appError('BAD_USER_INPUT', 'Too many filters', { field: 'filter' });
  const cursor: SearchFilter[] = page.afterSourceId ? [{ propertyName: 'hs_object_id', operator: 'GT', value: page.afterSourceId }] : [];
  const result = await ctx.session.client.search(
    type,
    {
      filterGroups: filters.length + cursor.length ? [{ filters: [...filters, ...cursor] }] : [],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: [...READ_PROPERTIES[type]],
      limit: page.first + 1,
    },
    { requestId: ctx.requestId },
  );
  const rows = parseRows(type, result.results);
  return toConnection(rows, page, (r: CrmRow) => r.id, (r) => r, async () => {
    const count = await ctx.session.client.search(
      type,
      { filterGroups: filters.length ? [{ filters }] : [], properties: ['hs_object_id'], limit: 1 },
      { requestId: ctx.requestId },
    );
    return count.total;
  });
}

export function updatedSinceFilter(value: string | null | undefined, property = 'hs_lastmodifieddate'): SearchFilter[] {
  const since = parseUpdatedSince(value);
  return since ? [{ propertyName: property, operator: 'GTE', value: String(since.getTime()) }] : [];
}
