// The permission table (policy/permissions.ts) is complete: every role has an entry
// in every per-role table, every team it names exists, every mutation, type and field
// it names is in the ownership declaration, and the copies of the team list and of
// the component names outside policy/ (GraphQL enum, SQLite CHECK constraints,
// supergraph.yaml, the token check) agree with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import { readSupergraphConfig } from '../gateway/composition.ts';
import { identityFromClaims, type Identity } from '../core/identity.ts';
import { COMPONENT_NAMES, COMPONENTS, SYSTEM_NAMES } from '../policy/components.ts';
import { isAppError } from '../policy/errors.ts';
import { OWNERSHIP } from '../policy/ownership.ts';
import { EXCEPTION_TEAMS, FIELD_INPUTS, ownAccountLimit, READ_RULES, ROLES, ROW_LIMITS, WRITE_RULES } from '../policy/permissions.ts';
import { OWNING_TEAM_NAMES } from '../policy/teams.ts';
import { openStore } from '../store/database.ts';

const PER_ROLE_TABLES = { READ_RULES, WRITE_RULES, EXCEPTION_TEAMS, ROW_LIMITS } as const;

test('every role has an entry in every per-role table, and no table has an entry for an unknown role', () => {
  for (const [name, table] of Object.entries(PER_ROLE_TABLES)) {
    assert.deepEqual(Object.keys(table).sort(), [...ROLES].sort(), `${name} does not cover exactly the roles`);
  }
});

test('every team a role works on is a known owning team', () => {
  for (const role of ROLES) {
    const teams = EXCEPTION_TEAMS[role];
    if (teams === 'all') continue;
    for (const team of teams) assert.ok(OWNING_TEAM_NAMES.includes(team), `${role}: unknown team ${team}`);
  }
});

test('read and write rules name only queries, mutations, types and fields the ownership declaration has', () => {
  const has = (type: string, field: string) => Object.hasOwn(OWNERSHIP[type] ?? {}, field);
  for (const role of ROLES) {
    const read = READ_RULES[role];
    for (const q of read.queries) assert.ok(has('Query', q), `${role}: unknown query ${q}`);
    if (read.types !== 'all') for (const t of read.types) assert.ok(OWNERSHIP[t], `${role}: unknown type ${t}`);
    for (const tf of read.deniedFields ?? []) {
      const [type, field] = tf.split('.');
      assert.ok(has(type!, field!), `${role}: unknown field ${tf}`);
    }
    const write = WRITE_RULES[role];
    for (const m of write.mutations) assert.ok(has('Mutation', m), `${role}: unknown mutation ${m}`);
    for (const [type, fields] of Object.entries(write.fields ?? {})) {
      assert.ok(Object.values(FIELD_INPUTS).some((i) => i.type === type), `${role}: no mutation takes fields of ${type}`);
      if (fields === 'crm' || fields === undefined) continue;
      for (const f of fields) assert.ok(OWNERSHIP[type]?.[f]?.write, `${role}: ${type}.${f} is not a writable field`);
    }
  }
  for (const [mutation, input] of Object.entries(FIELD_INPUTS)) {
    assert.ok(has('Mutation', mutation), `FIELD_INPUTS: unknown mutation ${mutation}`);
    assert.ok(OWNERSHIP[input.type], `FIELD_INPUTS: unknown type ${input.type}`);
  }
});

test("a row-limited role's claim is required by the token check, and the table refuses an identity without it", () => {
  for (const role of ROLES) {
    const limit = ROW_LIMITS[role];
    if (limit.rows === 'all') continue;
    assert.throws(() => identityFromClaims({ sub: 'x', roles: [role] }), (e) => isAppError(e) && e.code === 'UNAUTHENTICATED', `${role} without ${limit.claim}`);
    const identity: Identity = { sub: 'x', roles: [role], accountId: null, companyIds: null, scopes: [] };
    assert.throws(() => ownAccountLimit(identity), (e) => isAppError(e) && e.code === 'FORBIDDEN');
    assert.deepEqual(ownAccountLimit({ ...identity, [limit.claim]: 'acc-1' }), { accountId: 'acc-1' });
  }
  assert.equal(ownAccountLimit({ sub: 'x', roles: ['finance', 'sales_ops'], accountId: null, companyIds: null, scopes: [] }), null);
});

test('the GraphQL enum OwningTeam lists exactly the owning teams', () => {
  const sdl = readFileSync(new URL('../subgraphs/writes/schema.graphql', import.meta.url), 'utf8');
  const def = parse(sdl).definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'OwningTeam');
  assert.ok(def && def.kind === Kind.ENUM_TYPE_DEFINITION);
  assert.deepEqual((def.values ?? []).map((v) => v.name.value).sort(), [...OWNING_TEAM_NAMES].sort());
});

test("the store's CHECK constraints accept exactly the owning teams and the system names (a change needs a migration)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'role-tables-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore(join(dir, 'store.sqlite'));
  t.after(() => store.close());
  const checkOf = (table: string, column: string): string[] => {
    const { sql } = store.db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!;
    const m = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)\\)`).exec(sql);
    assert.ok(m, `${table}.${column} has no CHECK (… IN …)`);
    return m[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, '')).sort();
  };
  assert.deepEqual(checkOf('integration_exceptions', 'team'), [...OWNING_TEAM_NAMES].sort());
  assert.deepEqual(checkOf('audit_log', 'system'), [...SYSTEM_NAMES].sort());
});

test("each component's subgraph is the one supergraph.yaml names", () => {
  const names = readSupergraphConfig().map((s) => s.name);
  assert.deepEqual(COMPONENT_NAMES.map((c) => COMPONENTS[c].subgraph).sort(), names.sort());
});
