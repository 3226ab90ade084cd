// Builds a subgraph's permission checks from the permission table
// (permissions.ts): graphql-shield rules for the entry points (Query fields) and
// mutations, fallbackRule deny, the federation internals (`_service`, `_entities`)
// explicitly allowed so entity resolution works; every object field the table does
// not allow for every role carries a synchronous check (deny unless the table allows),
// so an entity's fields are checked like any other.
import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { ERRORS } from '../../policy/errors.ts';
import type { Identity } from '../../core/identity.ts';
import { OWNERSHIP, resolutionDisplayName } from '../../policy/ownership.ts';
import { accessFor, accessForIdentity, FIELD_INPUTS, isMaskable, ROLES, rolesForMutation, writableFields, type Access } from '../../policy/permissions.ts';

interface ShieldContext {
  identity?: Identity;
  [MASKED_FIELDS]?: Set<string>;
}

/**
 * Where a request's withheld field coordinates are collected (a symbol on the context,
 * created with it, so Apollo's shallow copies share the one set). A masked field is
 * reported once per response in `extensions.masked`, not as one error per value: a BI
 * page of 100 orders would otherwise carry hundreds of MASKED errors, and common
 * clients throw on any error.
 */
export const MASKED_FIELDS = Symbol('masked fields');

/** The response's `extensions.masked`: the coordinates withheld from this caller, each once. */
export function maskedFieldsOf(context: object): string[] {
  const set = (context as ShieldContext)[MASKED_FIELDS];
  return set ? [...set].sort() : [];
}

const FEDERATION_TYPES = new Set(['_Entity', '_Any']);

function forbidden(type: string, field: string) {
  return new GraphQLError(`Not allowed to read ${type}.${field}`, { extensions: { code: ERRORS.FORBIDDEN.code } });
}

/** A request's decisions, one per field coordinate: a field of 50 records asks the table once. */
const DECISIONS = Symbol('field decisions');

function decide(ctx: ShieldContext & { [DECISIONS]?: Map<string, Access> }, coordinate: string, type: string, field: string): Access {
  const decisions = (ctx[DECISIONS] ??= new Map());
  let access = decisions.get(coordinate);
  if (access === undefined) {
    access = ctx.identity ? accessForIdentity(ctx.identity, type, field) : 'deny';
    decisions.set(coordinate, access);
  }
  return access;
}

/**
 * The read rule of one object field, wrapped around its resolver. Its answer depends
 * only on the caller and the field (accessForIdentity), never on the record, so it is
 * taken once per request and field. Not a graphql-shield rule: shield awaits its rule
 * on every field of every record, which turns each scalar of a 50-order page into two
 * promises (about half the subgraph's CPU per request); entry points and mutations,
 * which run once per request, stay with the shield. Not a graphql-middleware
 * middleware either: that adds two closures per field of every record around this one.
 */
function guardedResolver(type: string, field: string, resolve: GraphQLFieldResolver<unknown, ShieldContext>): GraphQLFieldResolver<unknown, ShieldContext> {
  const coordinate = `${type}.${field}`;
  const maskable = isMaskable(type, field);
  return (parent, args, ctx, info) => {
    switch (decide(ctx, coordinate, type, field)) {
      case 'allow':
        return resolve(parent, args, ctx, info);
      case 'mask':
        // The resolver is not run: the field answers null and the coordinate is listed once per response.
        if (maskable) {
          ctx[MASKED_FIELDS]?.add(coordinate);
          return null;
        }
        return forbidden(type, field);
      default:
        if (!ctx.identity) return new GraphQLError('No identity', { extensions: { code: ERRORS.UNAUTHENTICATED.code } });
        return forbidden(type, field);
    }
  };
}

function entryRule(field: string) {
  return rule(`read:Query.${field}`, { cache: 'contextual' })((_parent, _args, ctx: ShieldContext) => {
    if (!ctx.identity) return new GraphQLError('No identity', { extensions: { code: ERRORS.UNAUTHENTICATED.code } });
    return accessForIdentity(ctx.identity, 'Query', field) === 'allow' ? true : forbidden('Query', field);
  });
}

