// The README's runnable examples: every ```graphql block preceded by its visible
// "**As** `role` — token `npm run -s token -- …` — variables `{…}`" line. One
// extraction for every test that runs them (our gateway, and Hive Gateway over the
// same subgraphs), so both run the same examples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROLES, type Role } from '../../core/identity.ts';

export interface ReadmeExample {
  role: Role;
  owner?: string;
  account?: string;
  scope?: string;
  variables: Record<string, unknown>;
  query: string;
}

export const README = (): string => readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** `npm run -s token -- --role r --account a --owner o --scope s` → the claims it mints. */
function tokenClaims(command: string): { role: Role; account?: string; owner?: string; scope?: string } {
  assert.match(command, /^npm run -s token -- /, command);
  const arg = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)?.[1];
  const role = arg('role') as Role;
  assert.ok(ROLES.includes(role), `unknown role in: ${command}`);
  return { role, account: arg('account'), owner: arg('owner'), scope: arg('scope') };
}

export function readmeExamples(): ReadmeExample[] {
  const out: ReadmeExample[] = [];
  const re = /\*\*As\*\* `(\w+)` — token `([^`]+)` — variables `(\{.*?\})`(?: — \[open in the explorer\]\(([^)]+)\))?\n+```graphql\n([\s\S]*?)```/g;
  for (const m of README().matchAll(re)) {
    const claims = tokenClaims(m[2]!);
    assert.equal(claims.role, m[1], `the role named and the token's role agree: ${m[0].slice(0, 80)}`);
    const variables = JSON.parse(m[3]!);
    const query = m[5]!;
    if (m[4]) {
      const link = new URL(m[4]);
      assert.equal(link.pathname, '/explorer');
      assert.equal(link.searchParams.get('query'), query.trim(), 'the explorer link opens the query shown');
      assert.deepEqual(JSON.parse(link.searchParams.get('variables') ?? '{}'), variables, 'the explorer link carries the variables shown');
    }
    out.push({ role: claims.role, owner: claims.owner, account: claims.account, scope: claims.scope, variables, query });
  }
  // Examples are visible, not hidden in comments.
  assert.doesNotMatch(README(), /<!-- example /);
  return out;
}
