// The ownership declaration (policy/ownership.ts) and the composed
// supergraph must agree: every field declared, each field resolved by its owner
// and by nobody else; keys and shared value types by every subgraph that has them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Kind, parse } from 'graphql';
import { composeSupergraph, readSupergraphConfig } from '../gateway/composition.ts';
import { COMPONENT_NAMES, COMPONENTS } from '../policy/components.ts';
import { OWNERSHIP, isPlumbingType } from '../policy/ownership.ts';
import { resolvedFields } from '../subgraphs/common/supergraph-fields.ts';
import { OWNERSHIP_DOC, ownershipDoc, ownershipTable } from '../scripts/ownership-table.ts';

const { supergraphSdl } = composeSupergraph(readSupergraphConfig());
const fields = resolvedFields(supergraphSdl);
const SUBGRAPH_OF_OWNER = Object.fromEntries(COMPONENT_NAMES.map((c) => [c, COMPONENTS[c].subgraph]));

describe('ownership declaration agrees with the composed supergraph', () => {
  test('the supergraph has fields to check', () => {
    assert.ok(fields.length > 100, `only ${fields.length} fields found`);
  });

  test('every field of the supergraph is declared', () => {
    const undeclared = fields.filter((f) => !isPlumbingType(f.type) && !OWNERSHIP[f.type]?.[f.field]).map((f) => `${f.type}.${f.field}`);
    assert.deepEqual(undeclared, []);
  });

  test('every declared field exists in the supergraph', () => {
    const present = new Set(fields.map((f) => `${f.type}.${f.field}`));
    const stale = Object.entries(OWNERSHIP).flatMap(([type, fs]) => Object.keys(fs).map((f) => `${type}.${f}`)).filter((k) => !present.has(k));
    assert.deepEqual(stale, []);
  });

  test('an owned field is resolved by its owner and by no other subgraph', () => {
    const wrong: string[] = [];
    for (const f of fields) {
      const decl = OWNERSHIP[f.type]?.[f.field];
      if (!decl) continue;
      if (decl.owner === 'odoo' || decl.owner === 'crm' || decl.owner === 'integration') {
        const expected = [SUBGRAPH_OF_OWNER[decl.owner]];
        if (JSON.stringify(f.resolvedBy) !== JSON.stringify(expected)) wrong.push(`${f.type}.${f.field}: owner ${decl.owner}, resolved by [${f.resolvedBy}]`);
      } else if (f.resolvedBy.length < 2) {
        wrong.push(`${f.type}.${f.field}: declared ${decl.owner} but resolved only by [${f.resolvedBy}]`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('writable fields are written to their owner only', () => {
    for (const [type, fs] of Object.entries(OWNERSHIP)) {
      for (const [field, d] of Object.entries(fs)) {
        if (!d.write) continue;
        assert.equal(d.write.system, d.owner, `${type}.${field} writes to ${d.write.system}:${d.write.object} but is owned by ${d.owner}`);
      }
    }
  });

  test('every sensitive field is nullable, so masking or denying it never blanks its parent', () => {
    const doc = parse(supergraphSdl);
    const nonNull: string[] = [];
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const field of def.fields ?? []) {
        const decl = OWNERSHIP[def.name.value]?.[field.name.value];
        if (decl?.sensitivity && field.type.kind === Kind.NON_NULL_TYPE) nonNull.push(`${def.name.value}.${field.name.value}`);
      }
    }
    assert.deepEqual(nonNull, []);
  });

  test('docs/ownership.md carries the current ownership table', () => {
    assert.equal(readFileSync(OWNERSHIP_DOC, 'utf8'), ownershipDoc(), 'docs/ownership.md is stale: run `npm run ownership-table -- --write`');
    assert.ok(ownershipDoc().includes(ownershipTable()));
  });
});
