// Builds a subgraph's graphql-shield rule set from the permission table
// (permissions.ts): one rule per object field, fallbackRule deny, and the
// federation internals (`_service`, `_entities`) explicitly allowed so entity
// resolution works — the entity's own fields are then checked like any other.
import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import { ERRORS } from './errors.ts';
import type { Identity } from './identity.ts';
import { accessForIdentity } from './permissions.ts';

interface ShieldContext {
  identity?: Identity;
}

const FEDERATION_TYPES = new Set(['_Entity', '_Any']);

function forbidden(type: string, field: string) {
  return new GraphQLError(`Not allowed to read ${type}.${field}`, { extensions: { code: ERRORS.FORBIDDEN.code } });
}

function masked(type: string, field: string) {
  return new GraphQLError(`${type}.${field} is masked for this caller (needs scope bi:commercial)`, { extensions: { code: ERRORS.MASKED.code } });
}

function fieldRule(type: string, field: string) {
  return rule(`read:${type}.${field}`, { cache: 'contextual' })((_parent, _args, ctx: ShieldContext) => {
    if (!ctx.identity) return new GraphQLError('No identity', { extensions: { code: ERRORS.UNAUTHENTICATED.code } });
    switch (accessForIdentity(ctx.identity, type, field)) {
      case 'allow':
        return true;
      case 'mask':
        return masked(type, field);
      default:
        return forbidden(type, field);
    }
  });
}

export function applyReadPermissions(schema: GraphQLSchema): GraphQLSchema {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name) || type.name === 'Mutation') continue;
    const fields: Record<string, unknown> = {};
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
  return applyMiddleware(schema, permissions);
}
