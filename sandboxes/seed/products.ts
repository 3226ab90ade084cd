// The product catalogue: 100 variants across eight families, with SKUs, list
// prices, per-company costs, customer and manufacturing lead times.
import { UOM, type CompanyId } from './catalog.ts';
import type { Rng } from './prng.ts';

export type Family = 'PMP' | 'VLV' | 'GBX' | 'MOT' | 'CAB' | 'SNS' | 'SPR' | 'SRV';

export interface Product {
  key: number;
  sku: string;
  name: string;
  family: Family;
  listPrice: number;
  /** Cost per company (company currency). */
  cost: Partial<Record<CompanyId, number>>;
  uomId: number;
  type: 'consu' | 'service';
  storable: boolean;
  saleOk: boolean;
  active: boolean;
  /** Restricted to one company, or shared. */
  companyId: CompanyId | false;
  saleDelay: number;
  /** Odoo invoice_policy: services and spare parts are billed as ordered, machines as delivered. */
  invoicePolicy: 'order' | 'delivery';
  produceDelay: number;
  /** Made in our own plants (gets manufacturing orders). */
  manufactured: boolean;
  description: string;
  id?: number;
  hubspotId?: string;
}

interface Template {
  family: Family;
  names: string[];
  price: [number, number];
  saleDelay: [number, number];
  produceDelay: [number, number];
  description: string;
}

