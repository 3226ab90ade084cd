// Builds a subgraph's graphql-shield rule set from the permission table
// (permissions.ts): one rule per object field, fallbackRule deny, and the
// federation internals (`_service`, `_entities`) explicitly allowed so entity
// resolution works — the entity's own fields are then checked like any other.
import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { ERRORS } from '../../policy/errors.ts';
import type { Identity } from '../../core/identity.ts';
import { OWNERSHIP, resolutionDisplayName } from '../../policy/ownership.ts';
import { accessForIdentity, FIELD_INPUTS, isMaskable, rolesForMutation, writableFields } from '../../policy/permissions.ts';

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

function fieldRule(type: string, field: string) {
  return rule(`read:${type}.${field}`, { cache: 'contextual' })((_parent, _args, ctx: ShieldContext) => {
    if (!ctx.identity) return new GraphQLError('No identity', { extensions: { code: ERRORS.UNAUTHENTICATED.code } });
    switch (accessForIdentity(ctx.identity, type, field)) {
      case 'allow':
      case 'mask': // the resolver is not run: maskingMiddleware answers null and records the coordinate
        return true;
      default:
        return forbidden(type, field);
    }
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

/** The fields some caller may get masked (commercially sensitive ones, ownership.ts): only these pay for the check. */
function maskableFields(schema: GraphQLSchema): Record<string, Record<string, unknown>> {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
    for (const name of Object.keys(type.getFields())) {
      if (!isMaskable(type.name, name)) continue;
      const coordinate = `${type.name}.${name}`;
      (tree[type.name] ??= {})[name] = (resolve: (...a: unknown[]) => unknown, parent: unknown, args: unknown, ctx: ShieldContext, info: unknown) => {
        if (ctx.identity && accessForIdentity(ctx.identity, type.name, name) === 'mask') {
          ctx[MASKED_FIELDS]?.add(coordinate);
          return null;
        }
        return resolve(parent, args, ctx, info);
      };
    }
  }
  return tree;
}

export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
    const fields: Record<string, unknown> = {};
    if (type.name === 'Mutation') {
      for (const name of Object.keys(type.getFields())) fields[name] = mutationRule(name);
      tree[type.name] = fields;
      continue;
    }
    for (const name of Object.keys(type.getFields())) {
      const federationInternal = type.name === '_Service' || (type.name === 'Query' && (name === '_service' || name === '_entities'));
      fields[name] = federationInternal ? allow : fieldRule(type.name, name);
    }
    tree[type.name] = fields;
  }
  const permissions = shield(tree as never, {
    fallbackRule: deny,
    fallbackError: () => new GraphQLError('Not allowed', { extensions: { code: ERRORS.FORBIDDEN.code } }),
    allowExternalErrors: true,
    debug: false,
  });
  // The shield runs first (outermost): a denied field never reaches the masking step.
  return applyMiddleware(schema, permissions, maskableFields(schema) as never);
}
