// The writes subgraph's resolver map.
import { DateScalar, DateTimeScalar } from '../../common/scalars.ts';
import { AuditEntry, auditLog, integrationExceptions } from './audit.ts';
import { confirmQuote } from './confirm-quote.ts';
import { requestDeliveryDate } from './delivery-date.ts';
import { createQuote, updateQuote } from './quotes.ts';
import type { SystemWrite } from './shared.ts';
import { updateAccount } from './update-account.ts';

export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { auditLog, integrationExceptions },
  Mutation: { updateAccount, requestDeliveryDate, createQuote, updateQuote, confirmQuote },
  SystemWrite: { system: (w: SystemWrite) => w.system.toUpperCase() },
  AuditEntry,
};