const TEMPLATES: Template[] = [
  {
    family: 'PMP', price: [2400, 38000], saleDelay: [14, 30], produceDelay: [5, 20],
    description: 'Pump, assembled and tested in our plant.',
    names: [
      'Centrifugal Pump NCP 50-160, 7.5 kW', 'Centrifugal Pump NCP 65-200, 15 kW', 'Centrifugal Pump NCP 80-250, 30 kW',
      'Centrifugal Pump NCP 100-315, 55 kW', 'Multistage Pump MSP 32-8, 11 kW', 'Multistage Pump MSP 50-6, 22 kW',
      'Submersible Pump SWP 100, 15 kW', 'Submersible Pump SWP 150, 37 kW', 'Screw Pump SP 25, 4 kW', 'Screw Pump SP 40, 11 kW',
      'Dosing Pump DP 12, 0.37 kW', 'Process Pump ISO 5199 PP 80-200, 45 kW', 'ATEX Process Pump PP-EX 65-160, 11 kW',
      'Booster Set BS 3x MSP 32-6', 'Fire Water Pump Set FWP 150, diesel', 'Centrifugal Pump NCP 50-160, 5.5 kW (legacy)',
    ],
  },
  {
    family: 'VLV', price: [180, 4800], saleDelay: [3, 10], produceDelay: [0, 0],
    description: 'Industrial valve, purchased and stocked.',
    names: [
      'Butterfly Valve DN100 PN16, EPDM', 'Butterfly Valve DN150 PN16, EPDM', 'Butterfly Valve DN200 PN16, EPDM',
      'Ball Valve DN50 PN40, stainless', 'Ball Valve DN80 PN40, stainless', 'Gate Valve DN150 PN16, ductile iron',
      'Gate Valve DN200 PN16, ductile iron', 'Check Valve DN100 PN16, swing type', 'Check Valve DN150 PN16, swing type',
      'Globe Control Valve DN65 PN40', 'Pressure Relief Valve DN40 PN25', 'Pneumatic Actuator PA-63, double acting',
      'Electric Actuator EA-250, 400 V', 'Knife Gate Valve DN250 PN10',
    ],
  },
  {
    family: 'GBX', price: [1900, 16000], saleDelay: [10, 25], produceDelay: [4, 15],
    description: 'Gearbox, assembled in our plant.',
    names: [
      'Helical Gearbox HG-2 i=8, 5.5 kW', 'Helical Gearbox HG-3 i=12.5, 11 kW', 'Helical Gearbox HG-4 i=25, 30 kW',
      'Bevel Gearbox BG-2 i=20, 7.5 kW', 'Bevel Gearbox BG-3 i=31.5, 18.5 kW', 'Planetary Gearbox PG-110 i=10',
      'Planetary Gearbox PG-160 i=40', 'Worm Gearbox WG-63 i=40', 'Worm Gearbox WG-90 i=60', 'Agitator Drive AD-250',
    ],
  },
  {
    family: 'MOT', price: [450, 9800], saleDelay: [2, 8], produceDelay: [0, 0],
    description: 'Electric motor, purchased and stocked.',
    names: [
      'IE3 Motor 4-pole 5.5 kW, B3', 'IE3 Motor 4-pole 7.5 kW, B3', 'IE3 Motor 4-pole 15 kW, B3', 'IE3 Motor 4-pole 30 kW, B35',
      'IE4 Motor 2-pole 11 kW, B3', 'IE4 Motor 2-pole 22 kW, B3', 'IE4 Motor 4-pole 45 kW, B3', 'IE4 Motor 4-pole 55 kW, B35',
      'ATEX Motor Ex db 7.5 kW', 'Servo Motor SM-80, 1.2 kW', 'Servo Motor SM-100, 3 kW', 'Brake Motor 4-pole 4 kW',
    ],
  },
  {
    family: 'CAB', price: [8500, 62000], saleDelay: [20, 30], produceDelay: [8, 20],
    description: 'Control cabinet, built and FAT-tested in our plant.',
    names: [
      'Control Cabinet CC-400 with PLC S7-1500', 'Control Cabinet CC-600 with PLC and HMI 15"', 'Pump Control Panel PCP-2, duty/standby',
      'Pump Control Panel PCP-4, cascade', 'Frequency Converter Cabinet FC-22 kW', 'Frequency Converter Cabinet FC-75 kW',
      'Motor Control Center MCC-12', 'UL-listed Control Cabinet CC-480 (UL 508A)',
    ],
  },
  {
    family: 'SNS', price: [120, 3200], saleDelay: [1, 7], produceDelay: [0, 0],
    description: 'Sensor or transmitter, purchased and stocked.',
    names: [
      'Pressure Transmitter PT-16 bar, 4-20 mA', 'Pressure Transmitter PT-40 bar, HART', 'Differential Pressure Transmitter DPT-1',
      'Electromagnetic Flow Meter EMF DN50', 'Electromagnetic Flow Meter EMF DN80', 'Ultrasonic Flow Meter UFM clamp-on',
      'Temperature Sensor PT100, 200 mm', 'Temperature Transmitter TT-4, head mounted', 'Vibration Sensor VS-10, 4-20 mA',
      'Radar Level Sensor LR-20', 'Level Switch LS-5, vibrating fork', 'Condition Monitoring Gateway CMG-8',
    ],
  },
  {
    family: 'SPR', price: [8, 1400], saleDelay: [0, 5], produceDelay: [0, 0],
    description: 'Spare part.',
    names: [
      'Mechanical Seal MS-35, SiC/SiC', 'Mechanical Seal MS-50, SiC/SiC', 'Impeller NCP 50-160, cast iron', 'Impeller NCP 65-200, stainless',
      'Bearing Kit 6309-2Z', 'Bearing Kit 6312-C3', 'O-Ring Set NBR, pump housing', 'Coupling Insert RN-65', 'Coupling Half N-Eupex 110',
      'Shaft Sleeve 35 mm', 'Wear Ring Set NCP 80', 'V-Belt SPZ 1250', 'Gasket Set DN100 PN16', 'Hydraulic Hose DN20 (per m)',
      'Cable NYY-J 5x2.5 (per m)', 'Lubricating Grease EP2 (per kg)', 'Gear Oil ISO VG 220 (per kg)', 'Filter Element FE-10',
      'Casting Blank NCP Housing (internal)', 'Machined Shaft Blank 40 mm (internal)',
    ],
  },
  {
    family: 'SRV', price: [95, 6800], saleDelay: [0, 14], produceDelay: [0, 0],
    description: 'Service delivered by our field service team.',
    names: [
      'Commissioning (per day)', 'Field Service Technician (per hour)', 'Maintenance Contract Pump Station (annual)',
      'Operator Training (per day)', 'Vibration Analysis Service', 'Engineering Hours', 'Factory Acceptance Test (FAT)',
      'Remote Support Package (10 h)',
    ],
  },
];

