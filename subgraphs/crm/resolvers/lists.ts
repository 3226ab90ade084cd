// Keyset-paged lists over the CRM port: in id order, the cursor is the last id,
// so pages stay stable under inserts. totalCount is a second query only when asked.
import type { CrmListKind, CrmListQueries, CrmRecords } from '../../../connectors/crm/port.ts';
import { emptyConnection, parsePageArgs, parseUpdatedSince, toConnection, type PageArgs } from '../../common/paging.ts';
import type { CrmSubgraphContext } from '../loaders.ts';

export type ListFilter<K extends CrmListKind> = Omit<CrmListQueries[K], 'limit' | 'afterId'>;

export async function crmConnection<K extends CrmListKind>(ctx: CrmSubgraphContext, kind: K, filter: ListFilter<K>, args: PageArgs) {
  const page = parsePageArgs(args);
  const allowed = await ctx.session.scope.allowedIds(kind);
  if (allowed && allowed.size === 0) return emptyConnection<CrmRecords[K]>();
  const query = { ...filter, withinIds: [...(filter.withinIds ?? []), ...(allowed ? [[...allowed]] : [])] } as ListFilter<K>;
  const rows = await ctx.session.crm.list(kind, { ...query, ...(page.afterSourceId ? { afterId: page.afterSourceId } : {}), limit: page.first + 1 } as CrmListQueries[K], { requestId: ctx.requestId, budget: ctx.session.budget });
  return toConnection(rows, page, (r) => r.id, (r) => r, () => ctx.session.crm.count(kind, { ...query, limit: 1 } as CrmListQueries[K], { requestId: ctx.requestId, budget: ctx.session.budget }));
}

export function updatedSince(value: string | null | undefined): { updatedSince?: Date } {
  const since = parseUpdatedSince(value);
  return since ? { updatedSince: since } : {};
}
