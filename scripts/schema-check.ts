// `npm run schema:check`: the composed API schema against the last released one
// (schema/released/api.graphql), classified by @graphql-inspector/core. A breaking
// change fails the check unless schema/declared-breaking.yaml declares it with a
// reason; dangerous and safe changes are listed. The ownership declaration
// (policy/ownership.ts) and the CRM mappings (connectors/crm/hubspot/canonical.ts)
// are compared with the released snapshot and printed as a data diff, for review.
// `npm run schema:release` makes the current schema and tables the released ones and
// clears the declarations they covered. Options (tests, fixtures): --released DIR,
// --current FILE (an API schema instead of composing supergraph.yaml), --declared FILE.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema } from 'graphql';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import YAML from 'yaml';
import { z } from 'zod';
import { OWNERSHIP } from '../policy/ownership.ts';
import { LIFECYCLE_STAGE, OBJECT_TYPE, PROPERTY, QUOTE_STATUS } from '../connectors/crm/hubspot/canonical.ts';
import { apiSchemaFileText } from './print-schema.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const RELEASED_DIR = join(ROOT, 'schema', 'released');
export const DECLARED_FILE = join(ROOT, 'schema', 'declared-breaking.yaml');

// ------------------------------------------------------------------ data tables

/** One row of a reviewed table: `table` and `key` identify it, `values` are what a change changes. */
export interface DataRow { table: string; key: string; values: Record<string, string> }

/** The ownership declaration and the CRM mappings as rows, in a stable order. */
export function currentDataRows(): DataRow[] {
  const rows: DataRow[] = [];
  for (const [type, fields] of Object.entries(OWNERSHIP)) {
    for (const [field, d] of Object.entries(fields)) {
      rows.push({
        table: 'ownership', key: `${type}.${field}`,
        values: { owner: d.owner, write: d.write ? JSON.stringify(d.write) : 'read-only', sensitivity: d.sensitivity ?? '' },
      });
    }
  }
  for (const [kind, properties] of Object.entries(PROPERTY)) {
    for (const [field, property] of Object.entries(properties)) {
      rows.push({ table: 'crm property', key: `${kind}.${field}`, values: { object: OBJECT_TYPE[kind as keyof typeof OBJECT_TYPE] ?? '', property } });
    }
  }
  for (const [hubspot, canonical] of Object.entries(LIFECYCLE_STAGE)) rows.push({ table: 'crm lifecycle stage', key: hubspot, values: { canonical } });
  for (const [hubspot, canonical] of Object.entries(QUOTE_STATUS)) rows.push({ table: 'crm quote status', key: hubspot, values: { canonical } });
  return rows;
}

const dataSnapshotSchema = z.object({
  rows: z.array(z.object({ table: z.string().min(1).max(100), key: z.string().min(1).max(300), values: z.record(z.string(), z.string().max(2000)) })).max(20_000),
});

export interface DataChange { change: 'added' | 'removed' | 'changed'; table: string; key: string; before: string; after: string }

export function diffData(released: DataRow[], current: DataRow[]): DataChange[] {
  const id = (r: DataRow) => `${r.table}\u0000${r.key}`;
  const show = (v: Record<string, string>) => Object.entries(v).map(([k, x]) => `${k}=${x}`).join(', ');
  const before = new Map(released.map((r) => [id(r), r]));
  const after = new Map(current.map((r) => [id(r), r]));
  const out: DataChange[] = [];
  for (const [k, r] of before) {
    const now = after.get(k);
    if (!now) out.push({ change: 'removed', table: r.table, key: r.key, before: show(r.values), after: '' });
    else if (show(now.values) !== show(r.values)) {
      const names = [...new Set([...Object.keys(r.values), ...Object.keys(now.values)])].filter((n) => r.values[n] !== now.values[n]);
      out.push({ change: 'changed', table: r.table, key: r.key, before: show(Object.fromEntries(names.map((n) => [n, r.values[n] ?? '']))), after: show(Object.fromEntries(names.map((n) => [n, now.values[n] ?? '']))) });
    }
  }
  for (const [k, r] of after) if (!before.has(k)) out.push({ change: 'added', table: r.table, key: r.key, before: '', after: show(r.values) });
  return out;
}

// ------------------------------------------------------------------ declarations

const declarationsSchema = z.object({
  breaking: z.array(z.object({
    /** Inspector's change path, e.g. `Order.legacyState` or `Query.orders.first`. */
    path: z.string().min(1).max(300),
    /** Inspector's change type (FIELD_REMOVED, FIELD_ARGUMENT_TYPE_CHANGED…); any breaking change at the path when absent. */
    change: z.string().regex(/^[A-Z_]{3,80}$/).optional(),
    reason: z.string().min(10, 'say why the break is acceptable (at least 10 characters)').max(1000),
  }).strict()).max(500).default([]),
}).strict();
export type Declarations = z.infer<typeof declarationsSchema>;

