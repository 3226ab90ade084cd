// Static master data of the Nordwerk world: currencies, the two companies (plants),
// warehouses, units, payment terms, pricelists, incoterms, carriers, users, sales
// reps — and the vocabularies the generators draw names from.

export const CURRENCIES = [
  { id: 1, name: 'EUR', symbol: '€' },
  { id: 2, name: 'USD', symbol: '$' },
] as const;

export type CompanyId = 1 | 2;
export const COMPANY_IDS: readonly CompanyId[] = [1, 2];

export const COMPANIES = [
  // useCreditLimit: the Invoicing setting "Sales Credit Limit" (account_use_credit_limit). The German company
  // enforces partner limits, the US one leaves it off, so both of Odoo's behaviours are in the world.
  { id: 1 as CompanyId, name: 'Nordwerk Maschinenbau GmbH', currencyId: 1, currency: 'EUR', sequence: 10, useCreditLimit: true },
  { id: 2 as CompanyId, name: 'Nordwerk Industries Inc.', currencyId: 2, currency: 'USD', sequence: 20, useCreditLimit: false },
] as const;

/** Sales tax per company, rounded per line (Odoo's default `round_per_line`). */
export const TAX_RATES: Record<CompanyId, number> = { 1: 0.19, 2: 0.0725 };

export type WarehouseCode = 'WH' | 'LPZ' | 'CLT';
export const WAREHOUSES = [
  // Hamburg: main plant (manufacturing) and one-step delivery.
  { id: 1, code: 'WH' as WarehouseCode, name: 'Hamburg', companyId: 1 as CompanyId, sequence: 10, twoStep: false, manufactures: true },
  // Leipzig: distribution centre, two-step delivery (pick + ship), no manufacturing.
  { id: 2, code: 'LPZ' as WarehouseCode, name: 'Leipzig', companyId: 1 as CompanyId, sequence: 20, twoStep: true, manufactures: false },
  // Charlotte: the US plant.
  { id: 3, code: 'CLT' as WarehouseCode, name: 'Charlotte', companyId: 2 as CompanyId, sequence: 10, twoStep: false, manufactures: true },
] as const;
export type Warehouse = (typeof WAREHOUSES)[number];

export const UOMS = [
  { id: 1, name: 'Units' },
  { id: 2, name: 'kg' },
  { id: 3, name: 'm' },
] as const;
export const UOM = { unit: 1, kg: 2, m: 3 } as const;

/** Payment terms with the days to the (last) due date; `firstShare` is the part due immediately. */
export const PAYMENT_TERMS = [
  { id: 1, name: 'Immediate Payment', days: 0, firstShare: 0, sequence: 1, note: '<p>Payment due on receipt of invoice.</p>' },
  { id: 2, name: '15 Days', days: 15, firstShare: 0, sequence: 2, note: '<p>Payment terms: 15 Days</p>' },
  { id: 3, name: '30 Days', days: 30, firstShare: 0, sequence: 3, note: '<p>Payment terms: 30 Days</p>' },
  { id: 4, name: '45 Days', days: 45, firstShare: 0, sequence: 4, note: '<p>Payment terms: 45 Days</p>' },
  { id: 5, name: '30% Now, Balance 60 Days', days: 60, firstShare: 0.3, sequence: 5, note: '<p>30% due immediately, balance within 60 days.</p>' },
] as const;
export type PaymentTerm = (typeof PAYMENT_TERMS)[number];
export const PAYMENT_TERM_DAYS: Record<number, number> = Object.fromEntries(PAYMENT_TERMS.map((t) => [t.id, t.days]));

export const PRICELISTS = [
  { id: 1, name: 'Standard (EUR)', companyId: 1 as CompanyId, currencyId: 1, maxDiscount: 10, sequence: 10, kind: 'standard' },
  { id: 2, name: 'Key Accounts (EUR)', companyId: 1 as CompanyId, currencyId: 1, maxDiscount: 20, sequence: 11, kind: 'key' },
  { id: 3, name: 'Distributors (EUR)', companyId: 1 as CompanyId, currencyId: 1, maxDiscount: 30, sequence: 12, kind: 'distributor' },
  { id: 4, name: 'Standard (USD)', companyId: 2 as CompanyId, currencyId: 2, maxDiscount: 10, sequence: 10, kind: 'standard' },
  { id: 5, name: 'Distributors (USD)', companyId: 2 as CompanyId, currencyId: 2, maxDiscount: 25, sequence: 12, kind: 'distributor' },
] as const;
export type Pricelist = (typeof PRICELISTS)[number];

