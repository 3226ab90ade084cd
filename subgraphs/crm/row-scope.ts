// Row-level limits for CRM reads (§5, R6). A batch read by id cannot filter, so the
// limit is applied to the ids before the call: a record outside the caller's
// account is never requested. Lists pass the allowed ids into the search itself.
import type { CrmKind, CrmPort } from '../../connectors/crm/port.ts';
import { decodeId } from '../../core/ids.ts';
import type { Identity } from '../../core/identity.ts';
import { ownAccountLimit } from '../../policy/permissions.ts';

export interface CrmRowScope {
  readonly key: string;
  /** The ids of `kind` the caller may read; null = no limit. */
  allowedIds(kind: CrmKind): Promise<Set<string> | null>;
}

export const UNRESTRICTED: CrmRowScope = { key: 'all', allowedIds: async () => null };

export function customerScope(accountId: string, crm: CrmPort, requestId: string): CrmRowScope {
  const memo = new Map<CrmKind, Promise<Set<string>>>();
  const account = async (): Promise<Set<string>> => {
    const ref = decodeId(accountId, 'Account', 'accountId');
    if (ref.system === 'crm') return new Set([ref.sourceId]);
    const found = await crm.accountsByOdooPartnerId([ref.sourceId], { requestId });
    return new Set(found.map((c) => c.id));
  };
  const associated = async (from: Promise<Set<string>>, fromKind: CrmKind, toKind: CrmKind) => {
    const ids = [...(await from)];
    if (ids.length === 0) return new Set<string>();
    const map = await crm.associations(fromKind, ids, toKind, { requestId });
    return new Set([...map.values()].flat());
  };
  const compute = (kind: CrmKind): Promise<Set<string>> => {
    switch (kind) {
      case 'account':
        return account();
      case 'contact':
        return associated(get('account'), 'account', 'contact');
      case 'quote':
        return associated(get('account'), 'account', 'quote');
      case 'quoteLine':
        return associated(get('quote'), 'quote', 'quoteLine');
      case 'deal':
        return associated(get('account'), 'account', 'deal');
      case 'quoteTemplate':
        return associated(get('quote'), 'quote', 'quoteTemplate');
    }
  };
  const get = (kind: CrmKind): Promise<Set<string>> => {
    if (!memo.has(kind)) memo.set(kind, compute(kind));
    return memo.get(kind)!;
  };
  return { key: `customer:${accountId}`, allowedIds: (kind) => get(kind) };
}

export function rowScopeFor(identity: Identity, crm: CrmPort, requestId: string): CrmRowScope {
  const limit = ownAccountLimit(identity);
  return limit ? customerScope(limit.accountId, crm, requestId) : UNRESTRICTED;
}