export function parseDeclarations(text: string, source = DECLARED_FILE): Declarations {
  const parsed = declarationsSchema.safeParse(YAML.parse(text) ?? {});
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const DECLARED_HEADER = `# Breaking changes of the API schema made on purpose, each with its reason.
# \`npm run schema:check\` fails on a breaking change against schema/released/ that is
# not listed here, and on an entry that no longer matches a change; \`npm run
# schema:release\` clears the list. Entry: { path: Type.field[.arg], change: FIELD_REMOVED
# (optional, inspector's change type), reason: "…" }.
`;

// ------------------------------------------------------------------ the check

export interface CheckInput { releasedSdl: string; currentSdl: string; releasedData: DataRow[]; currentData: DataRow[]; declarations: Declarations }
export interface CheckResult { ok: boolean; report: string; changes: Change[]; undeclared: Change[]; stale: Declarations['breaking']; dataChanges: DataChange[] }

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export async function checkSchema(input: CheckInput): Promise<CheckResult> {
  const changes = await diff(buildSchema(input.releasedSdl), buildSchema(input.currentSdl));
  const matches = (d: Declarations['breaking'][number], c: Change) => c.path === d.path && (!d.change || d.change === c.type);
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const undeclared = breaking.filter((c) => !input.declarations.breaking.some((d) => matches(d, c)));
  const stale = input.declarations.breaking.filter((d) => !breaking.some((c) => matches(d, c)));
  const dataChanges = diffData(input.releasedData, input.currentData);

  const out: string[] = [];
  const level = (c: Change) => (c.criticality.level === CriticalityLevel.Breaking ? (undeclared.includes(c) ? 'BREAKING' : 'breaking (declared)') : c.criticality.level === CriticalityLevel.Dangerous ? 'dangerous' : 'safe');
  const order = ['BREAKING', 'breaking (declared)', 'dangerous', 'safe'];
  const rows = changes.map((c) => [level(c), c.path ?? '', c.type, c.message]).sort((a, b) => order.indexOf(a[0]!) - order.indexOf(b[0]!));
  out.push(changes.length ? `API schema: ${changes.length} change(s) since the release\n${table(['level', 'path', 'change', 'what'], rows)}` : 'API schema: no change since the release');
  for (const c of undeclared) {
    out.push(`BREAKING: ${c.message} (${c.type} at ${c.path ?? '?'}). Keep the old shape beside the new one, or declare it in schema/declared-breaking.yaml: { path: ${c.path}, change: ${c.type}, reason: … }`);
  }
  for (const d of stale) out.push(`STALE declaration: ${d.path}${d.change ? ` (${d.change})` : ''} matches no breaking change any more: remove it from schema/declared-breaking.yaml`);
  out.push(dataChanges.length
    ? `Ownership and mappings: ${dataChanges.length} row(s) changed since the release (review them)\n${table(['change', 'table', 'key', 'released', 'now'], dataChanges.map((d) => [d.change, d.table, d.key, d.before, d.after]))}`
    : 'Ownership and mappings: no change since the release');
  const ok = undeclared.length === 0 && stale.length === 0;
  out.push(ok ? 'schema:check passed' : `schema:check FAILED: ${undeclared.length} undeclared breaking change(s), ${stale.length} stale declaration(s)`);
  return { ok, report: out.join('\n\n'), changes, undeclared, stale, dataChanges };
}

function readDataSnapshot(file: string): DataRow[] {
  return dataSnapshotSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).rows;
}

/** Makes the current schema and tables the released ones, and clears the declarations. */
export function release(dir: string, currentSdl: string, declaredFile: string): void {
  mkdirSync(dir, { recursive: true });
  const sdl = currentSdl.replace(/^(#[^\n]*\n)*\n?/, '');
  writeFileSync(join(dir, 'api.graphql'), `# The API schema as last released (\`npm run schema:release\`); \`npm run schema:check\` compares with it.\n\n${sdl}`);
  // One row a line, so that a release's git diff reads as the data diff it is.
  writeFileSync(join(dir, 'mappings.json'), `{"rows": [\n${currentDataRows().map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
  writeFileSync(declaredFile, `${DECLARED_HEADER}breaking: []\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { release: { type: 'boolean' }, released: { type: 'string' }, current: { type: 'string' }, declared: { type: 'string' } } });
  const dir = values.released ? resolve(values.released) : RELEASED_DIR;
  const declaredFile = values.declared ? resolve(values.declared) : DECLARED_FILE;
  const currentSdl = values.current ? readFileSync(values.current, 'utf8') : apiSchemaFileText();
  if (values.release) {
    release(dir, currentSdl, declaredFile);
    console.log(`released: ${join(dir, 'api.graphql')}, ${join(dir, 'mappings.json')}; ${declaredFile} cleared`);
  } else {
    try {
      const result = await checkSchema({
        releasedSdl: readFileSync(join(dir, 'api.graphql'), 'utf8'),
        currentSdl,
        releasedData: readDataSnapshot(join(dir, 'mappings.json')),
        currentData: currentDataRows(),
        declarations: parseDeclarations(existsSync(declaredFile) ? readFileSync(declaredFile, 'utf8') : '', declaredFile),
      });
      console.log(result.report);
      process.exitCode = result.ok ? 0 : 1;
    } catch (e) {
      console.error(`schema:check: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  }
}
