// Customers: one business entity may live in Odoo (res.partner + child contacts),
// in HubSpot (company + contacts), or both, cross-referenced through
// res.partner.ref ↔ companies.odoo_partner_id (§4). Most are clean pairs; a few are
// deliberately broken (brokenReferences) and a few are one-sided on purpose
// (Odoo-only accounts, HubSpot-only prospects).
import {
  COUNTRIES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, NAME_PARTS, OWNERS, STREETS, pricelistFor,
  type City, type CompanyId, type Country, type Lang,
} from './catalog.ts';
import type { Rng } from './prng.ts';
import { DAY, HOUR, MINUTE, type Sec } from './time.ts';

export type Segment = 'smb' | 'mid_market' | 'enterprise' | 'distributor';
export type PayBehavior = 'prompt' | 'normal' | 'slow' | 'never';
/** Whether a side holds the record: yes, no, or "ghost" (an id that was allocated and is gone). */
export type Presence = 'yes' | 'no' | 'ghost';
export type Role =
  | 'linked' | 'odoo_only' | 'prospect'
  | 'hubspot_points_to_missing_partner' | 'odoo_points_to_missing_company'
  | 'mismatched_pair' | 'hubspot_missing_reference' | 'duplicate_target' | 'duplicate_reference';

export interface Person {
  first: string;
  last: string;
  email: string;
  phone: string;
  jobTitle: string;
  active: boolean;
  createdAt: Sec;
  odooWrite: Sec;
  hsWrite: Sec;
  odooId?: number;
  hubspotId?: string;
}

export interface Customer {
  key: number;
  role: Role;
  name: string;
  lang: Lang;
  country: Country;
  city: City;
  street: string;
  domain: string;
  website: string;
  email: string;
  phone: string;
  /** The phone HubSpot shows (CRM owns phone; differs from Odoo for a few accounts). */
  hsPhone: string;
  vat: string | false;
  industry: string;
  segment: Segment;
  ownerId: string;
  lifecycle: string;
  home: CompanyId;
  /** res.partner.company_id: false = shared between companies. */
  restrictedTo: CompanyId | false;
  /** Per-company commercial terms (company-dependent fields); a company missing = Odoo's default. */
  terms: Partial<Record<CompanyId, number>>;
  pricelists: Partial<Record<CompanyId, number>>;
  creditLimit: Partial<Record<CompanyId, number>>;
  active: boolean;
  payBehavior: PayBehavior;
  odoo: Presence;
  hubspot: Presence;
  /** Whose HubSpot id this partner's `ref` holds (null = ref false). */
  refTarget: Customer | null;
  /** Whose Odoo id this company's `odoo_partner_id` holds (null = unset). */
  opidTarget: Customer | null;
  odooCreated: Sec;
  odooWrite: Sec;
  hsCreated: Sec;
  hsWrite: Sec;
  contacts: Person[];
  odooId?: number;
  hubspotId?: string;
}

export const SEGMENT_PRICELIST: Record<Segment, 'standard' | 'key' | 'distributor'> = {
  smb: 'standard', mid_market: 'standard', enterprise: 'key', distributor: 'distributor',
};

export function slug(s: string): string {
  return s
    .replace(/ß/g, 'ss').replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe').replace(/Ü/g, 'Ue').replace(/ø/g, 'o').replace(/Ø/g, 'O')
    .replace(/ł/g, 'l').replace(/Ł/g, 'L')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/&/g, ' ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function phoneNumber(rng: Rng, country: Country, city: City): string {
  if (country.phone === '+1') return `+1 ${city.area}-${rng.int(200, 989)}-${rng.digits(4)}`;
  if (country.code === 'CZ') return `+420 ${city.area}${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`;
  if (country.code === 'FR') return `+33 ${city.area} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`;
  const area = city.area.replace(/^0/, '');
  return `${country.phone} ${country.code === 'IT' ? city.area : area} ${rng.digits(rng.int(6, 7))}`;
}