const FIXED_PRICE: Record<string, number> = {
  'Commissioning (per day)': 1250,
  'Field Service Technician (per hour)': 115,
  'Maintenance Contract Pump Station (annual)': 6800,
  'Operator Training (per day)': 980,
  'Vibration Analysis Service': 1450,
  'Engineering Hours': 135,
  'Factory Acceptance Test (FAT)': 2200,
  'Remote Support Package (10 h)': 1100,
};

function roundPrice(p: number): number {
  if (p >= 10000) return Math.round(p / 50) * 50;
  if (p >= 1000) return Math.round(p / 10) * 10;
  if (p >= 100) return Math.round(p);
  return Math.round(p * 10) / 10;
}

export function buildProducts(rng: Rng): Product[] {
  const out: Product[] = [];
  let key = 0;
  for (const t of TEMPLATES) {
    t.names.forEach((name, i) => {
      const sku = `NW-${t.family}-${1001 + i}`;
      // Prices grow with the position in the family (sizes ascend within a family).
      const frac = t.names.length > 1 ? i / (t.names.length - 1) : 0.5;
      const base = t.price[0] * Math.pow(t.price[1] / t.price[0], Math.min(1, Math.max(0, frac + rng.float(-0.12, 0.12))));
      const listPrice = FIXED_PRICE[name] ?? roundPrice(base);
      const service = t.family === 'SRV';
      let uomId: number = UOM.unit;
      if (name.includes('(per m)')) uomId = UOM.m;
      if (name.includes('(per kg)')) uomId = UOM.kg;
      const costRatio = service ? rng.float(0.45, 0.6) : rng.float(0.52, 0.7);
      const cost1 = Math.round(listPrice * costRatio * 100) / 100;
      const cost2 = Math.round(listPrice * costRatio * rng.float(1.04, 1.14) * 100) / 100;
      const p: Product = {
        key: key++,
        sku,
        name,
        family: t.family,
        listPrice,
        cost: { 1: cost1, 2: cost2 },
        uomId,
        type: service ? 'service' : 'consu',
        storable: !service,
        saleOk: true,
        active: true,
        companyId: false,
        saleDelay: rng.int(t.saleDelay[0], t.saleDelay[1]),
        invoicePolicy: service || t.family === 'SPR' ? 'order' : 'delivery',
        produceDelay: t.produceDelay[1] > 0 ? rng.int(t.produceDelay[0], t.produceDelay[1]) : 0,
        manufactured: t.produceDelay[1] > 0,
        description: t.description,
      };
      // Deliberate catalogue exceptions (R2 validation material).
      if (name.includes('(legacy)')) p.active = false;
      if (name.includes('(internal)')) p.saleOk = false;
      if (name.startsWith('ATEX Process Pump')) { p.companyId = 1; delete p.cost[2]; }
      if (name.startsWith('UL-listed')) { p.companyId = 2; delete p.cost[1]; }
      out.push(p);
    });
  }
  // Two more archived variants and one more not-for-sale item, picked deterministically.
  const archive = ['NW-VLV-1014', 'NW-SNS-1012'];
  for (const p of out) if (archive.includes(p.sku)) p.active = false;
  const notForSale = out.find((p) => p.sku === 'NW-SRV-1008');
  if (notForSale) notForSale.saleOk = false;
  return out;
}

/** Products an order or quote line may use in a company. */
export function sellable(products: readonly Product[], companyId: 1 | 2): Product[] {
  return products.filter((p) => p.active && p.saleOk && (p.companyId === false || p.companyId === companyId));
}

/** A plausible order quantity for a product. */
export function lineQuantity(rng: Rng, p: Product): number {
  switch (p.family) {
    case 'PMP': return rng.weighted([[1, 5], [2, 3], [3, 1], [4, 1]]);
    case 'CAB': return rng.weighted([[1, 6], [2, 1]]);
    case 'GBX': return rng.int(1, 3);
    case 'MOT': return rng.int(1, 6);
    case 'VLV': return rng.int(2, 20);
    case 'SNS': return rng.int(2, 24);
    case 'SPR':
      if (p.uomId === UOM.m) return rng.int(2, 10) * 10;
      if (p.uomId === UOM.kg) return rng.int(1, 10) * 5;
      return rng.int(2, 40);
    case 'SRV':
      return p.name.includes('per hour') || p.name.startsWith('Engineering') ? rng.int(4, 40) : rng.int(1, 5);
  }
}
