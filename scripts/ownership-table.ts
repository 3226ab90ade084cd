// Prints the README's field-ownership table from the one declaration, so the
// documentation cannot drift from the code (a test compares them).
import { pathToFileURL } from 'node:url';
import { COMPONENTS } from '../policy/components.ts';
import { OWNERSHIP, type FieldDeclaration } from '../policy/ownership.ts';

const OWNER_LABEL: Record<FieldDeclaration['owner'], string> = {
  odoo: COMPONENTS.odoo.display,
  crm: COMPONENTS.crm.display,
  integration: `integration (${COMPONENTS.integration.subgraph} subgraph)`,
  key: 'key (shared by subgraphs)',
  shared: 'shared',
};

export function ownershipTable(): string {
  const rows = ['| Type | Field | System of record | Writable to | Sensitivity |', '|---|---|---|---|---|'];
  for (const [type, fields] of Object.entries(OWNERSHIP)) {
    if (type === 'Query' || type === 'PageInfo' || type === 'Money') continue;
    for (const [field, d] of Object.entries(fields)) {
      const target = d.write ? `\`${d.write.object.replace(/^(hubspot|odoo):/, '')}.${d.write.field}\`` : 'read-only';
      rows.push(`| ${type} | ${field} | ${OWNER_LABEL[d.owner]} | ${target} | ${d.sensitivity ?? ''} |`);
    }
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ownershipTable());