function vatFor(rng: Rng, country: Country): string | false {
  switch (country.code) {
    case 'DE': return `DE${rng.int(1, 9)}${rng.digits(8)}`;
    case 'AT': return `ATU${rng.int(1, 9)}${rng.digits(7)}`;
    case 'CH': return `CHE-${rng.int(100, 999)}.${rng.digits(3)}.${rng.digits(3)} MWST`;
    case 'NL': return `NL${rng.digits(9)}B01`;
    case 'PL': return `PL${rng.int(1, 9)}${rng.digits(9)}`;
    case 'CZ': return `CZ${rng.int(1, 9)}${rng.digits(7)}`;
    case 'FR': return `FR${rng.digits(2)}${rng.int(1, 9)}${rng.digits(8)}`;
    case 'IT': return `IT${rng.digits(11)}`;
    case 'DK': return `DK${rng.int(1, 9)}${rng.digits(7)}`;
    case 'SE': return `SE${rng.int(1, 9)}${rng.digits(9)}01`;
    case 'US': return rng.chance(0.55) ? `${rng.int(10, 99)}-${rng.digits(7)}` : false;
    case 'CA': return `${rng.int(1, 9)}${rng.digits(8)}RT0001`;
    case 'MX': {
      const L = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const l = () => L[rng.int(0, 25)]!;
      return `${l()}${l()}${l()}${rng.digits(6)}${l()}${l()}${rng.int(0, 9)}`;
    }
    default: return false;
  }
}

function ownerFor(rng: Rng, country: Country, city: City): string {
  if (country.company === 2) return rng.pick([OWNERS[4].id, OWNERS[5].id]);
  if (country.code === 'DE') return city.region === 'DE-S' ? OWNERS[1].id : OWNERS[0].id;
  return rng.pick([OWNERS[2].id, OWNERS[3].id]);
}

function termsFor(rng: Rng, seg: Segment): number {
  switch (seg) {
    case 'enterprise': return rng.weighted([[4, 4], [5, 2], [3, 2]]);
    case 'distributor': return rng.weighted([[3, 3], [4, 2]]);
    case 'mid_market': return rng.weighted([[3, 5], [2, 2], [5, 1]]);
    case 'smb': return rng.weighted([[2, 3], [3, 3], [1, 2]]);
  }
}

interface NameFactory {
  used: Set<string>;
  domains: Set<string>;
  emails: Set<string>;
}

export interface CustomerPlan {
  customers: Customer[];
  goLive: Sec;
}

/**
 * Builds every customer entity. `now` anchors the timeline: the ERP went live about
 * 18.5 months before `now`, the CRM import followed twelve days later.
 */