export function pricelistFor(companyId: CompanyId, kind: 'standard' | 'key' | 'distributor'): Pricelist {
  return (
    PRICELISTS.find((p) => p.companyId === companyId && p.kind === kind) ??
    PRICELISTS.find((p) => p.companyId === companyId && p.kind === 'standard')!
  );
}

/** Incoterms 2020. */
export const INCOTERMS = [
  { id: 1, code: 'EXW', name: 'EX WORKS' },
  { id: 2, code: 'FCA', name: 'FREE CARRIER' },
  { id: 3, code: 'FAS', name: 'FREE ALONGSIDE SHIP' },
  { id: 4, code: 'FOB', name: 'FREE ON BOARD' },
  { id: 5, code: 'CFR', name: 'COST AND FREIGHT' },
  { id: 6, code: 'CIF', name: 'COST, INSURANCE AND FREIGHT' },
  { id: 7, code: 'CPT', name: 'CARRIAGE PAID TO' },
  { id: 8, code: 'CIP', name: 'CARRIAGE AND INSURANCE PAID TO' },
  { id: 9, code: 'DAP', name: 'DELIVERED AT PLACE' },
  { id: 10, code: 'DPU', name: 'DELIVERED AT PLACE UNLOADED' },
  { id: 11, code: 'DDP', name: 'DELIVERED DUTY PAID' },
] as const;
export const incotermId = (code: string): number => INCOTERMS.find((i) => i.code === code)!.id;

export const CARRIERS = [
  { id: 1, name: 'DHL Freight', sequence: 10, companies: [1], tracking: 'dhl' },
  { id: 2, name: 'DB Schenker', sequence: 20, companies: [1], tracking: 'schenker' },
  { id: 3, name: 'Kuehne + Nagel Road', sequence: 30, companies: [1], tracking: 'kn' },
  { id: 4, name: 'UPS Standard', sequence: 40, companies: [1, 2], tracking: 'ups' },
  { id: 5, name: 'FedEx Freight', sequence: 50, companies: [2], tracking: 'fedex' },
  { id: 6, name: 'XPO LTL', sequence: 60, companies: [2], tracking: 'xpo' },
] as const;
export type Carrier = (typeof CARRIERS)[number];

export const ODOO_DATABASE = 'nordwerk';

export const ODOO_GROUPS_FULL = [
  'base.group_user',
  'sales_team.group_sale_salesman_all_leads',
  'account.group_account_invoice',
  'stock.group_stock_user',
  'mrp.group_mrp_user',
] as const;

export const ODOO_GROUPS_RESTRICTED = ['base.group_user', 'sales_team.group_sale_salesman', 'stock.group_stock_user'] as const;

/** The HubSpot sales reps (owners). */
export const OWNERS = [
  { id: '81460201', userId: 9160201, firstName: 'Jonas', lastName: 'Petersen', email: 'jonas.petersen@nordwerk.example', region: 'DE-N' },
  { id: '81460202', userId: 9160202, firstName: 'Miriam', lastName: 'Albrecht', email: 'miriam.albrecht@nordwerk.example', region: 'DE-S' },
  { id: '81460203', userId: 9160203, firstName: 'Tomasz', lastName: 'Wiśniewski', email: 'tomasz.wisniewski@nordwerk.example', region: 'EU' },
  { id: '81460204', userId: 9160204, firstName: 'Claire', lastName: 'Fontaine', email: 'claire.fontaine@nordwerk.example', region: 'EU' },
  { id: '81460205', userId: 9160205, firstName: 'Derek', lastName: 'Holloway', email: 'derek.holloway@nordwerk.example', region: 'US' },
  { id: '81460206', userId: 9160206, firstName: 'Sofia', lastName: 'Ramirez', email: 'sofia.ramirez@nordwerk.example', region: 'US' },
] as const;

// ---------------------------------------------------------------- geography

export interface City { city: string; zip: string; area: string; region?: string }
export interface Country {
  code: string;
  name: string;
  phone: string;
  tld: string;
  lang: Lang;
  company: CompanyId;
  weight: number;
  cities: City[];
}
export type Lang = 'de' | 'nl' | 'pl' | 'cs' | 'fr' | 'it' | 'da' | 'sv' | 'en' | 'es';

