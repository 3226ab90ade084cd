// The writes subgraph's resolver map.
import { DateScalar, DateTimeScalar } from '../../common/scalars.ts';
import { AuditEntry, auditLog, integrationExceptions } from './audit.ts';
import { confirmQuote } from './confirm-quote.ts';
import { discardException, IntegrationException, replayException } from './exceptions.ts';
import { requestDeliveryDate } from './delivery-date.ts';
import { createQuote, updateQuote } from './quotes.ts';
import type { SystemWrite } from './shared.ts';
import { updateAccount } from './update-account.ts';
import type { WritesContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const resolvers: Resolvers<WritesContext> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { auditLog, integrationExceptions },
  Mutation: { updateAccount, requestDeliveryDate, createQuote, updateQuote, confirmQuote, replayException, discardException },
  SystemWrite: { system: (w) => w.system.toUpperCase() as Uppercase<SystemWrite['system']> },
  AuditEntry,
  IntegrationException,
};
