// Mapping units: every odd Odoo value shape, and the typed MAPPING_ERROR (model,
// record id, field) for records that do not fit — never a crash, never a silently
// wrong value.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError, type AppError } from '../policy/errors.ts';
import { ODOO_MODELS } from '../connectors/odoo/mapping/models.ts';
import {
  normalizeBoolean,
  normalizeDate,
  normalizeDatetime,
  normalizeField,
  normalizeInteger,
  normalizeMany2one,
  normalizeNumber,
  normalizeSelection,
  normalizeString,
  normalizeX2many,
  toOdooDatetime,
  toOdooValue,
  ValueShapeError,
} from '../connectors/odoo/mapping/values.ts';
import { parseRecord, parseRecords, RECORD_SCHEMAS, safeParseRecords, type SaleOrder } from '../connectors/odoo/mapping/records.ts';

const isMappingError = (model: string, recordId: unknown, field: string) => (e: unknown) => {
  assert.ok(isAppError(e), `expected AppError, got ${String(e)}`);
  const err = e as AppError;
  assert.equal(err.code, 'MAPPING_ERROR');
  assert.equal(err.details.system, 'odoo');
  assert.equal(err.details.model, model);
  assert.equal(err.details.recordId, recordId);
  assert.equal(err.details.field, field);
  assert.match(err.message, new RegExp(field));
  return true;
};

describe('value normalisers', () => {
  test('false → null for non-boolean fields; booleans stay booleans', () => {
    assert.equal(normalizeString(false), null);
    assert.equal(normalizeString(''), '');
    assert.equal(normalizeString('Acme'), 'Acme');
    assert.equal(normalizeNumber(false), null);
    assert.equal(normalizeDate(false), null);
    assert.equal(normalizeDatetime(false), null);
    assert.equal(normalizeMany2one(false), null);
    assert.equal(normalizeSelection(false), null);
    assert.equal(normalizeBoolean(false), false);
    assert.equal(normalizeBoolean(true), true);
    assert.throws(() => normalizeBoolean(0), ValueShapeError);
    assert.throws(() => normalizeString(42), ValueShapeError);
  });

  test('many2one pairs', () => {
    assert.deepEqual(normalizeMany2one([7, 'Acme']), { id: 7, name: 'Acme' });
    assert.deepEqual(normalizeMany2one([7, false]), { id: 7, name: '' });
    for (const bad of ['Acme', 7, [7], [7, 'a', 'b'], ['7', 'Acme'], [0, 'x'], [-1, 'x'], [1.5, 'x'], { id: 7 }, true]) {
      assert.throws(() => normalizeMany2one(bad), ValueShapeError, JSON.stringify(bad));
    }
  });

  test('x2many id lists', () => {
    assert.deepEqual(normalizeX2many([3, 1, 2]), [3, 1, 2]);
    assert.deepEqual(normalizeX2many([]), []);
    assert.deepEqual(normalizeX2many(false), []);
    for (const bad of [[1, 'x'], [[1, 'a']], 'x', 3, [0]]) assert.throws(() => normalizeX2many(bad), ValueShapeError, JSON.stringify(bad));
  });

  test('naive UTC datetimes become ISO-8601 instants', () => {
    assert.equal(normalizeDatetime('2026-03-01 08:00:00'), '2026-03-01T08:00:00Z');
    assert.equal(normalizeDatetime('2024-02-29 23:59:59'), '2024-02-29T23:59:59Z');
    assert.equal(normalizeDatetime('2026-03-01 08:00:00.123456'), '2026-03-01T08:00:00Z');
    assert.equal(normalizeDatetime('2000-02-29 00:00:00'), '2000-02-29T00:00:00Z'); // divisible by 400: a leap year
    assert.equal(normalizeDatetime('0100-01-01 00:00:00'), '0100-01-01T00:00:00Z');
    // Calendar rules in arithmetic, as Date counted them (years below 100 were read as 19xx there: refused).
    for (const bad of ['2026-03-01', '2026-03-01T08:00:00Z', '2026-02-30 08:00:00', '2026-03-01 24:00:00', '01/03/2026 08:00', 1772352000, true,
      '1900-02-29 00:00:00', '2026-04-31 00:00:00', '2026-00-10 00:00:00', '2026-04-00 00:00:00', '2026-04-30 23:60:00', '2026-04-30 23:59:60', '0099-12-31 00:00:00', '2026-03-01 08:00:00.1234567']) {
      assert.throws(() => normalizeDatetime(bad), ValueShapeError, JSON.stringify(bad));
    }
  });

  test('dates stay YYYY-MM-DD and are validated', () => {
    assert.equal(normalizeDate('2026-03-01'), '2026-03-01');
    assert.equal(normalizeDate('2024-02-29'), '2024-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-3-1', '2026-03-01 00:00:00', '31/02/2026', 20260301]) {
      assert.throws(() => normalizeDate(bad), ValueShapeError, JSON.stringify(bad));
    }
  });

  test('numbers are finite; integers are integers', () => {
    assert.equal(normalizeNumber(0), 0);
    assert.equal(normalizeNumber(12.5), 12.5);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '12', { n: 1 }]) assert.throws(() => normalizeNumber(bad), ValueShapeError, String(bad));
    assert.equal(normalizeInteger(3), 3);
    assert.throws(() => normalizeInteger(3.5), ValueShapeError);
  });

  test('selections must be declared keys', () => {
    assert.equal(normalizeSelection('sale', ['draft', 'sale']), 'sale');
    assert.throws(() => normalizeSelection('done', ['draft', 'sale']), ValueShapeError);
    assert.throws(() => normalizeSelection(1, ['draft']), ValueShapeError);
  });

  test('an absent field is an error, not null', () => {
    assert.throws(() => normalizeField({ type: 'char' }, undefined), /missing/);
  });

  test('the way back: ISO instant → naive UTC, null → false', () => {
    assert.equal(toOdooDatetime('2026-03-01T09:00:00+01:00'), '2026-03-01 08:00:00');
    assert.equal(toOdooDatetime('2026-03-01T08:00:00Z'), '2026-03-01 08:00:00');
    assert.throws(() => toOdooDatetime('2026-03-01'), ValueShapeError);
    assert.equal(toOdooValue(null), false);
    assert.equal(toOdooValue('x'), 'x');
  });
});

