// "Every write attempt" is in the audit trail — refused ones too: a mutation turned
// away by a permission rule, input validation, a conflict or a missing record is
// recorded once here, whichever layer refused it (shield rule or resolver).
// Fail closed: a refusal the trail could not record is not answered as that
// refusal (an attempt nobody can trace) but as STORE_UNAVAILABLE, and logged with
// the request id. The store bounds what a caller sent (ids, messages), so what
// fails here is the store itself (file gone, disk full, I/O error).
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { Kind, type FieldNode, type GraphQLError, type ValueNode } from 'graphql';
import { COMPONENTS } from '../../policy/components.ts';
import { appError, codesOfClass, isAppError } from '../../policy/errors.ts';
import { redactCallerValues, type Logger } from '../../core/logger.ts';
import { IDEMPOTENCY_KEY_PATTERN, type AuditTrail } from '../../store/index.ts';
import { formatErrorFor } from '../common/subgraph-server.ts';
import type { WritesContext } from './context.ts';

/** The codes the registry classes as refusals: the request was turned away, so the attempt is audited as refused. */
const REFUSALS = codesOfClass('refusal');
const OBJECT_OF: Record<string, string> = {
  updateAccount: 'Account', requestDeliveryDate: 'Order', createQuote: 'Quote', updateQuote: 'Quote', confirmQuote: 'Quote',
  approveQuote: 'Quote', rejectQuote: 'Quote',
  replayException: 'IntegrationException', discardException: 'IntegrationException',
};
const ID_ARGUMENTS = ['id', 'orderId', 'quoteId'];

function codeOf(error: GraphQLError): string | undefined {
  const original = unwrapResolverError(error);
  if (isAppError(original)) return original.code;
  const code = (original as GraphQLError)?.extensions?.code ?? error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

function valueOf(node: ValueNode | undefined, variables: Record<string, unknown>): string | null {
  if (!node) return null;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value] == null ? null : String(variables[node.name.value]);
  return node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : null;
}

const formatError = formatErrorFor(COMPONENTS.integration.system);
const UNRECORDED = 'The refused write could not be recorded in the audit trail';

export function auditRefusals(audit: AuditTrail, logger: Logger): ApolloServerPlugin<WritesContext> {
  return {
    async requestDidStart() {
      /** Response keys whose refusal is not in the trail: their errors are replaced before the answer leaves. */
      const unrecorded = new Set<string>();
      return {
        async didEncounterErrors(rc) {
          if (rc.operation?.operation !== 'mutation') return;
          const variables = (rc.request.variables ?? {}) as Record<string, unknown>;
          const fields = rc.operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
          for (const error of rc.errors) {
            const code = codeOf(error);
            const responseKey = error.path?.[0];
            if (!code || !REFUSALS.has(code) || error.path?.length !== 1 || typeof responseKey !== 'string') continue;
            const field = fields.find((f) => (f.alias?.value ?? f.name.value) === responseKey);
            if (!field) continue;
            const arg = (name: string) => valueOf(field.arguments?.find((a) => a.name.value === name)?.value, variables);
            const identity = rc.contextValue.identity;
            const detail = isAppError(unwrapResolverError(error)) ? (unwrapResolverError(error) as { details: Record<string, unknown> }).details : error.extensions;
            const key = arg('idempotencyKey');
            try {
              await audit.record({
                actor: { sub: identity.sub, role: identity.roles.join('+') },
                action: field.name.value,
                system: COMPONENTS.integration.system,
                object: OBJECT_OF[field.name.value] ?? 'Unknown',
                objectId: ID_ARGUMENTS.map(arg).find((v) => v) ?? '-',
                fields: typeof detail?.field === 'string' && detail.field ? [detail.field] : [],
                before: {},
                after: {},
                // A malformed key (itself the refusal) is not stored.
                idempotencyKey: key && IDEMPOTENCY_KEY_PATTERN.test(key) ? key : undefined,
                requestId: rc.contextValue.requestId,
                outcome: 'refused',
                // Stored as the log has it: the audit masks what callers send (a tax id), so a refusal's message does too.
                error: { code, message: redactCallerValues(error.message) },
              });
            } catch (e) {
              unrecorded.add(responseKey);
              logger.error(
                { requestId: rc.contextValue.requestId, action: field.name.value, refusal: code, err: e, details: isAppError(e) ? e.details : undefined },
                'audit of a refused write failed; the request fails',
              );
            }
          }
        },
        async willSendResponse(rc) {
          if (unrecorded.size === 0 || rc.response.body.kind !== 'single') return;
          const result = rc.response.body.singleResult;
          result.errors = result.errors?.map((formatted) => {
            const key = formatted.path?.length === 1 ? formatted.path[0] : undefined;
            return typeof key === 'string' && unrecorded.has(key) ? formatError(formatted, appError('STORE_UNAVAILABLE', UNRECORDED)) : formatted;
          });
        },
      };
    },
  };
}
