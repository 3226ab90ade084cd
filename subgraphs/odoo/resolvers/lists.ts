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

export function updatedSinceDomain(value: string | null | undefined, field = 'filter.updatedSince'): Domain {
  const since = parseUpdatedSince(value, field);
  return since ? [['write_date', '>=', toOdooDatetime(since)]] : [];
}

/** Canonical enum values from a filter, translated to Odoo's raw values. */
export function selectionDomain<C extends string>(field: string, values: readonly C[] | null | undefined, toOdoo: Record<C, string>): Domain {
  return values && values.length ? [[field, 'in', values.map((v) => toOdoo[v])]] : [];
}
