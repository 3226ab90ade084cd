// The committed client schema (schema/api.graphql) is the API schema the current
// subgraphs compose to, and the schema tells a client which fields may be masked:
// a field's description says "Maskable" exactly when the permission table can mask it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSchema, isObjectType } from 'graphql';
import { isMaskable } from '../policy/permissions.ts';
import { API_SCHEMA_FILE, apiSchemaFileText } from '../scripts/print-schema.ts';

test('schema/api.graphql matches the current composition (run `npm run schema:print`)', () => {
  assert.equal(readFileSync(API_SCHEMA_FILE, 'utf8'), apiSchemaFileText());
});

test('the client schema documents DateTime and Date', () => {
  const schema = buildSchema(readFileSync(API_SCHEMA_FILE, 'utf8'));
  assert.match(schema.getType('DateTime')?.description ?? '', /ISO-8601 instant/);
  assert.match(schema.getType('Date')?.description ?? '', /ISO-8601 calendar date/);
  assert.match(readFileSync(new URL('../schema/README.md', import.meta.url), 'utf8'), /DateTime: string/);
});

test('a field is described as Maskable exactly when some caller can get it masked', () => {
  const schema = buildSchema(readFileSync(API_SCHEMA_FILE, 'utf8'));
  const described: string[] = [];
  const maskable: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (/\bMaskable\b/.test(field.description ?? '')) described.push(`${type.name}.${field.name}`);
      if (isMaskable(type.name, field.name)) maskable.push(`${type.name}.${field.name}`);
    }
  }
  assert.ok(maskable.length >= 5, `maskable fields found: ${maskable.join(', ')}`);
  assert.deepEqual(described.sort(), maskable.sort());
});
