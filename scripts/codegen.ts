// `npm run codegen`: resolver types from each subgraph's schema.graphql (GraphQL
// Code Generator, `typescript` + `typescript-resolvers` with federation), written
// to subgraphs/<name>/generated/resolvers-types.ts. The resolvers are typed with
// them, so a field or argument renamed in a schema and not in code fails
// `tsc --noEmit`. `npm run codegen -- --check` writes nothing and exits non-zero
// naming every checked-in file that differs (CI runs it before the type check).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLObjectType, GraphQLSchema, isObjectType, parse, printSchema } from 'graphql';
import { readSupergraphConfig } from '../gateway/composition.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * What the schema cannot say: the context each subgraph's resolvers receive and the
 * parent value each object type's resolvers really get (a backend row, not the
 * GraphQL shape). Paths are relative to the generated file. Types without a mapper
 * are resolved from plain objects of their GraphQL shape.
 */
interface SubgraphTypes {
  contextType: string;
  mappers: Record<string, string>;
}

const ODOO_ROW = '../loaders.ts#OdooRow';

export const SUBGRAPH_TYPES: Record<string, SubgraphTypes> = {
  odoo: {
    contextType: '../context.ts#OdooSubgraphContext',
    mappers: {
      Account: '../parents.ts#AccountParent',
      Order: ODOO_ROW,
      OrderLine: ODOO_ROW,
      Shipment: ODOO_ROW,
      ShipmentLine: ODOO_ROW,
      Invoice: ODOO_ROW,
      Product: ODOO_ROW,
      ProductionOrder: ODOO_ROW,
      QuoteLine: '../parents.ts#QuoteLineRepresentation',
      // Resolved from the loader's row as it is, not from a copy in the GraphQL shape.
      Availability: '../loaders.ts#AvailabilityRow',
    },
  },
  crm: {
    contextType: '../loaders.ts#CrmSubgraphContext',
    mappers: {
      Account: '../parents.ts#AccountParent',
      Contact: '../../../connectors/crm/port.ts#CrmContact',
      Quote: '../../../connectors/crm/port.ts#CrmQuote',
      SalesRep: '../../../connectors/crm/port.ts#CrmOwner',
      QuoteLine: '../parents.ts#LineParent',
    },
  },
  writes: {
    contextType: '../context.ts#WritesContext',
    mappers: {
      SystemWrite: '../resolvers/shared.ts#SystemWrite as SystemWriteRow',
      AuditEntry: '../../../store/index.ts#AuditEntry as StoredAuditEntry',
      IntegrationException: '../../../store/index.ts#IntegrationException as StoredException',
    },
  },
};

const CONFIG = {
  federation: true,
  // Apollo's subgraph template turns this on so the map fits ApolloServer's resolver type.
  // Our servers take the map as it is, and an index signature would let a resolver for a
  // field the schema no longer has pass the type check (no excess-property error).
  useIndexSignature: false,
  useTypeImports: true,
  // The resolvers return the canonical values as string literals; a union type accepts them.
  enumsAsTypes: true,
  // Dates cross the wire as the ISO strings scalars.ts checks and normalises.
  scalars: { DateTime: 'string', Date: 'string' },
  showUnusedMappers: false,
  // A resolver may return an Error as a field's value: graphql-js reports it as that
  // field's error and the rest of the record still arrives (one bad value costs one field).
  resolverTypeWrapperSignature: 'Promise<T | Error> | T | Error',
};

export function outputFileOf(name: string): string {
  return resolve(ROOT, 'subgraphs', name, 'generated', 'resolvers-types.ts');
}

/**
 * The schema as `@apollo/subgraph` builds it (the @link imports become the federation
 * directive definitions the plugin reads @key and @requires from), less the entry
 * points it adds for the router: Query._entities and Query._service are resolved by
 * @apollo/subgraph itself (through __resolveReference), not by our code.
 */
function subgraphSchema(sdl: string): GraphQLSchema {
  const built = buildSubgraphSchema({ typeDefs: parse(sdl) });
  const config = built.toConfig();
  const queryConfig = built.getQueryType()!.toConfig();
  const { _entities: _e, _service: _s, ...fields } = queryConfig.fields;
  const query = new GraphQLObjectType({ ...queryConfig, fields });
  const routerOnly = new Set(['_Entity', '_Service', '_Any', query.name]);
  return new GraphQLSchema({ ...config, query, types: [...config.types.filter((t) => !routerOnly.has(t.name)), query] });
}

/**
 * Every list answers with a connection whose totalCount is a thunk (counting costs
 * a backend call, so it runs only when asked): derived from the schema, for every
 * type with a totalCount field. {T} is the type with its edges already mapped.
 */
function connectionMappers(schema: GraphQLSchema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.getFields().totalCount) out[type.name] = `Omit<{T}, 'totalCount'> & { totalCount: () => number | Promise<number> }`;
  }
  return out;
}

function header(schemaFile: string): string {
  return [
    `// GENERATED by \`npm run codegen\` (scripts/codegen.ts) from ${schemaFile}. Do not edit:`,
    `// change the schema (or the mappers in scripts/codegen.ts) and run \`npm run codegen\`.`,
    `// CI and test/generated-types.test.ts fail when this file and the schema disagree.`,
    '',
  ].join('\n');
}

/** The resolver types of one subgraph, from its SDL (as `@apollo/subgraph` builds it). */
export async function generateResolverTypes(name: string, sdl: string): Promise<string> {
  const types = SUBGRAPH_TYPES[name];
  if (!types) throw new Error(`scripts/codegen.ts has no context type and mappers for subgraph "${name}"`);
  const schema = subgraphSchema(sdl);
  const mappers = { ...connectionMappers(schema), ...types.mappers };
  // The plugin's own unused-mapper report miscounts {T} mappers; a stale name is an error here instead.
  const unknown = Object.keys(mappers).filter((t) => !isObjectType(schema.getType(t)));
  if (unknown.length) throw new Error(`scripts/codegen.ts maps types subgraph "${name}" does not have: ${unknown.join(', ')}`);
  const body = await codegen({
    schema: parse(printSchema(schema)),
    schemaAst: schema,
    documents: [],
    filename: outputFileOf(name),
    plugins: [{ typescript: {} }, { typescriptResolvers: {} }],
    pluginMap: { typescript: typescriptPlugin, typescriptResolvers: resolversPlugin },
    config: { ...CONFIG, contextType: types.contextType, mappers },
  });
  return header(`subgraphs/${name}/schema.graphql`) + body;
}

/** Every subgraph of supergraph.yaml with its freshly generated file. */
export async function generateAll(): Promise<Array<{ file: string; content: string }>> {
  const out = [];
  for (const sg of readSupergraphConfig()) {
    out.push({ file: outputFileOf(sg.name), content: await generateResolverTypes(sg.name, sg.sdl) });
  }
  return out;
}

/** Checked-in files that differ from what the schemas generate now. */
export async function staleFiles(): Promise<string[]> {
  const stale = [];
  for (const { file, content } of await generateAll()) {
    let current: string | null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = null;
    }
    if (current !== content) stale.push(relative(ROOT, file));
  }
  return stale;
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const stale = await staleFiles();
    for (const f of stale) console.error(`${f} is out of date with its schema: run \`npm run codegen\` and commit it`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const { file, content } of await generateAll()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`generated ${relative(ROOT, file)}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
