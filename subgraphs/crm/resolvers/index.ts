// The CRM subgraph's resolver map: one file per type, assembled here.
import { DateScalar, DateTimeScalar } from '../../common/scalars.ts';
import { Account, Contact } from './account.ts';
import { Query } from './query.ts';
import { Quote, QuoteLine } from './quote.ts';
import type { CrmSubgraphContext } from '../loaders.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const resolvers: Resolvers<CrmSubgraphContext> = { DateTime: DateTimeScalar, Date: DateScalar, Query, Account, Contact, Quote, QuoteLine };
