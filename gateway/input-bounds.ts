// Input bounds (issue 9): every string a caller sends in an argument — lookups by
// number or SKU, name filters, ids, cursors, free text, at any depth of an input
// object or list, literal or variable — has a maximum length, checked once here
// before the query is planned, so an oversized value never reaches a subgraph,
// Odoo or HubSpot (which would answer with an error as large as the value).
// One table: a default and the few arguments allowed more, named by their schema
// coordinate (`Type.field(arg:)` for arguments, `InputType.field` for input fields).
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { graphQLError } from '../policy/errors.ts';

export interface StringLimits {
  /** Characters any string argument may have unless the table says otherwise. */
  default: number;
  /** Schema coordinate → maximum; only where a longer (or shorter) value is legitimate. */
  exceptions: Readonly<Record<string, number>>;
}

/**
 * 256 covers every identifier, number, SKU, cursor, name and filter of the API
 * (the writes subgraph's own rules are at most 255 for names and URLs). Free text
 * that is longer by design is listed, with the same maximum as its validation in
 * the writes subgraph (a test keeps them equal).
 */
export const STRING_LIMITS: StringLimits = {
  default: 256,
  exceptions: {
    'Mutation.requestDeliveryDate(reason:)': 500,
  },
};

/** The bound of one coordinate. */
export function maxLengthOf(coordinate: string, limits: StringLimits = STRING_LIMITS): number {
  return limits.exceptions[coordinate] ?? limits.default;
}

interface Violation {
  field: string;
  maximum: number;
  variable?: string;
}

/**
 * The first string in the operation's arguments (literals, and the values of the
 * variables they use) that is longer than its bound, or undefined. Any string
 * counts, whatever the declared type: a 100 KB string given for an Int would
 * otherwise come back inside the coercion error.
 */
export function findOverlongString(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  limits: StringLimits = STRING_LIMITS,
): Violation | undefined {
  let found: Violation | undefined;

  const checkJs = (value: unknown, type: GraphQLInputType | undefined, coordinate: string, path: string, variable?: string): void => {
    if (found) return;
    if (typeof value === 'string') {
      const maximum = maxLengthOf(coordinate, limits);
      if (value.length > maximum) found = { field: path, maximum, ...(variable ? { variable } : {}) };
      return;
    }
    const nullable = type ? getNullableType(type) : undefined;
    if (Array.isArray(value)) {
      const item = nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
      value.forEach((v, i) => checkJs(v, item, coordinate, `${path}[${i}]`, variable));
      return;
    }
    if (value && typeof value === 'object') {
      const named = type ? getNamedType(type) : undefined;
      const fields = named && isInputObjectType(named) ? named.getFields() : {};
      for (const [name, v] of Object.entries(value)) {
        checkJs(v, fields[name]?.type, named ? `${named.name}.${name}` : coordinate, `${path}.${name}`, variable);
      }
    }
  };

  const checkAst = (node: ValueNode, type: GraphQLInputType | undefined, coordinate: string, path: string): void => {
    if (found) return;
    switch (node.kind) {
      case Kind.STRING:
        return checkJs(node.value, type, coordinate, path);
      case Kind.VARIABLE:
        return checkJs(variables?.[node.name.value], type, coordinate, path, node.name.value);
      case Kind.LIST: {
        const nullable = type ? getNullableType(type) : undefined;
        const item = nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
        node.values.forEach((v, i) => checkAst(v, item, coordinate, `${path}[${i}]`));
        return;
      }
      case Kind.OBJECT: {
        const named = type ? getNamedType(type) : undefined;
        const fields = named && isInputObjectType(named) ? named.getFields() : {};
        for (const f of node.fields) {
          checkAst(f.value, fields[f.name.value]?.type, named ? `${named.name}.${f.name.value}` : coordinate, `${path}.${f.name.value}`);
        }
        return;
      }
      default:
        return;
    }
  };

  for (const site of argumentSites(schema, document)) {
    checkAst(site.value, site.type, site.coordinate, site.name);
    if (found) return found;
  }
  return undefined;
}

/** One argument of a document: where it is (its schema coordinate), its declared type, its value as written. */
interface ArgumentSite {
  coordinate: string;
  name: string;
  type: GraphQLInputType | undefined;
  value: ValueNode;
}

/**
 * The arguments of a document, in document order, found once per document and
 * schema: Apollo Server hands every request of the same query text the same parsed
 * document (its document store), so only the values of the variables are checked
 * per request, not the document walked again with its types (issue 13).
 */
const sitesBySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly ArgumentSite[]>>();

function argumentSites(schema: GraphQLSchema, document: DocumentNode): readonly ArgumentSite[] {
  let byDocument = sitesBySchema.get(schema);
  if (!byDocument) sitesBySchema.set(schema, (byDocument = new WeakMap()));
  const known = byDocument.get(document);
  if (known) return known;
  const typeInfo = new TypeInfo(schema);
  const sites: ArgumentSite[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        const directive = typeInfo.getDirective();
        const coordinate = directive
          ? `@${directive.name}(${node.name.value}:)`
          : `${parent?.name ?? '?'}.${field?.name ?? '?'}(${node.name.value}:)`;
        sites.push({ coordinate, name: node.name.value, type: typeInfo.getArgument()?.type, value: node.value });
        return false;
      },
    }),
  );
  byDocument.set(document, sites);
  return sites;
}

/** The caller's error: BAD_USER_INPUT naming the argument path, without echoing the value. */
export function overlongStringError(v: Violation): GraphQLError {
  const from = v.variable ? ` (from variable $${v.variable})` : '';
  return graphQLError('BAD_USER_INPUT', `Argument "${v.field}"${from} is longer than ${v.maximum} characters`, {
    field: v.field,
    maximum: v.maximum,
    http: { status: 400 },
  });
}