export function buildCustomers(rng: Rng, now: Sec): CustomerPlan {
  const goLive = now - 560 * DAY;
  const crmImport = goLive + 12 * DAY;
  const names: NameFactory = { used: new Set(), domains: new Set(), emails: new Set() };
  const customers: Customer[] = [];

  const countryPairs = COUNTRIES.map((c) => [c, c.weight] as const);

  const person = (lang: Lang, domain: string, country: Country, city: City, createdAt: Sec): Person => {
    for (let attempt = 0; ; attempt++) {
      const first = rng.pick(FIRST_NAMES[lang]);
      const last = rng.pick(LAST_NAMES[lang]);
      const local = `${slug(first)}.${slug(last)}`.replace(/-/g, '');
      const email = attempt < 5 ? `${local}@${domain}` : `${local}${attempt}@${domain}`;
      if (names.emails.has(email)) continue;
      names.emails.add(email);
      return {
        first, last, email,
        phone: phoneNumber(rng, country, city),
        jobTitle: rng.pick(JOB_TITLES),
        active: true,
        createdAt,
        odooWrite: createdAt,
        hsWrite: createdAt,
      };
    }
  };

  const make = (role: Role, opts: { name?: string; country?: Country; city?: City; segment?: Segment; tradeIndustry?: string; created?: 'import' | 'new' } = {}): Customer => {
    const country = opts.country ?? rng.weighted(countryPairs);
    const city = opts.city ?? rng.pick(country.cities);
    const lang = country.lang;
    const parts = NAME_PARTS[lang];
    let name = opts.name ?? '';
    let industry = opts.tradeIndustry ?? 'MACHINERY';
    let stem = '';
    let word = '';
    for (let attempt = 0; !name || (names.used.has(name) && !opts.name); attempt++) {
      stem = rng.pick(parts.stems);
      const trade = rng.pick(parts.trades);
      word = trade.word;
      industry = trade.industry;
      name = `${stem} ${word} ${rng.pick(parts.legal)}`;
      if (attempt > 40) name = `${stem} ${word} ${city.city} ${rng.pick(parts.legal)}`;
    }
    names.used.add(name);
    if (!stem) {
      const tokens = name.split(' ');
      stem = tokens[0]!;
      word = tokens[1] ?? 'group';
    }
    let domain = `${slug(`${stem} ${word}`)}.${country.tld}`;
    for (let i = 2; names.domains.has(domain); i++) domain = `${slug(`${stem} ${word}`)}-${i}.${country.tld}`;
    names.domains.add(domain);
    const segment = opts.segment ?? rng.weighted<Segment>([['smb', 35], ['mid_market', 35], ['enterprise', 15], ['distributor', 15]]);
    const home = country.company;
    const imported = opts.created ? opts.created === 'import' : rng.chance(0.62);
    const seq = customers.length;
    let odooCreated: Sec;
    let hsCreated: Sec;
    if (imported) {
      odooCreated = goLive + DAY + 2 * HOUR + seq * 7;
      hsCreated = crmImport + 3 * HOUR + seq * 5;
    } else {
      hsCreated = goLive + 30 * DAY + Math.floor(rng.next() * (now - 75 * DAY - (goLive + 30 * DAY)));
      odooCreated = hsCreated + rng.int(2, 25) * DAY + rng.int(0, 8 * HOUR);
    }
    const infoLocal = lang === 'de' ? rng.pick(['info', 'einkauf', 'kontakt']) : lang === 'en' ? rng.pick(['info', 'purchasing', 'orders']) : 'info';
    const phone = phoneNumber(rng, country, city);
    const c: Customer = {
      key: seq, role, name, lang, country, city,
      street: `${rng.pick(STREETS[lang])} ${rng.int(1, 180)}`,
      domain, website: `https://www.${domain}`, email: `${infoLocal}@${domain}`,
      phone, hsPhone: phone,
      vat: vatFor(rng, country),
      industry, segment,
      ownerId: ownerFor(rng, country, city),
      lifecycle: 'customer',
      home, restrictedTo: false,
      terms: {}, pricelists: {}, creditLimit: {},
      active: true,
      payBehavior: rng.weighted<PayBehavior>([['prompt', 4], ['normal', 5], ['slow', 2]]),
      odoo: 'yes', hubspot: 'yes',
      refTarget: null, opidTarget: null,
      odooCreated, hsCreated,
      odooWrite: odooCreated, hsWrite: hsCreated,
      contacts: [],
    };
    c.terms[home] = termsFor(rng, segment);
    c.pricelists[home] = pricelistFor(home, SEGMENT_PRICELIST[segment]).id;
    const nContacts = rng.weighted([[1, 3], [2, 4], [3, 3]]);
    const base = Math.min(c.odooCreated, c.hsCreated);
    for (let i = 0; i < nContacts; i++) c.contacts.push(person(lang, domain, country, city, base + (i + 1) * MINUTE * rng.int(1, 9)));
    customers.push(c);
    return c;
  };

  // The account the README and demo tests use, crafted by hand.
  const de = COUNTRIES.find((c) => c.code === 'DE')!;
  const demo = make('linked', {
    name: 'Elbtal Anlagenbau GmbH', country: de, city: de.cities.find((c) => c.city === 'Dresden')!,
    segment: 'enterprise', tradeIndustry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING', created: 'import',
  });
  demo.terms = { 1: 5, 2: 3 };
  demo.pricelists = { 1: 2, 2: 4 };
  demo.payBehavior = 'normal';

  // The 200 clean pairs (the demo account is the first).
  while (customers.filter((c) => c.role === 'linked').length < 200) make('linked');

  // Deliberately broken references (not among the 200).
  for (let i = 0; i < 2; i++) make('hubspot_points_to_missing_partner');
  for (let i = 0; i < 2; i++) make('odoo_points_to_missing_company');
  for (let i = 0; i < 2; i++) make('mismatched_pair');
  for (let i = 0; i < 2; i++) make('hubspot_missing_reference');
  const dupTargets = [make('duplicate_target'), make('duplicate_target')];
  for (const t of dupTargets) {
    // A second Odoo partner for the same business, re-typed by hand.
    const variant = t.name.replace('GmbH & Co. KG', 'GmbH').replace(/ (GmbH|AG|KG|SE|Inc\.|LLC|Corp\.|Co\.|Ltd\.|B\.V\.|S\.r\.l\.|S\.p\.A\.|SAS|SA|AB|A\/S|ApS|s\.r\.o\.|a\.s\.|Sp\. z o\.o\.|S\.A\. de C\.V\.)$/, '');
    const dup = make('duplicate_reference', { name: variant === t.name ? `${t.name} (2)` : variant, country: t.country, city: t.city, segment: t.segment, tradeIndustry: t.industry, created: 'new' });
    dup.refTarget = t;
    dup.odooCreated = Math.max(t.odooCreated, now - 200 * DAY) + rng.int(1, 40) * DAY;
    dup.odooWrite = dup.odooCreated;
    dup.hsCreated = dup.odooCreated; // never in HubSpot; keeps its people's timestamps relative to the Odoo record
    dup.domain = t.domain;
    dup.website = t.website;
    dup.email = t.email;
    dup.vat = t.vat;
    dup.contacts = [{ ...t.contacts[0]!, createdAt: dup.odooCreated + MINUTE, odooWrite: dup.odooCreated + MINUTE }];
  }
  for (let i = 0; i < 12; i++) make('odoo_only', { created: 'new' });
  for (let i = 0; i < 15; i++) make('prospect', { created: 'new' });

  // Presence and cross-reference targets per role.
  const mismatched = customers.filter((c) => c.role === 'mismatched_pair');
  for (const c of customers) {
    switch (c.role) {
      case 'linked':
      case 'duplicate_target':
        c.refTarget = c; c.opidTarget = c; break;
      case 'hubspot_points_to_missing_partner':
        c.odoo = 'ghost'; c.opidTarget = c; break;
      case 'odoo_points_to_missing_company':
        c.hubspot = 'ghost'; c.refTarget = c; break;
      case 'mismatched_pair':
        c.refTarget = c; c.opidTarget = mismatched[0] === c ? mismatched[1]! : mismatched[0]!; break;
      case 'hubspot_missing_reference':
        c.refTarget = c; c.opidTarget = null; break;
      case 'duplicate_reference':
        c.hubspot = 'no'; break;
      case 'odoo_only':
        c.hubspot = 'no'; c.refTarget = null; break;
      case 'prospect':
        c.odoo = 'no'; c.opidTarget = null;
        c.lifecycle = rng.pick(['lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity']);
        c.terms = {}; c.pricelists = {};
        break;
    }
  }

  // Company-specific partners, dual-company customers, archived accounts, phone drift.
  const pool = customers.filter((c) => c.role === 'linked' && c.key !== demo.key);
  const shuffled = rng.shuffle(pool);
  let cursor = 0;
  const take = (n: number) => shuffled.slice(cursor, (cursor += n));
  for (const c of take(8)) c.restrictedTo = c.home;
  for (const c of take(50)) {
    const other: CompanyId = c.home === 1 ? 2 : 1;
    c.terms[other] = rng.pick([1, 2, 3, 4].filter((t) => t !== c.terms[c.home]));
    c.pricelists[other] = pricelistFor(other, c.segment === 'distributor' ? 'distributor' : 'standard').id;
  }
  for (const c of take(5)) {
    c.active = false;
    c.lifecycle = 'other';
    for (const p of c.contacts) p.active = false;
  }
  for (const c of take(6)) {
    c.hsPhone = phoneNumber(rng, c.country, c.city);
  }
  // Customers with an evangelist lifecycle (happy references).
  for (const c of take(6)) c.lifecycle = 'evangelist';
  // A few archived people at otherwise active customers (left the company).
  for (const c of take(4)) if (c.contacts.length > 1) c.contacts[c.contacts.length - 1]!.active = false;

  // Write dates: somewhere between creation and now, weighted to the recent past.
  for (const c of customers) {
    const linkAt = Math.max(c.odooCreated, c.hsCreated) + HOUR;
    c.odooWrite = c.odoo === 'yes' ? spread(rng, Math.max(c.odooCreated, c.refTarget ? linkAt : c.odooCreated), now) : c.odooCreated;
    c.hsWrite = spread(rng, Math.max(c.hsCreated, c.opidTarget ? linkAt : c.hsCreated), now);
    for (const p of c.contacts) {
      p.odooWrite = spread(rng, p.createdAt, now);
      p.hsWrite = spread(rng, p.createdAt, now);
    }
  }
  return { customers, goLive };
}

/** A moment in [from, to), skewed towards `to` (recently touched records are common). */
export function spread(rng: Rng, from: Sec, to: Sec): Sec {
  if (to <= from) return from;
  return from + Math.floor((to - from) * Math.sqrt(rng.next()));
}
