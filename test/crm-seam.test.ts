// The CRM seam, held statically: the subgraphs speak the CRM only through the port
// (no HubSpot object types, property names or client outside the composition roots),
// the GraphQL enums and the canonical vocabulary agree, and canonical ids stay byte for
// byte what clients stored. (That no subgraph imports another's files, the CRM's
// included, test/layering.test.ts holds for every subgraph.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { LIFECYCLE_STAGES, QUOTE_STATUS_INPUTS, QUOTE_STATUSES } from '../policy/vocabulary.ts';
import { HUBSPOT_OBJECT_TYPES } from '../connectors/crm/hubspot/mapping/objects.ts';
import { HUBSPOT_PROPERTIES } from '../sandboxes/hubspot/portal.ts';
import { READ_PROPERTIES } from '../connectors/crm/hubspot/canonical.ts';
import { accountIdFor, decodeId, encodeId } from '../core/ids.ts';
import { isAppError } from '../policy/errors.ts';
import { loadCrmSystem } from '../core/crm-system.ts';
import { checkConfiguredCrm } from '../connectors/crm/select.ts';
import type { CrmPort } from '../connectors/crm/port.ts';

const ROOT = resolve(import.meta.dirname, '..');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The composition roots pick the adapter from configuration; nothing else in subgraphs/ may name HubSpot's parts. */
const COMPOSITION_ROOTS = new Set(['subgraphs/crm/main.ts', 'subgraphs/writes/main.ts']);

/** HubSpot property names that are not also plain canonical words (name, phone, …). */
const PROPERTY_NAMES = [...new Set([...Object.values(HUBSPOT_PROPERTIES).flat(), ...Object.values(READ_PROPERTIES).flat()])]
  .filter((p) => p.includes('_') || ['lifecyclestage', 'firstname', 'lastname', 'jobtitle', 'dealname', 'dealstage', 'closedate', 'createdate', 'lastmodifieddate', 'associatedcompanyid'].includes(p));

describe('the CRM seam', () => {
  test('subgraphs/ (code and schemas) names no HubSpot object type, property, client or connector file outside the composition roots', () => {
    const files = [...filesUnder('subgraphs', '.ts'), ...filesUnder('subgraphs', '.graphql')].filter((f) => !COMPOSITION_ROOTS.has(f));
    assert.ok(files.length > 20, `found ${files.length} files`);
    const patterns: Array<[string, RegExp]> = [
      ...PROPERTY_NAMES.map((p): [string, RegExp] => [p, new RegExp(`\\b${p}\\b`)]),
      ...HUBSPOT_OBJECT_TYPES.map((t): [string, RegExp] => [`'${t}'`, new RegExp(`['"\`]${t}['"\`]`)]),
      ['hs_ prefix', /\bhs_[a-z]/],
      ['HubSpotClient', /HubSpotClient/],
      ['connectors/crm/hubspot/', /connectors\/crm\/hubspot\//],
      ["'hubspot' literal", /['"`]hubspot['"`]/],
    ];
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [what, re] of patterns) if (re.test(text)) found.push(`${file}: ${what}`);
    }
    assert.deepEqual(found, []);
  });

  test('the check would catch a leak', () => {
    assert.ok(PROPERTY_NAMES.includes('hubspot_owner_id') && PROPERTY_NAMES.includes('odoo_partner_id') && PROPERTY_NAMES.includes('lifecyclestage'));
  });

  test('the GraphQL enums and the canonical vocabulary agree', () => {
    const enums = (file: string) => {
      const doc = parse(readFileSync(join(ROOT, file), 'utf8'));
      return new Map(doc.definitions
        .filter((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION)
        .map((d) => [d.name.value, (d.values ?? []).map((v) => v.name.value)]));
    };
    const crm = enums('subgraphs/crm/schema.graphql');
    const writes = enums('subgraphs/writes/schema.graphql');
    assert.deepEqual(crm.get('LifecycleStage'), [...LIFECYCLE_STAGES]);
    assert.deepEqual(writes.get('LifecycleStage'), [...LIFECYCLE_STAGES]);
    assert.deepEqual(crm.get('QuoteStatus'), [...QUOTE_STATUSES]);
    assert.deepEqual(writes.get('QuoteStatusInput'), [...QUOTE_STATUS_INPUTS]);
  });
});

describe('canonical ids name the CRM by its role and stay stable', () => {
  // Ids as clients stored them before the CRM became a role: base64url of `Type:hubspot:id`.
  const STORED = {
    account: Buffer.from('Account:hubspot:1042', 'utf8').toString('base64url'),
    quote: Buffer.from('Quote:hubspot:50003', 'utf8').toString('base64url'),
    odooAccount: Buffer.from('Account:odoo:77', 'utf8').toString('base64url'),
    order: Buffer.from('Order:odoo:12', 'utf8').toString('base64url'),
  };

  test('a stored CRM id resolves to the CRM anchor, and is emitted identically', () => {
    assert.deepEqual(decodeId(STORED.account, 'Account'), { type: 'Account', system: 'crm', sourceId: '1042' });
    assert.deepEqual(decodeId(STORED.quote, 'Quote'), { type: 'Quote', system: 'crm', sourceId: '50003' });
    assert.equal(encodeId('Account', 'crm', '1042'), STORED.account);
    assert.equal(encodeId('Quote', 'crm', 50003), STORED.quote);
    assert.equal(accountIdFor({ crmId: '1042', odooId: 77 }), STORED.account);
  });

  test('Odoo ids are untouched', () => {
    assert.deepEqual(decodeId(STORED.odooAccount, 'Account'), { type: 'Account', system: 'odoo', sourceId: '77' });
    assert.equal(encodeId('Order', 'odoo', 12), STORED.order);
    assert.equal(accountIdFor({ odooId: 77 }), STORED.odooAccount);
  });

  test('an id tagged with another system, or with the role name itself, is refused', () => {
    for (const text of ['Account:salesforce:1', 'Account:crm:1', 'Account:HUBSPOT:1']) {
      assert.throws(() => decodeId(Buffer.from(text, 'utf8').toString('base64url'), 'Account'), (e) => isAppError(e) && e.code === 'BAD_USER_INPUT', text);
    }
  });
});

describe('the concrete CRM is configuration', () => {
  test('CRM_SYSTEM defaults to hubspot and refuses a CRM without an adapter', () => {
    assert.equal(loadCrmSystem({}), 'hubspot');
    assert.equal(loadCrmSystem({ CRM_SYSTEM: '' }), 'hubspot');
    assert.throws(() => loadCrmSystem({ CRM_SYSTEM: 'salesforce' }), (e) => isAppError(e) && e.code === 'CONFIG_INVALID' && e.details.field === 'CRM_SYSTEM');
  });

  test('a subgraph refuses an adapter for another CRM than the one ids are tagged with', () => {
    const other = { system: 'salesforce' } as unknown as CrmPort;
    assert.throws(() => checkConfiguredCrm(other), (e) => isAppError(e) && e.code === 'CONFIG_INVALID');
    const configured = { system: 'hubspot' } as unknown as CrmPort;
    assert.equal(checkConfiguredCrm(configured), configured);
  });
});
