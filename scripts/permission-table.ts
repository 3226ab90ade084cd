// Prints the README's permission table from the one rule set
// (policy/permissions.ts); test/permission-matrix.test.ts runs every cell
// of it through the gateway and checks the README carries this exact table.
import { pathToFileURL } from 'node:url';
import { OWNERSHIP, isPlumbingType } from '../policy/ownership.ts';
import { accessFor, ROLES, WRITE_RULES, type Access } from '../policy/permissions.ts';

const MARK: Record<Access, string> = { allow: '✓', deny: '✗', mask: 'masked' };

/** Every (type, field) the rule set speaks about: the canonical object fields. */
export function permissionCells(): Array<{ type: string; field: string }> {
  return Object.entries(OWNERSHIP)
    .filter(([type]) => !isPlumbingType(type) && type !== 'Money' && type !== 'PageInfo')
    .flatMap(([type, fields]) => Object.keys(fields).map((field) => ({ type, field })));
}

export function permissionTable(): string {
  const variants = [...ROLES.map((r) => ({ label: r, role: r, scopes: [] as string[] })), { label: 'bi_reader + bi:commercial', role: 'bi_reader' as const, scopes: ['bi:commercial'] }];
  const rows = [`| Type | Field | ${variants.map((v) => v.label).join(' | ')} |`, `|---|---|${variants.map(() => '---').join('|')}|`];
  for (const { type, field } of permissionCells()) {
    rows.push(`| ${type} | ${field} | ${variants.map((v) => MARK[accessFor(v.role, v.scopes, type, field)]).join(' | ')} |`);
  }
  return rows.join('\n');
}

/** Who may write what (WRITE_RULES), as the README shows it. */
export function writePermissionTable(): string {
  const rows = ['| Role | Mutations | Account fields | Own records only | Discount authority |', '|---|---|---|---|---|'];
  for (const role of ROLES) {
    const r = WRITE_RULES[role];
    const fields = r.fields?.Account === 'crm' ? 'CRM-owned writable fields' : r.fields?.Account?.join(', ') ?? '—';
    rows.push(`| ${role} | ${r.mutations.join(', ') || '—'} | ${r.mutations.includes('updateAccount') ? fields : '—'} | ${r.ownRecordsOnly ? 'yes (token claim crmOwnerId)' : r.mutations.length ? 'no' : '—'} | ${r.maxDiscountPercent !== undefined ? `${r.maxDiscountPercent} %` : '—'} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(permissionTable());
  console.log();
  console.log(writePermissionTable());
}
