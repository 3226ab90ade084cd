// Keyset-paged lists over Odoo: `id > cursor` ordered by id, `first + 1` rows to
// know whether another page exists, `search_count` only when totalCount is asked.
import type { Domain } from '../../../connectors/odoo/odoo-client.ts';
import { parsePageArgs, parseUpdatedSince, toConnection, type Connection, type PageArgs } from '../../common/paging.ts';
import { toOdooDatetime, type ReadModel } from '../../../connectors/odoo/canonical.ts';
import { countRows, searchRowsKeepingFieldErrors } from '../../../connectors/odoo/records.ts';
import type { OdooRow } from '../loaders.ts';
import type { OdooSubgraphContext } from '../context.ts';

export async function odooConnection(
  ctx: OdooSubgraphContext,
  model: ReadModel,
  domain: Domain,
  args: PageArgs,
): Promise<Connection<OdooRow>> {
  const page = parsePageArgs(args);
  const pageDomain = page.afterSourceId ? [...domain, ['id', '>', Number(page.afterSourceId)]] : domain;
  const rows: OdooRow[] = await searchRowsKeepingFieldErrors(ctx.session, model, pageDomain, { limit: page.first + 1, order: 'id asc' });
  return toConnection(rows, page, (r) => r.id, (r) => r, () => countRows(ctx.session, model, domain));
}

/**
 * A paged list nested under a list (an account's orders): the same edges, cursors
 * and totalCount as odooConnection on `[groupField in groupIds, ...domain]`, but
 * served for every parent of the level together (loaders.ts nestedPages).
 */
export async function nestedOdooConnection(
  ctx: OdooSubgraphContext,
  model: ReadModel,
  groupField: string,
  groupIds: readonly number[],
  domain: Domain,
  args: PageArgs,
): Promise<Connection<OdooRow>> {
  const page = parsePageArgs(args);
  const afterId = page.afterSourceId ? Number(page.afterSourceId) : null;
  const loader = ctx.loaders.nestedPages({ model, groupField, domain, limit: page.first + 1, afterId });
  const { rows, count } = await loader.load({ groupIds });
  return toConnection(rows, page, (r) => r.id, (r) => r, count);
}

export function updatedSinceDomain(value: string | null | undefined, field = 'filter.updatedSince'): Domain {
  const since = parseUpdatedSince(value, field);
  return since ? [['write_date', '>=', toOdooDatetime(since)]] : [];
}

/** Canonical enum values from a filter, translated to Odoo's raw values. */
export function selectionDomain<C extends string>(field: string, values: readonly C[] | null | undefined, toOdoo: Record<C, string>): Domain {
  return values && values.length ? [[field, 'in', values.map((v) => toOdoo[v])]] : [];
}