export const COUNTRIES: Country[] = [
  {
    code: 'DE', name: 'Germany', phone: '+49', tld: 'de', lang: 'de', company: 1, weight: 52,
    cities: [
      { city: 'Hamburg', zip: '20457', area: '40', region: 'DE-N' }, { city: 'Bremen', zip: '28195', area: '421', region: 'DE-N' },
      { city: 'Hannover', zip: '30159', area: '511', region: 'DE-N' }, { city: 'Kiel', zip: '24103', area: '431', region: 'DE-N' },
      { city: 'Rostock', zip: '18055', area: '381', region: 'DE-N' }, { city: 'Berlin', zip: '10115', area: '30', region: 'DE-N' },
      { city: 'Magdeburg', zip: '39104', area: '391', region: 'DE-N' }, { city: 'Osnabrück', zip: '49074', area: '541', region: 'DE-N' },
      { city: 'Bielefeld', zip: '33602', area: '521', region: 'DE-N' }, { city: 'Dortmund', zip: '44135', area: '231', region: 'DE-N' },
      { city: 'Essen', zip: '45127', area: '201', region: 'DE-N' }, { city: 'Düsseldorf', zip: '40213', area: '211', region: 'DE-N' },
      { city: 'Köln', zip: '50667', area: '221', region: 'DE-N' }, { city: 'Kassel', zip: '34117', area: '561', region: 'DE-N' },
      { city: 'Wolfsburg', zip: '38440', area: '5361', region: 'DE-N' }, { city: 'Leipzig', zip: '04109', area: '341', region: 'DE-S' },
      { city: 'Dresden', zip: '01067', area: '351', region: 'DE-S' }, { city: 'Chemnitz', zip: '09111', area: '371', region: 'DE-S' },
      { city: 'Erfurt', zip: '99084', area: '361', region: 'DE-S' }, { city: 'Frankfurt am Main', zip: '60311', area: '69', region: 'DE-S' },
      { city: 'Mannheim', zip: '68159', area: '621', region: 'DE-S' }, { city: 'Karlsruhe', zip: '76133', area: '721', region: 'DE-S' },
      { city: 'Stuttgart', zip: '70173', area: '711', region: 'DE-S' }, { city: 'Ulm', zip: '89073', area: '731', region: 'DE-S' },
      { city: 'Augsburg', zip: '86150', area: '821', region: 'DE-S' }, { city: 'München', zip: '80331', area: '89', region: 'DE-S' },
      { city: 'Nürnberg', zip: '90402', area: '911', region: 'DE-S' }, { city: 'Regensburg', zip: '93047', area: '941', region: 'DE-S' },
      { city: 'Saarbrücken', zip: '66111', area: '681', region: 'DE-S' }, { city: 'Freiburg im Breisgau', zip: '79098', area: '761', region: 'DE-S' },
    ],
  },
  { code: 'AT', name: 'Austria', phone: '+43', tld: 'at', lang: 'de', company: 1, weight: 6, cities: [
    { city: 'Wien', zip: '1100', area: '1' }, { city: 'Linz', zip: '4020', area: '732' }, { city: 'Graz', zip: '8010', area: '316' }, { city: 'Salzburg', zip: '5020', area: '662' } ] },
  { code: 'CH', name: 'Switzerland', phone: '+41', tld: 'ch', lang: 'de', company: 1, weight: 4, cities: [
    { city: 'Zürich', zip: '8005', area: '44' }, { city: 'Basel', zip: '4051', area: '61' }, { city: 'Winterthur', zip: '8400', area: '52' } ] },
  { code: 'NL', name: 'Netherlands', phone: '+31', tld: 'nl', lang: 'nl', company: 1, weight: 5, cities: [
    { city: 'Rotterdam', zip: '3011 AA', area: '10' }, { city: 'Eindhoven', zip: '5611 AB', area: '40' }, { city: 'Utrecht', zip: '3511 AB', area: '30' } ] },
  { code: 'PL', name: 'Poland', phone: '+48', tld: 'pl', lang: 'pl', company: 1, weight: 5, cities: [
    { city: 'Poznań', zip: '61-001', area: '61' }, { city: 'Wrocław', zip: '50-001', area: '71' }, { city: 'Gdańsk', zip: '80-001', area: '58' } ] },
  { code: 'CZ', name: 'Czech Republic', phone: '+420', tld: 'cz', lang: 'cs', company: 1, weight: 3, cities: [
    { city: 'Brno', zip: '602 00', area: '5' }, { city: 'Plzeň', zip: '301 00', area: '3' }, { city: 'Ostrava', zip: '702 00', area: '5' } ] },
  { code: 'FR', name: 'France', phone: '+33', tld: 'fr', lang: 'fr', company: 1, weight: 3, cities: [
    { city: 'Lyon', zip: '69002', area: '4' }, { city: 'Strasbourg', zip: '67000', area: '3' }, { city: 'Lille', zip: '59000', area: '3' } ] },
  { code: 'IT', name: 'Italy', phone: '+39', tld: 'it', lang: 'it', company: 1, weight: 3, cities: [
    { city: 'Milano', zip: '20121', area: '02' }, { city: 'Torino', zip: '10121', area: '011' }, { city: 'Bologna', zip: '40121', area: '051' } ] },
  { code: 'DK', name: 'Denmark', phone: '+45', tld: 'dk', lang: 'da', company: 1, weight: 2, cities: [
    { city: 'Aarhus', zip: '8000', area: '8' }, { city: 'Odense', zip: '5000', area: '6' } ] },
  { code: 'SE', name: 'Sweden', phone: '+46', tld: 'se', lang: 'sv', company: 1, weight: 2, cities: [
    { city: 'Göteborg', zip: '411 01', area: '31' }, { city: 'Västerås', zip: '721 30', area: '21' } ] },
  {
    code: 'US', name: 'United States', phone: '+1', tld: 'com', lang: 'en', company: 2, weight: 24,
    cities: [
      { city: 'Charlotte', zip: '28202', area: '704', region: 'NC' }, { city: 'Greenville', zip: '29601', area: '864', region: 'SC' },
      { city: 'Cleveland', zip: '44114', area: '216', region: 'OH' }, { city: 'Columbus', zip: '43215', area: '614', region: 'OH' },
      { city: 'Houston', zip: '77002', area: '713', region: 'TX' }, { city: 'Tulsa', zip: '74103', area: '918', region: 'OK' },
      { city: 'Milwaukee', zip: '53202', area: '414', region: 'WI' }, { city: 'Pittsburgh', zip: '15222', area: '412', region: 'PA' },
      { city: 'Detroit', zip: '48226', area: '313', region: 'MI' }, { city: 'Chicago', zip: '60601', area: '312', region: 'IL' },
      { city: 'Atlanta', zip: '30303', area: '404', region: 'GA' }, { city: 'Louisville', zip: '40202', area: '502', region: 'KY' },
      { city: 'Indianapolis', zip: '46204', area: '317', region: 'IN' }, { city: 'Minneapolis', zip: '55401', area: '612', region: 'MN' },
      { city: 'Portland', zip: '97204', area: '503', region: 'OR' }, { city: 'Denver', zip: '80202', area: '303', region: 'CO' },
      { city: 'Baton Rouge', zip: '70801', area: '225', region: 'LA' }, { city: 'Richmond', zip: '23219', area: '804', region: 'VA' },
      { city: 'Birmingham', zip: '35203', area: '205', region: 'AL' }, { city: 'Rochester', zip: '14604', area: '585', region: 'NY' },
    ],
  },
  { code: 'CA', name: 'Canada', phone: '+1', tld: 'ca', lang: 'en', company: 2, weight: 4, cities: [
    { city: 'Toronto', zip: 'M5H 2N2', area: '416' }, { city: 'Hamilton', zip: 'L8P 4R5', area: '905' }, { city: 'Calgary', zip: 'T2P 1J9', area: '403' } ] },
  { code: 'MX', name: 'Mexico', phone: '+52', tld: 'com.mx', lang: 'es', company: 2, weight: 3, cities: [
    { city: 'Monterrey', zip: '64000', area: '81' }, { city: 'Querétaro', zip: '76000', area: '442' }, { city: 'Saltillo', zip: '25000', area: '844' } ] },
];

