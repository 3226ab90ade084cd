// `npm run token -- --role customer --account <accountId> [--companies 1,2] [--scope bi:commercial] [--owner <hubspot owner id>] [--sub alice] [--ttl 8h]`
// prints a development token for the embedded identity.
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../core/identity.ts';
import { devToken } from './dev-tokens.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    account: { type: 'string' },
    companies: { type: 'string' },
    scope: { type: 'string' },
    sub: { type: 'string' },
    owner: { type: 'string' },
    ttl: { type: 'string', default: '8h' },
  },
});

if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
  console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--account <accountId>] [--companies 1,2] [--scope "bi:commercial"] [--owner <hubspot owner id>] [--sub name] [--ttl 8h]`);
  process.exit(2);
}
if (values.role === 'customer' && !values.account) {
  console.error('a customer token needs --account <accountId> (an Account id from the API)');
  process.exit(2);
}
console.log(
  await devToken({
    role: values.role as Role,
    sub: values.sub,
    accountId: values.account,
    companyIds: values.companies?.split(',').map(Number),
    scope: values.scope,
    crmOwnerId: values.owner,
    expiresIn: values.ttl,
  }),
);