describe('record schemas', () => {
  test('one schema per model, covering every field of models.ts', () => {
    assert.deepEqual(Object.keys(RECORD_SCHEMAS).sort(), Object.keys(ODOO_MODELS).sort());
    for (const [model, spec] of Object.entries(ODOO_MODELS)) {
      const schema = RECORD_SCHEMAS[model as keyof typeof ODOO_MODELS];
      assert.deepEqual(Object.keys(schema.shape).sort(), Object.keys(spec.fields).sort(), model);
    }
  });

  test('parseRecords normalises the requested fields and keeps Odoo names', () => {
    const raw = {
      id: 42,
      name: 'S00042',
      state: 'sale',
      partner_id: [7, 'Acme'],
      commitment_date: '2026-03-01 08:00:00',
      expected_date: false,
      order_line: [1, 2],
      amount_total: 1250.5,
      locked: false,
      client_order_ref: false,
      delivery_status: false,
      extra_not_requested: 'dropped',
    };
    const [order] = parseRecords('sale.order', [raw], ['name', 'state', 'partner_id', 'commitment_date', 'expected_date', 'order_line', 'amount_total', 'locked', 'client_order_ref', 'delivery_status']);
    assert.deepEqual(order, {
      id: 42,
      name: 'S00042',
      state: 'sale',
      partner_id: { id: 7, name: 'Acme' },
      commitment_date: '2026-03-01T08:00:00Z',
      expected_date: null,
      order_line: [1, 2],
      amount_total: 1250.5,
      locked: false,
      client_order_ref: null,
      delivery_status: null,
    });
    // typed: the result is assignable to the model's record type (compile-time check)
    const typed: Pick<SaleOrder, 'id' | 'state' | 'partner_id'> = order!;
    assert.equal(typed.partner_id?.name, 'Acme');
  });

  test('only requested fields are validated (an unrequested bad field does not matter)', () => {
    const [p] = parseRecords('res.partner', [{ id: 1, name: 'Acme', parent_id: 'garbage' }], ['name']);
    assert.deepEqual(p, { id: 1, name: 'Acme' });
  });

  test('a many2one that is a bare string → MAPPING_ERROR naming model, id and field', () => {
    assert.throws(() => parseRecords('sale.order', [{ id: 1, name: 'S1', partner_id: [3, 'A'] }, { id: 9, name: 'S9', partner_id: 'Acme' }], ['name', 'partner_id']), isMappingError('sale.order', 9, 'partner_id'));
  });

  test('a date that is not a date → MAPPING_ERROR', () => {
    assert.throws(() => parseRecord('account.move', { id: 5, invoice_date: '31/02/2026' }, ['invoice_date']), isMappingError('account.move', 5, 'invoice_date'));
    assert.throws(() => parseRecord('sale.order', { id: 6, date_order: '2026-02-30 10:00:00' }, ['date_order']), isMappingError('sale.order', 6, 'date_order'));
  });

  test('a requested field missing from the answer → MAPPING_ERROR', () => {
    assert.throws(() => parseRecord('sale.order', { id: 3, name: 'S3' }, ['name', 'state']), isMappingError('sale.order', 3, 'state'));
  });

  test('a wrong type, a non-finite number, an unknown selection value → MAPPING_ERROR', () => {
    assert.throws(() => parseRecord('sale.order', { id: 4, amount_total: '12.50' }, ['amount_total']), isMappingError('sale.order', 4, 'amount_total'));
    assert.throws(() => parseRecord('sale.order', { id: 4, amount_total: Number.NaN }, ['amount_total']), isMappingError('sale.order', 4, 'amount_total'));
    assert.throws(() => parseRecord('sale.order', { id: 4, state: 'done' }, ['state']), isMappingError('sale.order', 4, 'state'));
    assert.throws(() => parseRecord('sale.order', { id: 4, order_line: [1, '2'] }, ['order_line']), isMappingError('sale.order', 4, 'order_line'));
    assert.throws(() => parseRecord('res.partner', { id: 4, is_company: 'yes' }, ['is_company']), isMappingError('res.partner', 4, 'is_company'));
  });

  test('a record without a valid id → MAPPING_ERROR on field id', () => {
    assert.throws(() => parseRecords('res.partner', [{ name: 'x' }], ['name']), isMappingError('res.partner', undefined, 'id'));
    assert.throws(() => parseRecords('res.partner', [{ id: '7', name: 'x' }], ['name']), isMappingError('res.partner', '7', 'id'));
    assert.throws(() => parseRecords('res.partner', [null], ['name']), isMappingError('res.partner', undefined, 'id'));
  });

  test('asking for a field outside the mapping is a MAPPING_ERROR too (programming error, named)', () => {
    assert.throws(() => parseRecords('res.partner', [{ id: 1 }], ['not_a_field'] as string[]), (e: unknown) => isAppError(e) && e.code === 'MAPPING_ERROR' && e.details.field === 'not_a_field');
  });

  test('safeParseRecords returns the good rows plus one typed error per bad row', () => {
    const { ok, errors } = safeParseRecords(
      'stock.picking',
      [
        { id: 1, name: 'WH/OUT/1', state: 'done', date_done: '2026-01-20 14:30:00', carrier_id: [1, 'DHL'] },
        { id: 2, name: 'WH/OUT/2', state: 'assigned', date_done: 'yesterday', carrier_id: false },
        { id: 3, name: 'WH/OUT/3', state: 'assigned', date_done: false, carrier_id: 'DHL' },
        { id: 4, name: false, state: 'draft', date_done: false, carrier_id: false },
      ],
      ['name', 'state', 'date_done', 'carrier_id'],
    );
    assert.deepEqual(ok.map((r) => r.id), [1, 4]);
    assert.deepEqual(ok[0], { id: 1, name: 'WH/OUT/1', state: 'done', date_done: '2026-01-20T14:30:00Z', carrier_id: { id: 1, name: 'DHL' } });
    assert.deepEqual(ok[1], { id: 4, name: null, state: 'draft', date_done: null, carrier_id: null });
    assert.equal(errors.length, 2);
    isMappingError('stock.picking', 2, 'date_done')(errors[0]);
    isMappingError('stock.picking', 3, 'carrier_id')(errors[1]);
  });
});