export const STREETS: Record<Lang, string[]> = {
  de: ['Industriestraße', 'Hafenstraße', 'Gewerbering', 'Am Werkhof', 'Siemensstraße', 'Daimlerstraße', 'Robert-Bosch-Straße', 'Rudolf-Diesel-Straße', 'Zeppelinstraße', 'Carl-Benz-Straße', 'Otto-Hahn-Straße', 'Im Gewerbepark'],
  nl: ['Industrieweg', 'Havenstraat', 'Energieweg', 'Nijverheidsweg'],
  pl: ['ul. Przemysłowa', 'ul. Fabryczna', 'ul. Portowa', 'ul. Składowa'],
  cs: ['Průmyslová', 'Tovární', 'Vídeňská', 'Hálkova'],
  fr: ['Rue de l’Industrie', 'Avenue des Usines', 'Rue du Port', 'Zone Industrielle Nord'],
  it: ['Via dell’Industria', 'Via dei Mestieri', 'Viale del Lavoro', 'Via Enrico Fermi'],
  da: ['Industrivej', 'Havnegade', 'Fabriksvej'],
  sv: ['Industrigatan', 'Hamngatan', 'Verkstadsvägen'],
  en: ['Industrial Parkway', 'Commerce Drive', 'Riverside Avenue', 'Enterprise Boulevard', 'Manufacturers Road', 'Foundry Street', 'Mill Road'],
  es: ['Av. Industrial', 'Calle de la Fundición', 'Parque Industrial Norte'],
};

