// Per-request DataLoaders over the CRM port: one batch read per kind for records,
// one association read per relation, so a list of 50 quotes with their lines and
// accounts costs a handful of calls. Owners are master data, cached.
import DataLoader from 'dataloader';
import type { CacheSpec, MasterDataCache } from '../../core/cache.ts';
import { COMPONENTS } from '../../policy/components.ts';
import type { CrmAccount, CrmAlongside, CrmCallOptions, CrmKind, CrmOwner, CrmPort, CrmQuote, CrmRecords } from '../../connectors/crm/port.ts';
import type { CrmRowScope } from './row-scope.ts';
import type { Identity } from '../../core/identity.ts';
import { isAppError, type AppError } from '../../policy/errors.ts';
import type { CallBudget } from '../../core/call-budget.ts';

export interface CrmSession {
  crm: CrmPort;
  cache: MasterDataCache;
  requestId: string;
  scope: CrmRowScope;
  /** The request's backend-call budget (core/call-budget.ts). */
  budget?: CallBudget;
}

/** What the CRM subgraph caches: the CRM's owners (sales reps), which no write of this product changes. */
export const CRM_MASTER_DATA_CACHE: CacheSpec = { namespace: COMPONENTS.crm.subgraph, models: ['owner'] };

/** How many bad records one batch sets aside before the rest of it shares the failure (each costs one more read). */
const MAX_BAD_RECORDS_PER_BATCH = 3;

/**
 * One bad record costs its own key, not its batch (R7). The connector validates
 * an answer as a whole, so one object breaking HubSpot's contract fails the batch
 * with a MAPPING_ERROR naming that record: the record keeps the error, the other
 * ids are read again without it. A failure naming no record of the batch (an
 * outage, a broken envelope) stays a failure of every key, as it is.
 */
async function readKeepingBadRecords<R extends { id: string }>(ids: readonly string[], read: (ids: string[]) => Promise<R[]>): Promise<Map<string, R | AppError>> {
  const out = new Map<string, R | AppError>();
  let remaining = [...ids];
  for (let setAside = 0; remaining.length > 0; setAside++) {
    try {
      for (const r of await read(remaining)) out.set(r.id, r);
      break;
    } catch (e) {
      const bad = isAppError(e) && e.code === 'MAPPING_ERROR' ? String(e.details.recordId ?? '') : '';
      if (setAside >= MAX_BAD_RECORDS_PER_BATCH || !remaining.includes(bad)) throw e;
      out.set(bad, e as AppError);
      remaining = remaining.filter((id) => id !== bad);
    }
  }
  return out;
}

function recordLoader<K extends CrmKind>(session: CrmSession, kind: K) {
  return new DataLoader<string, CrmRecords[K] | null>(async (ids) => {
    const allowed = await session.scope.allowedIds(kind);
    const wanted = allowed ? ids.filter((id) => allowed.has(id)) : [...ids];
    const byId = await readKeepingBadRecords(wanted, (some) => session.crm.read(kind, some, { requestId: session.requestId, budget: session.budget }));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Records by a unique key; a scoped caller's lookup is limited to its own ids. */
function keyedLoader<R extends CrmAccount | CrmQuote>(
  session: CrmSession,
  kind: 'account' | 'quote',
  find: (keys: readonly string[], opts: CrmCallOptions & { requestId: string; withinIds?: readonly string[] }) => Promise<R[]>,
  keyOf: (r: R) => string | null,
) {
  return new DataLoader<string, R | null>(async (keys) => {
    const allowed = await session.scope.allowedIds(kind);
    const records = allowed && allowed.size === 0 ? [] : await find(keys, { requestId: session.requestId, budget: session.budget, ...(allowed ? { withinIds: [...allowed] } : {}) });
    const byKey = new Map(records.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** Complete association lists a read brought along (CrmAlongside), by `from>to`, then by from id: read once per request. */
type KnownLinks = Map<string, Map<string, string[]>>;
const linkKey = (from: CrmKind, to: CrmKind) => `${from}>${to}`;

function associationLoader(session: CrmSession, known: KnownLinks, from: CrmKind, to: CrmKind) {
  return new DataLoader<string, string[]>(async (ids) => {
    const [fromAllowed, toAllowed] = await Promise.all([session.scope.allowedIds(from), session.scope.allowedIds(to)]);
    const wanted = fromAllowed ? ids.filter((id) => fromAllowed.has(id)) : [...ids];
    const brought = known.get(linkKey(from, to));
    const missing = brought ? wanted.filter((id) => !brought.has(id)) : wanted;
    const map = missing.length ? await session.crm.associations(from, missing, to, { requestId: session.requestId, budget: session.budget }) : new Map<string, string[]>();
    // The same row limits whichever way the ids came.
    return ids.map((id) => (fromAllowed && !fromAllowed.has(id) ? [] : (map.get(id) ?? brought?.get(id) ?? [])).filter((toId) => !toAllowed || toAllowed.has(toId)));
  });
}

/** What a quote card reads next: the quote's account and lines, brought with the quote when the CRM can (CrmAlongside). */
function quoteAlongside(known: KnownLinks): CrmAlongside {
  return {
    to: ['account', 'quoteLine'],
    found: (fromId, to, toIds) => {
      const key = linkKey('quote', to);
      (known.get(key) ?? known.set(key, new Map()).get(key)!).set(fromId, toIds);
    },
  };
}

export type SalesRep = CrmOwner;

export function createCrmLoaders(session: CrmSession) {
  const { crm } = session;
  const known: KnownLinks = new Map();
  return {
    accounts: recordLoader(session, 'account'),
    accountsByOdooId: keyedLoader<CrmAccount>(session, 'account', (keys, o) => crm.accountsByOdooPartnerId(keys, o), (r) => (r.odooPartnerId == null ? null : String(r.odooPartnerId))),
    contacts: recordLoader(session, 'contact'),
    quotes: recordLoader(session, 'quote'),
    quotesByNumber: keyedLoader<CrmQuote>(session, 'quote', (keys, o) => crm.quotesByNumber(keys, { ...o, alongside: quoteAlongside(known) }), (r) => r.number),
    quoteLines: recordLoader(session, 'quoteLine'),
    accountContacts: associationLoader(session, known, 'account', 'contact'),
    accountQuotes: associationLoader(session, known, 'account', 'quote'),
    contactAccounts: associationLoader(session, known, 'contact', 'account'),
    quoteAccounts: associationLoader(session, known, 'quote', 'account'),
    quoteLineIds: associationLoader(session, known, 'quote', 'quoteLine'),
    lineQuotes: associationLoader(session, known, 'quoteLine', 'quote'),
    owners: new DataLoader<string, SalesRep | null>(async (ids) => {
      const all = await session.cache.get<SalesRep[]>(session.cache.key({ model: 'owner', scope: '', lookup: 'all' }), () => crm.owners({ requestId: session.requestId, budget: session.budget }));
      const map = new Map(all.map((o) => [o.id, o]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;

export interface CrmSubgraphContext {
  requestId: string;
  identity: Identity;
  session: CrmSession;
  loaders: CrmLoaders;
}
