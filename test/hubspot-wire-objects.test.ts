// parseWireObject checks the common, well-formed object by hand and leaves every other
// one to wireObjectSchema: both must accept and refuse the same objects, with the same result;
// a property that is not a string or null is set aside in `unreadable` by both paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWireObject, wireObjectSchema } from '../connectors/crm/hubspot/wire.ts';
import { isAppError } from '../policy/errors.ts';

const good = { id: '42', properties: { name: 'Acme', domain: null }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00Z', archived: false };
const variants: Array<[string, unknown]> = [
  ['well formed', good],
  ['archived with archivedAt', { ...good, archived: true, archivedAt: '2026-02-01T00:00:00.000Z' }],
  ['no archived flag', { id: '42', properties: {}, createdAt: good.createdAt, updatedAt: good.updatedAt }],
  ['extra fields', { ...good, associations: {}, url: 'x' }],
  ['numeric id', { ...good, id: 42 }],
  ['id not digits', { ...good, id: '4a' }],
  ['number property', { ...good, properties: { amount: 5 } }],
  ['object property', { ...good, properties: { amount: {} } }],
  ['properties an array', { ...good, properties: ['x'] }],
  ['properties missing', { ...good, properties: undefined }],
  ['bad createdAt', { ...good, createdAt: 'yesterday' }],
  ['updatedAt missing', { ...good, updatedAt: undefined }],
  ['archived null', { ...good, archived: null }],
  ['archivedAt null', { ...good, archivedAt: null }],
  ['not an object', 'x'],
  ['null', null],
];

describe('parseWireObject', () => {
  for (const [name, raw] of variants) {
    it(`${name}: as the schema decides`, () => {
      const expected = wireObjectSchema.safeParse(raw);
      let got: unknown;
      try {
        got = parseWireObject('companies', raw);
      } catch (e) {
        assert.ok(isAppError(e) && e.code === 'MAPPING_ERROR', String(e));
        assert.equal(expected.success, false, 'refused an object the schema accepts');
        return;
      }
      assert.ok(expected.success, 'accepted an object the schema refuses');
      const { id, properties: all, createdAt, updatedAt, archived, archivedAt } = expected.data;
      // A property that is not a string or null is set aside, not refused (the mapping fails its field).
      const isValue = (v: unknown) => v === null || typeof v === 'string';
      const properties = Object.fromEntries(Object.entries(all).filter(([, v]) => isValue(v)));
      const unreadable = Object.entries(all).some(([, v]) => !isValue(v)) ? { unreadable: Object.fromEntries(Object.entries(all).filter(([, v]) => !isValue(v))) } : {};
      assert.deepEqual(got, { ...(archivedAt ? { id, properties, createdAt, updatedAt, archived, archivedAt } : { id, properties, createdAt, updatedAt, archived }), ...unreadable });
    });
  }
});
