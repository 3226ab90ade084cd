// The CRM subgraph's resolver map: one file per type, assembled here.
import { DateScalar, DateTimeScalar } from '../../common/scalars.ts';
import { Account, Contact } from './account.ts';
import { Query } from './query.ts';
import { Quote, QuoteLine } from './quote.ts';

export const resolvers = { DateTime: DateTimeScalar, Date: DateScalar, Query, Account, Contact, Quote, QuoteLine };