/**
 * Mutations: the role must be granted the mutation; for a mutation with field inputs
 * (FIELD_INPUTS) every input field must be writable (ownership.ts) and writable by
 * this caller. Refused before the resolver runs, so nothing is read or written.
 */
function mutationRule(mutation: string) {
  const fieldInput = FIELD_INPUTS[mutation];
  return rule(`write:${mutation}`, { cache: 'no_cache' })((_parent, args: Record<string, unknown>, ctx: ShieldContext) => {
    if (!ctx.identity) return new GraphQLError('No identity', { extensions: { code: ERRORS.UNAUTHENTICATED.code } });
    if (rolesForMutation(ctx.identity, mutation).length === 0) {
      return new GraphQLError(`Not allowed to call ${mutation}`, { extensions: { code: ERRORS.FORBIDDEN.code } });
    }
    const input = fieldInput ? (args[fieldInput.argument] as Record<string, unknown> | null | undefined) : undefined;
    if (fieldInput && input) {
      const { type, argument } = fieldInput;
      const mayWrite = writableFields(ctx.identity, mutation, type);
      for (const field of Object.keys(input)) {
        const decl = OWNERSHIP[type]?.[field];
        if (decl && !decl.write) {
          return new GraphQLError(`${type}.${field} is owned by ${resolutionDisplayName(decl.owner)} and read-only`, {
            extensions: { code: ERRORS.READ_ONLY_FIELD.code, field: `${argument}.${field}`, owner: decl.owner },
          });
        }
        if (!mayWrite.has(field)) {
          return new GraphQLError(`Not allowed to change ${type}.${field}`, { extensions: { code: ERRORS.FORBIDDEN.code, field: `${argument}.${field}` } });
        }
      }
    }
    return true;
  });
}

/** Fields whose answer is 'allow' for every role (plumbing: Money, PageInfo, connections): no middleware at all. */
function allowedForEveryone(type: string, field: string): boolean {
  // Scopes only turn 'mask' into 'allow', so 'allow' without scopes is 'allow' with any.
  return ROLES.every((r) => accessFor(r, [], type, field) === 'allow');
}

const ENTRY_TYPES = new Set(['Query', 'Mutation', '_Service']);

export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const entryTree: Record<string, Record<string, unknown>> = {};
  const guarded: Array<[type: string, field: string]> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
    const fields: Record<string, unknown> = {};
    for (const name of Object.keys(type.getFields())) {
      if (type.name === 'Mutation') fields[name] = mutationRule(name);
      else if (type.name === '_Service' || (type.name === 'Query' && (name === '_service' || name === '_entities'))) fields[name] = allow;
      else if (type.name === 'Query') fields[name] = entryRule(name);
      else if (!ENTRY_TYPES.has(type.name) && !allowedForEveryone(type.name, name)) guarded.push([type.name, name]);
    }
    if (ENTRY_TYPES.has(type.name)) entryTree[type.name] = fields;
  }
  // graphql-shield for the entry points and mutations (deny by default: a Query or
  // Mutation field without a rule is refused); its generated middleware is taken for
  // those types only.
  const shieldMiddleware = shield(entryTree as never, {
    fallbackRule: deny,
    fallbackError: () => new GraphQLError('Not allowed', { extensions: { code: ERRORS.FORBIDDEN.code } }),
    allowExternalErrors: true,
    debug: false,
  }).generate(schema) as Record<string, unknown>;
  const entryMiddleware = Object.fromEntries(Object.entries(shieldMiddleware).filter(([type]) => ENTRY_TYPES.has(type)));
  const shielded = applyMiddleware(schema, entryMiddleware as never);
  // The object fields not allowed for every role carry their own check (deny unless the
  // table allows), set on the shielded schema's own field definitions.
  for (const [typeName, name] of guarded) {
    const field = (shielded.getType(typeName) as GraphQLObjectType).getFields()[name]!;
    field.resolve = guardedResolver(typeName, name, (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, ShieldContext>);
  }
  return shielded;
}