export const FIRST_NAMES: Record<Lang, string[]> = {
  de: ['Anna', 'Lukas', 'Julia', 'Jonas', 'Sabine', 'Thomas', 'Katrin', 'Michael', 'Stefanie', 'Andreas', 'Claudia', 'Markus', 'Petra', 'Tobias', 'Nina', 'Florian', 'Sandra', 'Matthias', 'Laura', 'Daniel', 'Jürgen', 'Birgit', 'Sven', 'Heike', 'Dirk', 'Anja', 'Frank', 'Ute', 'Holger', 'Silke'],
  nl: ['Daan', 'Sanne', 'Bram', 'Eva', 'Jeroen', 'Lotte', 'Pieter', 'Femke'],
  pl: ['Piotr', 'Anna', 'Krzysztof', 'Agnieszka', 'Marcin', 'Katarzyna', 'Tomasz', 'Magdalena'],
  cs: ['Jan', 'Petra', 'Tomáš', 'Lucie', 'Martin', 'Jana', 'Pavel', 'Eva'],
  fr: ['Julien', 'Camille', 'Nicolas', 'Émilie', 'Laurent', 'Claire', 'Mathieu', 'Sophie'],
  it: ['Marco', 'Giulia', 'Luca', 'Francesca', 'Alessandro', 'Chiara', 'Matteo', 'Sara'],
  da: ['Mads', 'Mette', 'Rasmus', 'Louise', 'Søren', 'Camilla'],
  sv: ['Erik', 'Anna', 'Johan', 'Maria', 'Lars', 'Karin'],
  en: ['James', 'Jennifer', 'Robert', 'Patricia', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan', 'Brian', 'Karen', 'Kevin', 'Amanda', 'Jason', 'Melissa', 'Ryan', 'Heather', 'Eric', 'Nicole', 'Scott', 'Rachel', 'Greg', 'Megan'],
  es: ['Alejandro', 'María', 'Carlos', 'Guadalupe', 'Jorge', 'Verónica', 'Luis', 'Adriana'],
};

export const LAST_NAMES: Record<Lang, string[]> = {
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Maier', 'Jansen', 'Petersen', 'Hansen', 'Vogt', 'Brandt', 'Sommer', 'Seidel', 'Heinrich', 'Ludwig', 'Kühn'],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer'],
  pl: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński'],
  cs: ['Novák', 'Svoboda', 'Novotný', 'Dvořák', 'Černý', 'Procházka', 'Kučera', 'Veselý'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'],
  it: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci'],
  da: ['Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen'],
  sv: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson'],
  en: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Baker', 'Carter', 'Mitchell', 'Turner', 'Parker', 'Collins'],
  es: ['García', 'Hernández', 'Martínez', 'López', 'González', 'Rodríguez', 'Pérez', 'Sánchez'],
};

export const JOB_TITLES = [
  'Head of Procurement', 'Purchasing Manager', 'Technical Buyer', 'Plant Manager', 'Maintenance Manager',
  'Project Engineer', 'Operations Director', 'Accounts Payable', 'Managing Director', 'Process Engineer',
] as const;

/** Company-name building blocks per language: [stems, trades(with HubSpot industry), legal forms]. */
export interface Trade { word: string; industry: string }
export const NAME_PARTS: Record<Lang, { stems: string[]; trades: Trade[]; legal: string[] }> = {
  de: {
    stems: ['Brandt', 'Keller', 'Vogel', 'Hartmann', 'Schuster', 'Lindner', 'Wagner', 'Becker', 'Krüger', 'Hofmann', 'Schröder', 'Neumann', 'Zimmermann', 'Lange', 'Lehmann', 'Köhler', 'Hahn', 'Kaiser', 'Fuchs', 'Scholz', 'Möller', 'Jung', 'Roth', 'Berger', 'Busch', 'Ostsee', 'Elbe', 'Weser', 'Rhein', 'Harz', 'Allgäu', 'Eifel', 'Spree', 'Saale', 'Neckar', 'Ruhr', 'Mosel', 'Alster', 'Lausitz', 'Bodensee', 'Hanse', 'Nordsee', 'Taunus', 'Vogtland', 'Donau', 'Isar', 'Main', 'Havel', 'Emsland', 'Sauerland', 'Westfalen', 'Erzgebirge', 'Altmark', 'Oberland'],
    trades: [
      { word: 'Maschinenbau', industry: 'MACHINERY' }, { word: 'Anlagenbau', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' },
      { word: 'Fördertechnik', industry: 'MACHINERY' }, { word: 'Antriebstechnik', industry: 'INDUSTRIAL_AUTOMATION' },
      { word: 'Verfahrenstechnik', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }, { word: 'Hydraulik', industry: 'MACHINERY' },
      { word: 'Metallbau', industry: 'MINING_METALS' }, { word: 'Stahlwerk', industry: 'MINING_METALS' },
      { word: 'Kunststofftechnik', industry: 'PLASTICS' }, { word: 'Lebensmitteltechnik', industry: 'FOOD_PRODUCTION' },
      { word: 'Umwelttechnik', industry: 'ENVIRONMENTAL_SERVICES' }, { word: 'Wassertechnik', industry: 'UTILITIES' },
      { word: 'Automation', industry: 'INDUSTRIAL_AUTOMATION' }, { word: 'Energietechnik', industry: 'RENEWABLES_ENVIRONMENT' },
      { word: 'Chemie', industry: 'CHEMICALS' }, { word: 'Papierfabrik', industry: 'PAPER_FOREST_PRODUCTS' },
      { word: 'Brauerei', industry: 'FOOD_BEVERAGES' }, { word: 'Gießerei', industry: 'MINING_METALS' },
      { word: 'Präzisionsteile', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }, { word: 'Industrieservice', industry: 'MACHINERY' },
      { word: 'Elektrotechnik', industry: 'ELECTRICAL_ELECTRONIC_MANUFACTURING' }, { word: 'Verpackungstechnik', industry: 'PACKAGING_AND_CONTAINERS' },
    ],
    legal: ['GmbH', 'GmbH', 'GmbH', 'GmbH & Co. KG', 'AG', 'KG', 'SE'],
  },
  nl: {
    stems: ['Van der Berg', 'De Haan', 'Brabant', 'Maas', 'Zeeland', 'Hollands', 'Rijnmond', 'Veluwe'],
    trades: [
      { word: 'Procestechniek', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }, { word: 'Pompen', industry: 'MACHINERY' },
      { word: 'Watertechniek', industry: 'UTILITIES' }, { word: 'Installatietechniek', industry: 'MACHINERY' },
    ],
    legal: ['B.V.'],
  },
  pl: {
    stems: ['Nowak', 'Wielkopolska', 'Pomorze', 'Śląsk', 'Mazowsze', 'Kowalski'],
    trades: [
      { word: 'Hydraulika', industry: 'MACHINERY' }, { word: 'Maszyny', industry: 'MACHINERY' },
      { word: 'Technika Wodna', industry: 'UTILITIES' }, { word: 'Automatyka', industry: 'INDUSTRIAL_AUTOMATION' },
    ],
    legal: ['Sp. z o.o.'],
  },
  cs: {
    stems: ['Novák', 'Morava', 'Vltava', 'Beskydy', 'Šumava'],
    trades: [
      { word: 'Strojírny', industry: 'MACHINERY' }, { word: 'Čerpací Technika', industry: 'MACHINERY' }, { word: 'Energetika', industry: 'UTILITIES' },
    ],
    legal: ['s.r.o.', 'a.s.'],
  },
  fr: {
    stems: ['Dubois', 'Rhône', 'Alsace', 'Lorraine', 'Moreau', 'Normandie'],
    trades: [
      { word: 'Hydraulique', industry: 'MACHINERY' }, { word: 'Process', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' },
      { word: 'Énergie', industry: 'OIL_ENERGY' }, { word: 'Agroalimentaire', industry: 'FOOD_PRODUCTION' },
    ],
    legal: ['SAS', 'SA'],
  },
  it: {
    stems: ['Rossi', 'Lombarda', 'Padana', 'Piemonte', 'Emilia', 'Ferri'],
    trades: [
      { word: 'Impianti', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }, { word: 'Pompe', industry: 'MACHINERY' },
      { word: 'Meccanica', industry: 'MACHINERY' }, { word: 'Alimentare', industry: 'FOOD_PRODUCTION' },
    ],
    legal: ['S.r.l.', 'S.p.A.'],
  },
  da: {
    stems: ['Jylland', 'Fyn', 'Nordsø', 'Limfjord'],
    trades: [{ word: 'Pumpeteknik', industry: 'MACHINERY' }, { word: 'Vandteknik', industry: 'UTILITIES' }, { word: 'Maskinfabrik', industry: 'MACHINERY' }],
    legal: ['A/S', 'ApS'],
  },
  sv: {
    stems: ['Västkust', 'Norrland', 'Mälardalen', 'Göta'],
    trades: [{ word: 'Pumpteknik', industry: 'MACHINERY' }, { word: 'Industriservice', industry: 'MACHINERY' }, { word: 'Processteknik', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }],
    legal: ['AB'],
  },
  en: {
    stems: ['Great Lakes', 'Carolina', 'Midwest', 'Gulf Coast', 'Pacific', 'Appalachian', 'Ohio Valley', 'Lone Star', 'Rocky Mountain', 'Piedmont', 'Keystone', 'Cascade', 'Prairie', 'Blue Ridge', 'Chesapeake', 'Delta', 'Hudson', 'Tri-State', 'Heartland', 'Frontier', 'Summit', 'Northern', 'Red River', 'Cumberland', 'Allegheny', 'Sierra', 'Granite', 'Ironwood', 'Bayou', 'Twin Cities'],
    trades: [
      { word: 'Fluid Systems', industry: 'MACHINERY' }, { word: 'Process Equipment', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' },
      { word: 'Water Works', industry: 'UTILITIES' }, { word: 'Industrial Supply', industry: 'WHOLESALE' },
      { word: 'Pump & Valve', industry: 'MACHINERY' }, { word: 'Automation', industry: 'INDUSTRIAL_AUTOMATION' },
      { word: 'Manufacturing', industry: 'MACHINERY' }, { word: 'Energy', industry: 'OIL_ENERGY' },
      { word: 'Mining', industry: 'MINING_METALS' }, { word: 'Paper Mills', industry: 'PAPER_FOREST_PRODUCTS' },
      { word: 'Foods', industry: 'FOOD_PRODUCTION' }, { word: 'Chemicals', industry: 'CHEMICALS' },
      { word: 'Packaging', industry: 'PACKAGING_AND_CONTAINERS' }, { word: 'Plastics', industry: 'PLASTICS' },
      { word: 'Metal Works', industry: 'MINING_METALS' }, { word: 'Power & Controls', industry: 'ELECTRICAL_ELECTRONIC_MANUFACTURING' },
    ],
    legal: ['Inc.', 'LLC', 'Corp.', 'Co.', 'Ltd.'],
  },
  es: {
    stems: ['Monterrey', 'Bajío', 'Norte', 'Sierra Madre'],
    trades: [{ word: 'Bombas Industriales', industry: 'MACHINERY' }, { word: 'Procesos', industry: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING' }, { word: 'Aceros', industry: 'MINING_METALS' }],
    legal: ['S.A. de C.V.'],
  },
};

/** Default incoterm per customer country. */
export const DEFAULT_INCOTERM: Record<string, string> = {
  DE: 'DAP', AT: 'DAP', CH: 'DDP', NL: 'DAP', PL: 'FCA', CZ: 'FCA', FR: 'CPT', IT: 'CPT', DK: 'DAP', SE: 'CIP', US: 'FCA', CA: 'CPT', MX: 'EXW',
};
